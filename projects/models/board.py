"""What the board keeps beside its tasks: comments, milestone and additional-work updates,
releases and the weekly summaries."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organization
from projects.models.core import Project, Sprint, Task


class _ProjectScopedQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(project__in=Project.objects.visible_to(user).values("pk"))


class _OrganizationFromProject(models.Model):
    """Every customer-owned row reaches its tenant by a direct key, copied from its project."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.project_id and not self.organization_id:
            self.organization_id = self.project.organization_id
        super().save(*args, **kwargs)


class TaskCommentQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(task__in=Task.objects.visible_to(user).values("pk"))


class TaskComment(models.Model):
    """A message on a task, from the customer or an expert."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="comments")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    objects = TaskCommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.author} on {self.task}"

    def save(self, *args, **kwargs):
        if self.task_id and not self.organization_id:
            self.organization_id = self.task.organization_id
        super().save(*args, **kwargs)


class TaskAttachment(models.Model):
    """A file attached to a task, kept like a query's files (same storage, same limits) and
    served only through a scoped view to whoever may see the task (R-TENANT)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="attachments")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(upload_to="tasks/%Y/%m/")
    name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = TaskCommentQuerySet.as_manager()

    class Meta:
        ordering = ["task", "id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("projects:task_attachment", kwargs={"pk": self.task_id, "file_pk": self.pk})


class ProjectUpdate(_OrganizationFromProject):
    """Key communication that stays on the board and reaches the customer's members by
    email (R-MILESTONE)."""

    class Kind(models.TextChoices):
        MILESTONE = "milestone", "Milestone update"  # progress on a milestone task
        ADDITIONAL_WORK = "additional_work", "Additional work"  # scope added to the project

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="updates")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="updates")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = _ProjectScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.task}"


class Release(_OrganizationFromProject):
    """A batch of dev work on its way to production, one step at a time (R-RELEASE).

    Who took each step and when is in the event log (the release log is a view of it).
    """

    class Stage(models.TextChoices):
        STAGING = "staging", "On staging"  # deployed to staging, waiting for tests
        TESTED = "tested", "Tested"  # checked on staging, test notes written
        PRODUCTION = "production", "In production"  # live for the customer's users

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="releases")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=200)
    notes = models.TextField(blank=True, help_text="What changes, for the people who test it.")
    tasks = models.ManyToManyField(Task, related_name="releases", blank=True)
    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.STAGING)
    test_notes = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    stage_changed_at = models.DateTimeField(default=timezone.now)

    objects = _ProjectScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("projects:release_detail", kwargs={"pk": self.pk})

    @property
    def next_stage(self) -> str | None:
        order = list(self.Stage.values)
        position = order.index(self.stage)
        return order[position + 1] if position + 1 < len(order) else None


class WeeklySummary(_OrganizationFromProject):
    """The digest of one project's week, emailed to the customer's members and kept on the
    board (R-SUMMARY). ``data`` holds the figures as they were when it was written."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="summaries")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    sprint = models.ForeignKey(
        Sprint, null=True, on_delete=models.SET_NULL, related_name="summaries"
    )
    week_starts_on = models.DateField()
    week_ends_on = models.DateField()
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    recipient_count = models.PositiveIntegerField(default=0)

    objects = _ProjectScopedQuerySet.as_manager()

    class Meta:
        ordering = ["project", "-week_starts_on"]
        verbose_name_plural = "weekly summaries"
        constraints = [
            models.UniqueConstraint(
                fields=["project", "week_starts_on"], name="weekly_summary_one_per_project_week"
            ),
        ]

    def __str__(self):
        return f"{self.project} · week of {self.week_starts_on:%d %b %Y}"

    def get_absolute_url(self):
        return reverse("projects:summary_detail", kwargs={"pk": self.pk})
