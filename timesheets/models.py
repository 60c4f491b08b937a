from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Organization


class TimeEntryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff all; an expert their own entries; customers their organizations' entries."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self
        return self.filter(Q(expert=user) | Q(organization__memberships__user=user)).distinct()


class TimeEntry(models.Model):
    """Hours an expert worked on a task on one day (R-TIMESHEET). ``day`` is in the expert's
    time zone."""

    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="time_entries"
    )
    task = models.ForeignKey("projects.Task", on_delete=models.PROTECT, related_name="time_entries")
    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, related_name="time_entries"
    )
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    hours = models.DecimalField(max_digits=5, decimal_places=2)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TimeEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-day", "-id"]
        verbose_name_plural = "time entries"
        indexes = [
            models.Index(fields=["expert", "day"]),
            models.Index(fields=["task", "day"]),
            models.Index(fields=["organization", "day"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="time_entry_hours_range"
            ),
        ]

    def __str__(self):
        return f"{self.expert} · {self.task} · {self.day} · {self.hours}h"

    def save(self, *args, **kwargs):
        if self.task_id and not self.project_id:
            self.project_id = self.task.project_id
        if self.project_id and not self.organization_id:
            self.organization_id = self.task.organization_id
        super().save(*args, **kwargs)
