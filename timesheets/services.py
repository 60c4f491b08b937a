"""Writes for hour reporting (R-TIMESHEET). Every entry is created, changed and deleted here;
the rules themselves live in ``TimeEntry.clean()`` so that admin forms show the same words."""

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from projects.models import Assignment, Task
from softwaresupp.events import event_record
from softwaresupp.submissions import submission_record, submission_replayed
from timesheets.locks import lock_for_entry_writes, lock_for_settling
from timesheets.models import (
    HOURS_STEP,
    RunningTimer,
    SettledEntryError,
    SettledPeriod,
    TimeEntry,
    format_hours,
    local_today,
)


def _lock_expert(expert) -> None:
    """Serialise writes per expert: the 24-hours-a-day total spans several rows, so two
    entries saved at once must not both pass against the old total."""
    User.objects.select_for_update().filter(pk=expert.pk).values_list("pk").get()


def _require_expert_or_staff(actor, expert) -> None:
    if not (actor.sees_everything or actor.pk == expert.pk):
        raise PermissionDenied("Hours are logged and changed by the expert who did them.")


def _lock_entry(entry: TimeEntry) -> TimeEntry:
    locked = (
        TimeEntry.objects.select_for_update(of=("self",))
        .select_related("expert", "task", "task__project")
        .get(pk=entry.pk)
    )
    if locked.is_settled:
        raise SettledEntryError()
    return locked


def _record(actor, entry: TimeEntry, verb: str, changes: dict) -> None:
    # Recorded on the task, so the task's history shows who logged what and when.
    if "hours" in changes:
        changes["hours"] = tuple(
            None if value is None else format_hours(value) for value in changes["hours"]
        )
    event_record(
        actor=actor,
        target=entry.task,
        verb=verb,
        organization=entry.organization,
        changes=changes,
        note=f"{entry.expert} · {entry.day:%a %d %b %Y}",
    )


@transaction.atomic
def time_entry_log(
    *,
    actor,
    task: Task,
    day: date,
    hours: Decimal,
    description: str = "",
    expert=None,
    submission=None,
) -> TimeEntry:
    """Log hours on a task (R-TIMESHEET): by the expert who did them (staff may log for an
    expert), hours > 0 in quarter hours, at most 24 per expert per day in total, not in the
    future (in the expert's time zone), only on a project the expert was assigned to that
    day, never on a cancelled task nor in a settled period. Posted again with the same
    ``submission`` token, the entry the first post logged."""
    lock_for_entry_writes()
    return _log(
        actor=actor,
        task=task,
        day=day,
        hours=hours,
        description=description,
        expert=expert,
        submission=submission,
    )


def _log(*, actor, task, day, hours, description="", expert=None, submission=None) -> TimeEntry:
    """``time_entry_log`` once the settlement lock is held."""
    expert = expert or actor
    _require_expert_or_staff(actor, expert)
    _lock_expert(expert)
    if earlier := submission_replayed(actor=actor, token=submission, model=TimeEntry):
        return earlier
    task = Task.objects.select_related("project", "organization").get(pk=task.pk)
    entry = TimeEntry(
        expert=expert,
        task=task,
        project=task.project,
        organization=task.organization,
        day=day,
        hours=hours,
        description=(description or "").strip(),
    )
    entry.full_clean()
    entry.save()
    submission_record(actor=actor, token=submission, target=entry)
    _record(actor, entry, "hours logged", {"hours": (None, entry.hours)})
    return entry


@transaction.atomic
def time_entry_update(
    *,
    actor,
    entry: TimeEntry,
    day: date | None = None,
    hours: Decimal | None = None,
    description: str | None = None,
) -> TimeEntry:
    """Change an entry's day, hours or description, under the same rules as logging it
    (R-TIMESHEET). A settled entry is locked."""
    lock_for_entry_writes()
    return _update(actor=actor, entry=entry, day=day, hours=hours, description=description)


