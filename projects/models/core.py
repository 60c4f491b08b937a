import zoneinfo
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone

from accounts.models import TIME_ZONE_CHOICES, Organization, Skill, validate_time_zone


def _today_utc() -> date:
    return timezone.now().date()


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, user):
        """R-TENANT: staff see all; customers their organizations' projects; experts a
        project only while an assignment of theirs covers today."""
        if not user.is_authenticated:
            return self.none()
        if user.sees_everything:
            return self
        return self.filter(
            Q(organization__memberships__user=user)
            | Q(pk__in=Assignment.objects.current().filter(expert=user).values("project_id"))
        ).distinct()

    def with_access(self, user):
        """Each project with ``user``'s role in its organization (``access_role``, None for
        a non-member) and whether an assignment of theirs covers today
        (``access_is_expert``): ``Membership.objects.of`` and ``Assignment.objects.current``
        as SQL columns of the project's own row. In SQL because every board page reads them
        and Django took about 5 ms to compile them as ORM subqueries, more than the database
        took to run them; ``tests/projects/test_access_sql.py`` holds them equal. The SQL
        names the project table itself: use it in a top-level query, not in a subquery."""
        from accounts.models import Membership

        project, today = self.model._meta.db_table, _today_utc()
        return self.annotate(
            access_role=RawSQL(
                f"SELECT m.role FROM {Membership._meta.db_table} m "
                f'WHERE m.organization_id = "{project}"."organization_id" AND m.user_id = %s',
                [user.pk],
                output_field=models.CharField(null=True),
            ),
            access_is_expert=RawSQL(
                f"EXISTS (SELECT 1 FROM {Assignment._meta.db_table} a "
                f'WHERE a.project_id = "{project}"."id" AND a.expert_id = %s '
                "AND a.starts_on <= %s AND (a.ends_on IS NULL OR a.ends_on >= %s))",
                [user.pk, today, today],
                output_field=models.BooleanField(),
            ),
        )

    def visible_with_access(self, user):
        """``visible_to`` read from ``with_access``'s columns (a member, or assigned today):
        the same rule for one row, without the join and DISTINCT (the board's hot path)."""
        if not user.is_authenticated:
            return self.none()
        projects = self.with_access(user)
        if user.sees_everything:
            return projects
        return projects.filter(Q(access_role__isnull=False) | Q(access_is_expert=True))


class Project(models.Model):
    class EngagementType(models.TextChoices):
        FULL_TIME = "full_time", "Full time"
        PART_TIME = "part_time", "Part time"
        HOURLY = "hourly", "Hourly"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"  # being planned (e.g. from a lead), no work yet
        ACTIVE = "active", "Active"  # sprints run, hours are logged
        PAUSED = "paused", "Paused"  # on hold; history kept
        CLOSED = "closed", "Closed"  # finished

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        SLACK = "slack", "Slack"
        TEAMS = "teams", "Microsoft Teams"
        OTHER = "other", "Other"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="projects"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    skills = models.ManyToManyField(
        Skill, blank=True, related_name="projects", verbose_name="technology"
    )
    engagement_type = models.CharField(
        max_length=16, choices=EngagementType.choices, default=EngagementType.HOURLY
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    time_zone = models.CharField(
        max_length=64, default="UTC", choices=TIME_ZONE_CHOICES, validators=[validate_time_zone]
    )
    communication_channel = models.CharField(
        max_length=16, choices=Channel.choices, default=Channel.EMAIL
    )
    communication_handle = models.CharField(
        max_length=200, blank=True, help_text="Address, channel or handle on the preferred channel."
    )
    staging_url = models.URLField(blank=True)
    production_url = models.URLField(blank=True)
    # What the customer means to spend on the project in all, in US dollars: their billing
    # page shows the cost so far against it.
    budget = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="US dollars in all, optional: the billing page shows the cost against it.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["organization__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="project_unique_name_per_org"
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gt=0), name="project_budget_positive"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("projects:board", kwargs={"pk": self.pk})

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    def local_today(self, now: datetime | None = None) -> date:
        """Today's date where the customer is: sprints turn at their midnight (R-SPRINT)."""
        moment = now or timezone.now()
        return moment.astimezone(zoneinfo.ZoneInfo(self.time_zone)).date()


class AssignmentQuerySet(models.QuerySet):
    """The one place that says which days an assignment covers: from ``starts_on`` to
    ``ends_on``, both included; no ``ends_on`` means open-ended."""

    def overlapping(self, first: date, last: date):
        """Assignments covering at least one day of ``first``…``last``."""
        return self.filter(starts_on__lte=last).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=first)
        )

    def covering(self, day: date):
        return self.overlapping(day, day)

    def current(self):
        """Covering today (UTC): the day ``Project.objects.visible_to`` uses (R-TENANT)."""
        return self.covering(_today_utc())


