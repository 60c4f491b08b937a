from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import Organization
from projects.models.core import Project, ProjectQuerySet

FIRST_RESPONSE_WITHIN = timedelta(hours=1)


class QueryQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(project__in=Project.objects.visible_to(user).values("pk"))


class Query(models.Model):
    """A customer's question on the board, with its 1-hour first-response clock (R-QUERY-1H)."""

    class State(models.TextChoices):
        WAITING = "waiting", "Waiting for first response"  # the 1-hour clock runs
        ANSWERED = "answered", "Answered"  # an expert responded; work may follow
        WAITING_ON_CUSTOMER = "waiting_on_customer", "Waiting on customer"  # expert needs input
        RESOLVED = "resolved", "Resolved"  # closed

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="queries")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=200)
    body = models.TextField()
    asked_at = models.DateTimeField(default=timezone.now)
    first_response_due_at = models.DateTimeField(db_index=True)
    first_responded_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(
        max_length=24, choices=State.choices, default=State.WAITING, db_index=True
    )

    objects = QueryQuerySet.as_manager()

    class Meta:
        ordering = ["-asked_at"]
        verbose_name_plural = "queries"

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.project_id and not self.organization_id:
            self.organization_id = self.project.organization_id
        if not self.first_response_due_at:
            self.first_response_due_at = self.asked_at + FIRST_RESPONSE_WITHIN
        super().save(*args, **kwargs)


__all__ = ["Query", "QueryQuerySet", "FIRST_RESPONSE_WITHIN", "ProjectQuerySet"]