def _update(*, actor, entry, day=None, hours=None, description=None) -> TimeEntry:
    """``time_entry_update`` once the settlement lock is held."""
    _require_expert_or_staff(actor, entry.expert)
    _lock_expert(entry.expert)
    entry = _lock_entry(entry)
    changes = {}
    for field, value in (("day", day), ("hours", hours), ("description", description)):
        if value is None:
            continue
        if field == "description":
            value = value.strip()
        if getattr(entry, field) != value:
            changes[field] = (getattr(entry, field), value)
            setattr(entry, field, value)
    if not changes:
        return entry
    entry.full_clean()
    entry.save(update_fields=[*changes, "updated_at"])
    _record(actor, entry, "hours changed", changes)
    return entry


DONE_NEEDS_HOURS_MESSAGE = (
    "“{task}” is done, and these are the last hours logged on it: a done task keeps its "
    "hours. Change the hours instead, or move the task back to “In progress” first."
)


def _refuse_if_last_hours_of_done_task(entry: TimeEntry) -> None:
    """R-HOURS: a done task has hours logged on it, so its last entry cannot be deleted.
    The task row is locked so that two experts deleting the last two entries at once
    cannot both pass."""
    task = Task.objects.select_for_update().get(pk=entry.task_id)
    if task.status != Task.Status.DONE:
        return
    if not TimeEntry.objects.filter(task_id=task.pk).exclude(pk=entry.pk).exists():
        raise ValidationError(DONE_NEEDS_HOURS_MESSAGE.format(task=task))


@transaction.atomic
def time_entry_delete(*, actor, entry: TimeEntry) -> None:
    """Remove an entry logged by mistake; a settled entry is locked (R-TIMESHEET), and a
    done task keeps at least one entry (R-HOURS)."""
    _require_expert_or_staff(actor, entry.expert)
    entry = _lock_entry(entry)
    _refuse_if_last_hours_of_done_task(entry)
    _record(actor, entry, "hours deleted", {"hours": (entry.hours, None)})
    entry.delete()


@transaction.atomic
def time_entry_cell_set(
    *, actor, task: Task, day: date, hours: Decimal, description: str | None = None
) -> TimeEntry | None:
    """The weekly grid's cell: make the actor's hours on ``task`` on ``day`` total ``hours``,
    with the cell's note as the entry's ``description`` (``None`` leaves it as it is).

    Zero clears the cell. A cell holding several entries (each with its own description) is
    changed entry by entry, not from the grid, so nothing typed elsewhere is lost."""
    lock_for_entry_writes()
    _lock_expert(actor)
    entries = list(
        TimeEntry.objects.select_for_update(of=("self",))
        .select_related("expert", "task")
        .filter(expert=actor, task=task, day=day)
    )
    if any(entry.is_settled for entry in entries):
        raise SettledEntryError()
    if len(entries) > 1:
        raise ValidationError(
            {
                "hours": f"{day:%a %d %b} has {len(entries)} entries on this task: change them "
                "one by one in the list of entries."
            }
        )
    current = entries[0] if entries else None
    if not hours:
        if current is not None:
            time_entry_delete(actor=actor, entry=current)
        return None
    if current is None:
        return _log(actor=actor, task=task, day=day, hours=hours, description=description or "")
    return _update(actor=actor, entry=current, hours=hours, description=description)


@transaction.atomic
def period_lock(*, starts_on, ends_on) -> SettledPeriod:
    """Lock the hours of ``starts_on`` … ``ends_on`` (R-SETTLE → R-TIMESHEET): from the
    commit on, no entry on those days is added, changed, moved or deleted (the guard
    triggers read the period). One row, however many entries the period holds.

    Under the settlement lock: an entry being written now commits before the period is
    locked (and is in the settlement that reads the hours after this), or is refused."""
    lock_for_settling()
    period = SettledPeriod(starts_on=starts_on, ends_on=ends_on)
    period.full_clean()
    period.save()
    return period