class Assignment(models.Model):
    """An expert on a project for a span of days; while it lasts, the expert sees the project."""

    class Role(models.TextChoices):
        LEAD = "lead", "Lead"  # plans sprints, first contact for the customer
        MEMBER = "member", "Member"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="assignments")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    starts_on = models.DateField(default=_today_utc)
    ends_on = models.DateField(null=True, blank=True)
    # The customer's hourly plan may cap the expert's hours on the project per week (R-PLAN);
    # every path that logs hours keeps it (``timesheets.TimeEntry.clean``).
    weekly_hour_cap = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Hours a week at most on this project; empty for no cap.",
    )

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["project", "-role", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="assignment_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(weekly_hour_cap__isnull=True) | Q(weekly_hour_cap__gt=0),
                name="assignment_weekly_cap_positive",
            ),
        ]

    def __str__(self):
        return f"{self.expert} on {self.project} ({self.get_role_display()})"

    def save(self, *args, **kwargs):
        if self.project_id and not self.organization_id:
            self.organization_id = self.project.organization_id
        super().save(*args, **kwargs)

    def clean(self):
        if (
            self.project_id
            and self.organization_id
            and self.project.organization_id != self.organization_id
        ):
            raise ValidationError("The assignment's organization must be the project's.")
        if self.expert_id and not hasattr(self.expert, "expert_profile"):
            raise ValidationError({"expert": "Only experts of the network can be assigned."})
        # R-EXPERT-ONBOARD, for every path that creates one (the service, Django admin).
        refusal = (
            self._state.adding
            and self.expert_id
            and self.expert.expert_profile.onboarding_refusal()
        )
        if refusal:
            raise ValidationError({"expert": refusal})

    def covers(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


class SprintQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(project__in=Project.objects.visible_to(user).values("pk"))


class Sprint(models.Model):
    """A week of work, Monday to Sunday in the project's time zone (R-SPRINT)."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"  # current or upcoming week
        CLOSED = "closed", "Closed"  # ended; unfinished tasks moved to the next sprint

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="sprints")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    starts_on = models.DateField(help_text="A Monday.")
    ends_on = models.DateField(help_text="The Sunday after starts_on.")
    goal = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Kept when the sprint closes: the tasks it handed on are no longer in it, yet they were
    # part of its plan ("planned against done").
    rolled_over_count = models.PositiveIntegerField(default=0)
    rolled_over_estimate_hours = models.DecimalField(
        max_digits=9, decimal_places=2, default=Decimal("0")
    )

    objects = SprintQuerySet.as_manager()

    class Meta:
        ordering = ["project", "starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "starts_on"], name="sprint_one_per_project_week"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="sprint_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.project} · {self.label}"

    def save(self, *args, **kwargs):
        if self.project_id and not self.organization_id:
            self.organization_id = self.project.organization_id
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("projects:sprint_detail", kwargs={"pk": self.pk})

    @property
    def label(self) -> str:
        return f"week of {self.starts_on.day} {self.starts_on:%b %Y}"

    def contains(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


class TaskQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(project__in=Project.objects.visible_to(user).values("pk"))


class Task(models.Model):
    class Kind(models.TextChoices):
        TASK = "task", "Task"
        BUG = "bug", "Bug"
        MILESTONE = "milestone", "Milestone"
        ADDITIONAL_WORK = "additional_work", "Additional work"

    class Status(models.TextChoices):
        NEW = "new", "New"  # submitted, not yet estimated (R-ESTIMATE)
        TODO = "todo", "To do"  # estimated and planned
        IN_PROGRESS = (
            "in_progress",
            "In progress",
        )  # being worked on; hours expected weekly (R-HOURS)
        DONE = "done", "Done"  # delivered; has hours logged (R-HOURS)
        CANCELLED = "cancelled", "Cancelled"  # dropped; no more hours

    class Priority(models.IntegerChoices):
        LOW = 1, "Low"
        NORMAL = 2, "Normal"
        HIGH = 3, "High"
        URGENT = 4, "Urgent"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tasks")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    sprint = models.ForeignKey(
        Sprint,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
        help_text="Empty: in the backlog.",
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.TASK)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tasks",
    )
    estimate_hours = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    first_estimate_hours = models.DecimalField(
        max_digits=7, decimal_places=2, null=True, blank=True
    )
    due_on = models.DateField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0, help_text="Order within its column.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="authored_tasks",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["status", "position", "id"]
        indexes = [models.Index(fields=["project", "sprint", "status", "position"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(estimate_hours__isnull=True) | Q(estimate_hours__gt=0),
                name="task_estimate_positive",
            ),
            # R-ESTIMATE: nothing is planned without an estimate.
            models.CheckConstraint(
                condition=~Q(status="todo") | Q(estimate_hours__gt=0), name="task_todo_has_estimate"
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.project_id and not self.organization_id:
            self.organization_id = self.project.organization_id
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("projects:task_detail", kwargs={"pk": self.pk})

    @property
    def needs_estimate(self) -> bool:
        """R-ESTIMATE: still waiting for an expert's estimate."""
        return self.status in UNFINISHED_STATUSES and not self.estimate_hours


# What rolls over to the next sprint when a week ends (R-SPRINT).
UNFINISHED_STATUSES = (Task.Status.NEW, Task.Status.TODO, Task.Status.IN_PROGRESS)
# The kanban's columns, left to right; cancelled tasks leave the board.
BOARD_COLUMNS = (Task.Status.NEW, Task.Status.TODO, Task.Status.IN_PROGRESS, Task.Status.DONE)
