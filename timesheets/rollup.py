"""Keeps ``projects.TaskHours`` equal to the time entries, in the same transaction as every
entry change: ``TimeEntry.save()``/``delete()`` and the entry queryset's ``update()``,
``delete()`` and ``bulk_create()`` call ``rollup_refresh`` with the (task, expert, day) keys
they touched. Projects reads hours from the rollup, so it never imports timesheets.

A raw SQL write bypasses all of this: ``manage.py rollup_check`` finds the difference and
``rollup_check --repair`` rebuilds the rollup from the entries."""

from django.db import transaction
from django.db.models import Count, Q, Sum

from projects.models import TaskHours

BATCH = 5000


def _entries():
    # timesheets.models calls into this module from its save() and queryset methods.
    from timesheets.models import TimeEntry

    return TimeEntry.objects.order_by()


def _totals(entries) -> dict:
    """{(task_id, expert_id, day): (project_id, hours, entries)} of the given entries."""
    rows = entries.values("task_id", "expert_id", "day", "project_id").annotate(
        total=Sum("hours"), count=Count("*")
    )
    return {
        (row["task_id"], row["expert_id"], row["day"]): (
            row["project_id"],
            row["total"],
            row["count"],
        )
        for row in rows.iterator(chunk_size=BATCH)
    }


def _write(totals: dict) -> None:
    TaskHours.objects.bulk_create(
        [
            TaskHours(
                task_id=task,
                expert_id=expert,
                day=day,
                project_id=project,
                hours=hours,
                entries=count,
            )
            for (task, expert, day), (project, hours, count) in totals.items()
        ],
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["task", "expert", "day"],
        update_fields=["project", "hours", "entries"],
    )


def _matching(keys) -> Q:
    condition = Q()
    for task, expert, day in keys:
        condition |= Q(task_id=task, expert_id=expert, day=day)
    return condition


def rollup_refresh(keys) -> None:
    """Recompute the rollup rows of these (task_id, expert_id, day) keys from the entries:
    two statements whatever the number of keys (three when a key has no entries left)."""
    keys = {key for key in keys if key and None not in key}
    if not keys:
        return
    with transaction.atomic(savepoint=False):
        candidates = _entries().filter(
            task_id__in={task for task, _, _ in keys},
            expert_id__in={expert for _, expert, _ in keys},
            day__in={day for _, _, day in keys},
        )
        totals = {key: value for key, value in _totals(candidates).items() if key in keys}
        if totals:
            _write(totals)
        gone = keys - totals.keys()
        if gone:
            TaskHours.objects.filter(_matching(gone)).delete()


def rollup_differences() -> list[tuple]:
    """Where the rollup and the entries disagree: (task_id, expert_id, day, rollup's
    (hours, entries), the entries' (hours, count)), sorted; empty when they agree."""
    expected = {key: (hours, count) for key, (_, hours, count) in _totals(_entries()).items()}
    actual = {
        (row.task_id, row.expert_id, row.day): (row.hours, row.entries)
        for row in TaskHours.objects.order_by().iterator(chunk_size=BATCH)
    }
    return sorted(
        (*key, actual.get(key), expected.get(key))
        for key in expected.keys() | actual.keys()
        if actual.get(key) != expected.get(key)
    )


@transaction.atomic
def rollup_rebuild() -> None:
    """The rollup from scratch, from the entries (after a raw SQL load or a repair)."""
    TaskHours.objects.all().delete()
    _write(_totals(_entries()))
