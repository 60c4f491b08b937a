"""Writes for hour reporting (R-TIMESHEET). Every entry is created, changed and deleted here;
the rules themselves live in ``TimeEntry.clean()`` so that admin forms show the same words."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import User
from projects.models import Task
from softwaresupp.events import event_record
from softwaresupp.submissions import submission_record, submission_replayed
from timesheets.locks import lock_for_entry_writes, lock_for_settling
from timesheets.models import SettledEntryError, TimeEntry, format_hours


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
def time_entry_cell_set(*, actor, task: Task, day: date, hours: Decimal) -> TimeEntry | None:
    """The weekly grid's cell: make the actor's hours on ``task`` on ``day`` total ``hours``.

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
        return _log(actor=actor, task=task, day=day, hours=hours)
    return _update(actor=actor, entry=current, hours=hours)


@transaction.atomic
def time_entries_settle(*, settlement) -> int:
    """Lock the period's hours by linking every unsettled entry of its days to the
    settlement (R-SETTLE → R-TIMESHEET). The one change a guard lets through; returns how
    many entries were locked. Running it twice locks nothing more.

    Create the settlement in the same transaction (or before): under the lock, an entry
    being written now commits before this links the period, or is refused after."""
    lock_for_settling()
    return TimeEntry.objects.filter(
        settlement__isnull=True, day__gte=settlement.starts_on, day__lte=settlement.ends_on
    ).update(settlement=settlement)