# --- the timer ---------------------------------------------------------------------------

QUARTER_HOUR = timedelta(minutes=15)
# A timer stopped this soon was started by mistake: it logs nothing.
TIMER_MINIMUM = timedelta(minutes=1)

TIMER_MESSAGES = {
    "none": "No timer is running.",
    "not_assigned": "Start a timer on a task of a project you work on today.",
    "cancelled": "This task is cancelled: it takes no more hours.",
}


def timer_hours(elapsed: timedelta) -> Decimal:
    """The timer's rounding rule (R-TIMESHEET's quarter hours): the time elapsed, in whole
    seconds, rounded UP to the next quarter hour, so every started quarter counts. Under a
    minute is nothing. 0:59 → 0; 1:00 → 0.25; 15:00 → 0.25; 15:01 → 0.5; 1:00:00 → 1."""
    elapsed = timedelta(seconds=int(elapsed.total_seconds()))
    if elapsed < TIMER_MINIMUM:
        return Decimal("0")
    quarters = -(-elapsed // QUARTER_HOUR)
    return quarters * HOURS_STEP


def _require_timeable(actor, task: Task) -> None:
    if not Assignment.objects.current().filter(project_id=task.project_id, expert=actor).exists():
        raise PermissionDenied(TIMER_MESSAGES["not_assigned"])
    if task.status == Task.Status.CANCELLED:
        raise ValidationError(TIMER_MESSAGES["cancelled"])


def _timer_stop(actor, timer: RunningTimer, *, description: str = "", discard: bool = False):
    """Stop ``timer`` (held under lock): log its rounded time, or nothing."""
    hours = timer_hours(timezone.now() - timer.started_at)
    task = timer.task
    timer.delete()
    if discard or not hours:
        event_record(
            actor=actor,
            target=task,
            verb="timer discarded",
            organization=task.organization,
            note=f"{actor} · started {timer.started_at:%a %d %b %Y %H:%M} UTC",
        )
        return None
    # The hours go on the day the timer started, in the expert's time zone.
    day = local_today(actor, now=timer.started_at)
    return _log(actor=actor, task=task, day=day, hours=hours, description=description)


@transaction.atomic
def timer_start(*, actor, task: Task) -> RunningTimer:
    """Start the expert's timer on ``task`` (a task of a project they work on today). One
    timer per expert: one running on another task is stopped first and its time logged;
    one already on this task keeps running."""
    lock_for_entry_writes()
    task = Task.objects.select_related("project", "organization").get(pk=task.pk)
    _require_timeable(actor, task)
    _lock_expert(actor)
    running = (
        RunningTimer.objects.select_for_update(of=("self",))
        .select_related("task", "task__organization")
        .filter(expert=actor)
        .first()
    )
    if running is not None:
        if running.task_id == task.pk:
            return running
        _timer_stop(actor, running)
    timer = RunningTimer(
        expert=actor, task=task, organization_id=task.organization_id, started_at=timezone.now()
    )
    timer.full_clean()
    timer.save()
    event_record(actor=actor, target=task, verb="timer started", organization=task.organization)
    return timer


@transaction.atomic
def timer_stop(*, actor, description: str = "", discard: bool = False) -> TimeEntry | None:
    """Stop the expert's timer: its time, rounded up to the quarter hour (``timer_hours``),
    is logged on its task on the day it started, under every rule of logging hours
    (R-TIMESHEET: 24 h a day, settled periods, assignment). A refused log keeps the timer
    running, so nothing is lost; ``discard`` stops it and logs nothing. Returns the entry,
    or None when nothing was logged."""
    lock_for_entry_writes()
    _lock_expert(actor)
    timer = (
        RunningTimer.objects.select_for_update(of=("self",))
        .select_related("task", "task__organization")
        .filter(expert=actor)
        .first()
    )
    if timer is None:
        raise ValidationError(TIMER_MESSAGES["none"])
    return _timer_stop(actor, timer, description=description, discard=discard)
