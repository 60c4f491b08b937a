import zoneinfo
from datetime import UTC, date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Mod
from django.db.models.lookups import Exact
from django.utils import timezone

from accounts.models import Membership, Organization
from softwaresupp.dates import week_of
from timesheets.rollup import rollup_refresh

# Hours are logged in quarter hours: fine enough for a day's work, coarse enough that a
# grid of them adds up the same in every report and invoice.
HOURS_STEP = Decimal("0.25")
MAX_HOURS_PER_DAY = Decimal("24")

QUARTER_MESSAGE = "Log hours in quarter hours: 0.25 is 15 minutes, 1.5 is 1 h 30 min."
SETTLED_MESSAGE = (
    "These hours are in a settled period: they were paid and invoiced, so they can no "
    "longer be changed or deleted. Ask the SoftwareSupp team for a correction."
)
SETTLED_DAY_MESSAGE = (
    "These hours fall in a settled period: it was paid and invoiced, so no hours can be "
    "added to it. Ask the SoftwareSupp team for a correction."
)


class SettledEntryError(ValidationError):
    """Raised by every write path that would change or delete a settled entry."""

    def __init__(self, message: str = SETTLED_MESSAGE):
        super().__init__(message, code="settled")


# The fields whose change moves hours in projects' rollup (timesheets.rollup).
ROLLUP_FIELDS = {"task", "task_id", "expert", "expert_id", "day", "hours", "project", "project_id"}
KEY_FIELDS = ("task_id", "expert_id", "day")


def format_hours(value) -> str:
    """``Decimal("2.50")`` → ``2.5``, ``Decimal("20.00")`` → ``20``."""
    if value is None:
        return ""
    return f"{Decimal(value).normalize():f}"


def lasted_until_created(created_on) -> Q:
    """An assignment takes hours on a task only if the task existed before it ended: a task
    added after the expert left is not theirs to see or log on (R-TENANT). ``created_on``
    is the task's creation date (UTC), a value or an expression."""
    return Q(ends_on__isnull=True) | Q(ends_on__gte=created_on)


def local_today(user, now=None) -> date:
    """Today in the user's time zone: timesheet days are the expert's days."""
    moment = now or timezone.now()
    return moment.astimezone(zoneinfo.ZoneInfo(user.time_zone or "UTC")).date()


class SettledPeriod(models.Model):
    """A pay period whose hours are settled (R-SETTLE) and so locked (R-TIMESHEET): no entry
    on its days is added, changed, moved or deleted, whatever the path (database triggers,
    ``timesheets/apps.py``). The row is the lock: an entry belongs to the period its day
    lies in (``TimeEntry.objects.with_settlement()``).

    The lock is the timesheets' own; the payments area settles a period (amounts, ledger)
    and refers to it, so payments depends on timesheets and never the reverse.
    """

    starts_on = models.DateField(help_text="First day of the period.")
    ends_on = models.DateField(help_text="Last day of the period (inclusive).")
    settled_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="settled_period_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"Settled period {self.starts_on:%d %b %Y} – {self.ends_on:%d %b %Y}"

    def covers(self, day) -> bool:
        return self.starts_on <= day <= self.ends_on


def _settled_period_of_day(day=None):
    """The settled period holding ``day`` (an entry's own day in a subquery by default)."""
    day = OuterRef("day") if day is None else day
    return SettledPeriod.objects.filter(starts_on__lte=day, ends_on__gte=day)


class TimeEntryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff all; an expert their own entries; customers their organizations' entries.

        No joins, so every entry appears once and reports sum hours without double
        counting. A customer's organizations are a subquery the database joins on the
        (organization, day) index; for an expert, whose rule is an OR, they are read first
        as a list of ids (once per request): an OR around a subquery would make PostgreSQL
        scan every entry instead of combining the (expert, day) and (organization, day)
        indexes."""
        if not user.is_authenticated:
            return self.none()
        if user.sees_everything:
            return self
        memberships = Membership.objects.filter(user=user).order_by().values("organization_id")
        if not user.is_expert:
            return self.filter(organization_id__in=memberships)
        if not hasattr(user, "_timesheet_organization_ids"):
            user._timesheet_organization_ids = [m["organization_id"] for m in memberships]
        if not user._timesheet_organization_ids:
            return self.filter(expert=user)
        return self.filter(Q(expert=user) | Q(organization_id__in=user._timesheet_organization_ids))

    def settled(self):
        return self.filter(Exists(_settled_period_of_day()))

    def unsettled(self):
        return self.filter(~Exists(_settled_period_of_day()))

    def with_settlement(self):
        """Each entry's ``settlement_id``: the settled period holding its day, or None.
        Locking is by day (see ``TimeEntry``), so this is read, never stored."""
        return self.annotate(settlement_id=Subquery(_settled_period_of_day().values("pk")[:1]))

    def _refuse_if_settled(self):
        # R-TIMESHEET: bulk paths (admin actions, scripts, ``bulk_update``) go through here.
        # Refusing the whole statement is clearer than silently skipping the settled rows.
        if self.settled().exists():
            raise SettledEntryError()

    def rollup_keys(self) -> set:
        return set(self.order_by().values_list(*KEY_FIELDS))

    def update(self, **kwargs):
        self._refuse_if_settled()
        if not ROLLUP_FIELDS & kwargs.keys():
            return super().update(**kwargs)
        with transaction.atomic(using=self.db, savepoint=False):
            pks = list(self.values_list("pk", flat=True))
            before = self.rollup_keys()
            count = super().update(**kwargs)
            rollup_refresh(before | self.model.objects.filter(pk__in=pks).rollup_keys())
        return count

    update.alters_data = True

    def delete(self):
        self._refuse_if_settled()
        with transaction.atomic(using=self.db, savepoint=False):
            keys = self.rollup_keys()
            deleted = super().delete()
            rollup_refresh(keys)
        return deleted

    delete.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        """R-TIMESHEET: no new entry on a day of a settled period, on this path either (it
        skips ``save()`` and ``clean()``; on PostgreSQL the trigger refuses it as well)."""
        from timesheets.locks import lock_for_entry_writes

        objs = list(objs)
        days = {obj.day for obj in objs}
        with transaction.atomic(using=self.db, savepoint=False):
            lock_for_entry_writes()
            periods = SettledPeriod.objects.filter(
                starts_on__lte=max(days, default=date.min), ends_on__gte=min(days, default=date.max)
            ).values_list("starts_on", "ends_on")
            if not any(start <= day <= end for start, end in periods for day in days):
                created = super().bulk_create(objs, *args, **kwargs)
                rollup_refresh(entry.rollup_key for entry in created)
                return created
        # Raised outside the block, so the caller's transaction stays usable.
        raise SettledEntryError(SETTLED_DAY_MESSAGE)

    bulk_create.alters_data = True


class TimeEntry(models.Model):
    """Hours an expert worked on a task on one day (R-TIMESHEET).

    ``day`` is in the expert's time zone. ``hours`` is a multiple of a quarter hour
    (0.25 h = 15 minutes). An entry whose day lies in a settled period (``SettledPeriod``)
    is locked: settling a period writes that one row, not a mark on each of its entries, so
    it costs the same for ten entries or a million (docs/benchmarks.md, settlement).
    """

    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="time_entries"
    )
    task = models.ForeignKey("projects.Task", on_delete=models.PROTECT, related_name="time_entries")
    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, related_name="time_entries"
    )
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    hours = models.DecimalField(
        max_digits=5, decimal_places=2, help_text="In quarter hours: 1.25 is 1 h 15 min."
    )
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
            models.Index(fields=["project", "day"]),
            models.Index(fields=["day"]),  # staff's week and period totals
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="time_entry_hours_range"
            ),
            models.CheckConstraint(
                condition=Exact(Mod(F("hours"), models.Value(HOURS_STEP)), 0),
                name="time_entry_hours_quarter",
            ),
        ]

    def __str__(self):
        return f"{self.expert} · {self.task} · {self.day} · {format_hours(self.hours)} h"

    def save(self, *args, **kwargs):
        if self.pk and TimeEntry.objects.filter(pk=self.pk).settled().exists():
            raise SettledEntryError()
        if self.task_id and not self.project_id:
            self.project_id = self.task.project_id
        if self.project_id and not self.organization_id:
            self.organization_id = self.task.organization_id
        update_fields = kwargs.get("update_fields")
        with transaction.atomic(savepoint=False):
            before = self._stored_key()
            super().save(*args, **kwargs)
            if update_fields is None or ROLLUP_FIELDS & set(update_fields):
                rollup_refresh({before, self.rollup_key})
        self._loaded_key = self.rollup_key

    def delete(self, *args, **kwargs):
        if self.pk and TimeEntry.objects.filter(pk=self.pk).settled().exists():
            raise SettledEntryError()
        with transaction.atomic(savepoint=False):
            keys = {self._stored_key(), self.rollup_key}
            deleted = super().delete(*args, **kwargs)
            rollup_refresh(keys)
        return deleted

    @classmethod
    def from_db(cls, db, field_names, values):
        entry = super().from_db(db, field_names, values)
        # The key as stored, so a save that moves the entry refreshes the day it left.
        key = tuple(entry.__dict__.get(name) for name in KEY_FIELDS)
        entry._loaded_key = None if None in key else key
        return entry

    @property
    def rollup_key(self) -> tuple:
        return (self.task_id, self.expert_id, self.day)

    def _stored_key(self) -> tuple | None:
        if self.pk is None:
            return None
        if getattr(self, "_loaded_key", None) is None:
            stored = TimeEntry.objects.filter(pk=self.pk).values_list(*KEY_FIELDS)
            self._loaded_key = stored.first()
        return self._loaded_key

    @property
    def is_settled(self) -> bool:
        """Read from ``with_settlement()`` when the list was annotated, else asked once."""
        if "settlement_id" not in self.__dict__:
            self.settlement_id = (
                _settled_period_of_day(self.day).values_list("pk", flat=True).first()
                if self.day
                else None
            )
        return self.settlement_id is not None

    def clean(self):
        """The rules every entry keeps, whichever path writes it (R-TIMESHEET): services
        call ``full_clean()`` under a lock, admin and forms through their ModelForm."""
        from projects.models import Assignment, Task

        errors: dict[str, list[str]] = {}
        if self.pk and TimeEntry.objects.filter(pk=self.pk).settled().exists():
            raise SettledEntryError()
        if self.hours is not None:
            if self.hours <= 0:
                errors.setdefault("hours", []).append("Hours must be more than zero.")
            elif self.hours > 24:
                errors.setdefault("hours", []).append("A day has 24 hours.")
            elif self.hours % HOURS_STEP:
                errors.setdefault("hours", []).append(QUARTER_MESSAGE)
        if self.day is not None and self.expert_id:
            today = local_today(self.expert)
            if self.day > today:
                errors.setdefault("day", []).append(
                    f"{self.day:%a %d %b %Y} is in the future (today is {today:%a %d %b} "
                    f"in {self.expert.time_zone}). Log hours once the work is done."
                )
            settled = SettledPeriod.objects.filter(starts_on__lte=self.day, ends_on__gte=self.day)
            # A stored entry already on a settled day was refused above: this is a new
            # entry, or one moving, onto a settled day.
            if settled.exists():
                errors.setdefault("day", []).append(
                    f"The pay period holding {self.day:%d %b %Y} is settled: no hours can be "
                    "added to it. Ask the SoftwareSupp team for a correction."
                )
        if self.task_id and self.expert_id and self.day is not None:
            task = self.task
            if task.status == Task.Status.CANCELLED:
                errors.setdefault("task", []).append(
                    f"“{task}” is cancelled: no more hours can be logged on it."
                )
            assignment = (
                Assignment.objects.covering(self.day)
                .filter(project_id=task.project_id, expert_id=self.expert_id)
                .filter(lasted_until_created(task.created_at.astimezone(UTC).date()))
                .first()
            )
            if assignment is None:
                errors.setdefault("task", []).append(
                    f"{self.expert} was not assigned to the project {task.project} on "
                    f"{self.day:%d %b %Y}, so hours cannot be logged on its tasks that day."
                )
            elif assignment.weekly_hour_cap and self.hours and "hours" not in errors:
                self._keep_weekly_cap(assignment, errors)
        if self.expert_id and self.day is not None and self.hours and "hours" not in errors:
            others = (
                TimeEntry.objects.filter(expert_id=self.expert_id, day=self.day)
                .exclude(pk=self.pk)
                .aggregate(total=Sum("hours"))["total"]
            ) or Decimal("0")
            if others + self.hours > MAX_HOURS_PER_DAY:
                left = MAX_HOURS_PER_DAY - others
                errors.setdefault("hours", []).append(
                    f"A day has 24 hours: {format_hours(others)} h are already logged on "
                    f"{self.day:%d %b %Y}, so at most {format_hours(left)} h more can be added."
                )
        if errors:
            raise ValidationError(errors)

    def _keep_weekly_cap(self, assignment, errors: dict) -> None:
        """R-PLAN: the customer's hourly plan caps the expert's hours on the project per
        week (Monday to Sunday, the entry's week)."""
        monday, sunday = week_of(self.day)
        logged = (
            TimeEntry.objects.filter(
                expert_id=self.expert_id,
                project_id=assignment.project_id,
                day__gte=monday,
                day__lte=sunday,
            )
            .exclude(pk=self.pk)
            .aggregate(total=Sum("hours"))["total"]
        ) or Decimal("0")
        cap = assignment.weekly_hour_cap
        if logged + self.hours > cap:
            left = max(cap - logged, Decimal("0"))
            errors.setdefault("hours", []).append(
                f"The customer's plan caps this project at {format_hours(cap)} h a week: "
                f"{format_hours(logged)} h are logged in the week of {monday:%d %b %Y}, so at "
                f"most {format_hours(left)} h more can be added."
            )


class Reminder(models.Model):
    """A reminder sent once: to an expert for a day of theirs, or the staff digest for a
    week (R-HOURS, R-ESTIMATE). The unique constraints make the jobs idempotent."""

    class Kind(models.TextChoices):
        EXPERT_DAILY = "expert_daily", "Expert daily reminder"  # day: the expert's local day
        STAFF_WEEKLY = "staff_weekly", "Staff weekly digest"  # day: Monday of the week covered

    kind = models.CharField(max_length=20, choices=Kind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Empty for the staff digest.",
    )
    day = models.DateField()
    summary = models.JSONField(default=dict, blank=True)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-day", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "recipient", "day"],
                condition=Q(recipient__isnull=False),
                name="reminder_once_per_recipient_day",
            ),
            models.UniqueConstraint(
                fields=["kind", "day"],
                condition=Q(recipient__isnull=True),
                name="reminder_once_per_digest_day",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.recipient or 'staff'} · {self.day}"


class RunningTimerQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A timer is its expert's own (staff see every one in a verified session)."""
        if not user.is_authenticated:
            return self.none()
        return self if user.sees_everything else self.filter(expert=user)


class RunningTimer(models.Model):
    """The one timer an expert has running, on one task (R-TIMESHEET's hours, timed).

    Stopping it logs the time since ``started_at`` on the day it started (in the expert's
    time zone), rounded up to the next quarter hour (``timer_hours``); a timer stopped
    within its first minute logs nothing. Kept in the database, so it survives reloads,
    other tabs and other devices."""

    expert = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="running_timer"
    )
    task = models.ForeignKey("projects.Task", on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)

    objects = RunningTimerQuerySet.as_manager()

    class Meta:
        ordering = ["started_at"]

    def __str__(self):
        return f"{self.expert} on {self.task} since {self.started_at:%H:%M}"
