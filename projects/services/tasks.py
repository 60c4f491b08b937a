"""Writes for tasks. Every change to a task goes through here and lands in the event log,
which is the task's history (who, when, what, from → to)."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from projects.models import Project, Sprint, Task, TaskAttachment, TaskHours
from projects.services.access import can_triage, require_participant, require_triage
from projects.services.attachments import files_check
from projects.services.query_common import team_experts
from projects.services.sprints import sprints_ensure
from projects.services.updates import additional_work_report
from softwaresupp.events import event_record
from softwaresupp.notifications import absolute_url, notify
from softwaresupp.submissions import submission_record, submission_replayed

# Where a task can be sent: this week's sprint, next week's, or the backlog (unscheduled).
CURRENT, NEXT, BACKLOG = "current", "next", "backlog"
# A task being planned or worked on has an estimate (R-ESTIMATE).
NEEDS_ESTIMATE = (Task.Status.TODO, Task.Status.IN_PROGRESS)
# What a customer may change on a task they submitted, while it waits for triage.
CUSTOMER_FIELDS = {"title", "description", "kind", "priority", "due_on"}
CUSTOMER_KINDS = (Task.Kind.TASK, Task.Kind.BUG)
EDITABLE_FIELDS = CUSTOMER_FIELDS | {"assignee", "estimate_hours"}
MAX_TASK_FILES = 20

MESSAGES = {
    "estimate": (
        "This task needs an estimate before it can be planned: add how many hours it "
        "should take, then move it."
    ),
    "estimate_positive": "An estimate is a number of hours greater than zero.",
    "estimate_kept": (
        "A planned task keeps its estimate. Change it to a new number of hours, or move the "
        "task back to “New” first."
    ),
    "hours": (
        "This task can't be marked done yet: no hours have been logged on it. "
        "Log the time spent on it first, then mark it done."
    ),
    "backlog": (
        "Only tasks that haven't started can go back to the backlog. Move it to “To do” "
        "first if the work should wait."
    ),
    "closed": "This project is closed, so its board can no longer change.",
    "assignee": "Tasks can only be given to an expert who works on this project now.",
    "title": "Give the task a short title.",
}


def _status_label(value) -> str | None:
    return Task.Status(value).label if value else None


def _sprint_label(sprint: Sprint | None) -> str:
    return sprint.label if sprint else "Backlog"


def _hours_label(value) -> str | None:
    return f"{value} h" if value is not None else None


def _require_open_project(project: Project) -> None:
    if project.is_closed:
        raise ValidationError(MESSAGES["closed"])


def _check_estimate(value) -> None:
    if value is not None and value <= 0:
        raise ValidationError({"estimate_hours": MESSAGES["estimate_positive"]})


def _check_status(task: Task, status: str) -> None:
    """R-ESTIMATE: nothing is planned or started without an estimate. R-HOURS: nothing is
    done without hours logged on it."""
    if status in NEEDS_ESTIMATE and not task.estimate_hours:
        raise ValidationError({"estimate_hours": MESSAGES["estimate"]})
    if (
        status == Task.Status.DONE
        and task.status != Task.Status.DONE
        and not (task.pk and TaskHours.objects.filter(task_id=task.pk).exists())
    ):
        raise ValidationError({"status": MESSAGES["hours"]})


def _check_assignee(project: Project, assignee) -> None:
    if assignee is not None and not project.assignments.current().filter(expert=assignee).exists():
        raise ValidationError({"assignee": MESSAGES["assignee"]})


def _resolve_sprint(project: Project, where: str) -> Sprint | None:
    if where == BACKLOG:
        return None
    current, upcoming = sprints_ensure(project=project)
    return upcoming if where == NEXT else current


def _end_of_column(project: Project, sprint: Sprint | None, status: str) -> int:
    last = (
        project.tasks.filter(sprint=sprint, status=status)
        .order_by("-position")
        .values_list("position", flat=True)
        .first()
    )
    return (last or 0) + 1


def _place(task: Task, before: int | None) -> None:
    """Put ``task`` just above the task ``before`` in its column (at the bottom when that
    task is not in the column) and renumber the column 1..n, writing only the rows whose
    number changed. A neighbour, not an index: a filtered board shows only some cards."""
    siblings = list(
        Task.objects.filter(project_id=task.project_id, sprint=task.sprint, status=task.status)
        .exclude(pk=task.pk)
        .order_by("position", "pk")
        .only("pk", "position")
    )
    index = next((i for i, item in enumerate(siblings) if item.pk == before), len(siblings))
    ordered = siblings[:index] + [task] + siblings[index:]
    changed = []
    for number, item in enumerate(ordered, start=1):
        if item.position != number:
            item.position = number
            if item is not task:
                changed.append(item)
    if changed:
        Task.objects.bulk_update(changed, ["position"])


@transaction.atomic
def task_create(
    *,
    actor,
    project: Project,
    title: str,
    description: str = "",
    kind: str = Task.Kind.TASK,
    priority: int = Task.Priority.NORMAL,
    estimate_hours: Decimal | None = None,
    assignee=None,
    sprint=None,
    due_on=None,
    status: str | None = None,
    backlog: bool = False,
    submission=None,
    files=(),
) -> Task:
    """Create a task on the board; posted again with the same ``submission`` token, the
    task the first post created (``softwaresupp.submissions``).

    R-ESTIMATE: a customer's task arrives as *new* (unestimated, unassigned) in this week's
    sprint, where the experts triage it; an expert's task with an estimate starts in *to
    do*, and no task enters *to do* or *in progress* without one. R-HOURS: a task is never
    created *done*. Without a ``sprint`` the task goes to the current sprint, or to the
    backlog when ``backlog`` is set. R-MILESTONE: additional work is reported on the board
    and the customer's members are told. A customer's task is announced to the project's
    current experts, once (keyed by the task), in the same transaction. ``files`` are
    attached as a query's are (``projects.services.attachments``).
    """
    require_participant(actor, project)
    _require_open_project(project)
    files = list(files)
    files_check(files)
    submitted_by_customer = not can_triage(actor, project)
    if submitted_by_customer:
        # Customers submit; experts triage (estimate, schedule, assign).
        status, assignee, estimate_hours, sprint, backlog = Task.Status.NEW, None, None, None, False
        if kind not in CUSTOMER_KINDS and kind != Task.Kind.ADDITIONAL_WORK:
            kind = Task.Kind.TASK
    if not title.strip():
        raise ValidationError({"title": MESSAGES["title"]})
    _check_estimate(estimate_hours)
    if status is None:
        status = Task.Status.TODO if estimate_hours else Task.Status.NEW
    if sprint is not None and (
        sprint.project_id != project.pk or sprint.status != Sprint.Status.OPEN
    ):
        raise ValidationError(
            {"sprint": "Tasks can only be planned into this project's open sprints."}
        )
    if sprint is None and not backlog:
        sprint = _resolve_sprint(project, CURRENT)
    if sprint is None and status not in (Task.Status.NEW, Task.Status.TODO):
        raise ValidationError({"sprint": MESSAGES["backlog"]})
    _check_assignee(project, assignee)
    if earlier := submission_replayed(actor=actor, token=submission, model=Task):
        return earlier
    task = Task(
        project=project,
        organization_id=project.organization_id,
        title=title.strip(),
        description=description.strip(),
        kind=kind,
        priority=priority,
        estimate_hours=estimate_hours,
        first_estimate_hours=estimate_hours,
        assignee=assignee,
        sprint=sprint,
        due_on=due_on,
        status=Task.Status.NEW,
        author=actor,
    )
    _check_status(task, status)
    task.status = status
    task.position = _end_of_column(project, sprint, status)
    task.full_clean()
    task.save()
    submission_record(actor=actor, token=submission, target=task)
    event_record(
        actor=actor,
        target=task,
        verb="created",
        organization=project.organization,
        changes={
            "status": (None, _status_label(status)),
            "sprint": (None, _sprint_label(sprint)),
            **({"estimate": (None, _hours_label(estimate_hours))} if estimate_hours else {}),
        },
    )
    _attach(actor, task, files)
    if kind == Task.Kind.ADDITIONAL_WORK:
        additional_work_report(actor=actor, task=task)
    if submitted_by_customer:
        _announce_submitted(actor, task)
    return task


def _attach(actor, task: Task, files: list) -> list[TaskAttachment]:
    return [
        TaskAttachment.objects.create(
            task=task,
            organization_id=task.organization_id,
            file=upload,
            name=upload.name[:255],
            size=upload.size,
            uploaded_by=actor,
        )
        for upload in files
    ]


def _announce_submitted(actor, task: Task) -> None:
    """R-ESTIMATE: the experts hear of a new request at once, so it is estimated soon."""
    notify(
        template="task_submitted",
        recipients=team_experts(task.project_id, exclude=actor),
        key=f"task_submitted:{task.pk}",
        context={
            "task": task,
            "project": task.project,
            "author": str(actor),
            "task_url": absolute_url(task.get_absolute_url()),
        },
    )


@transaction.atomic
def task_attachments_add(*, actor, task: Task, files) -> list[TaskAttachment]:
    """Attach files to a task: anyone working on the project, under a query's limits
    (R-TENANT: the files are served only to whoever may see the task)."""
    task = Task.objects.select_for_update(of=("self",)).select_related("project").get(pk=task.pk)
    require_participant(actor, task.project)
    _require_open_project(task.project)
    files = list(files)
    if not files:
        raise ValidationError({"files": "Choose at least one file."})
    files_check(files)
    if task.attachments.count() + len(files) > MAX_TASK_FILES:
        raise ValidationError({"files": f"A task keeps at most {MAX_TASK_FILES} files."})
    attached = _attach(actor, task, files)
    event_record(
        actor=actor,
        target=task,
        verb="attached",
        organization=task.organization,
        note=", ".join(item.name for item in attached)[:200],
    )
    return attached


@transaction.atomic
def task_plan(
    *, actor, project: Project, title: str, estimate_hours: Decimal, description: str = ""
) -> Task:
    """A planned task with its estimate, written by the one the caller has checked may plan
    the work (the expert drafting a lead's planned work, R-LEAD-SUMMARY; a customer
    accepting an offer's lines, R-PLAN): nobody need be assigned yet, so the board's triage
    check is the caller's. It waits in the backlog, ready to plan (R-ESTIMATE)."""
    _require_open_project(project)
    if not title.strip():
        raise ValidationError({"title": MESSAGES["title"]})
    if estimate_hours is None:
        raise ValidationError({"estimate_hours": MESSAGES["estimate_positive"]})
    _check_estimate(estimate_hours)
    task = Task(
        project=project,
        organization_id=project.organization_id,
        title=title.strip(),
        description=description.strip(),
        estimate_hours=estimate_hours,
        first_estimate_hours=estimate_hours,
        status=Task.Status.TODO,
        position=_end_of_column(project, None, Task.Status.TODO),
        author=actor,
    )
    task.full_clean()
    task.save()
    event_record(
        actor=actor,
        target=task,
        verb="created",
        organization=project.organization,
        changes={
            "status": (None, _status_label(task.status)),
            "sprint": (None, _sprint_label(None)),
            "estimate": (None, _hours_label(estimate_hours)),
        },
    )
    return task


def _display(field: str, value):
    if field == "estimate_hours":
        return _hours_label(value)
    if field == "kind":
        return Task.Kind(value).label
    if field == "priority":
        return Task.Priority(value).label
    if field == "status":
        return _status_label(value)
    return value


@transaction.atomic
def task_update(*, actor, task: Task, **fields) -> Task:
    """Change a task's details.

    Experts and staff change anything; a customer changes the wording, kind, priority and
    due date of a task they submitted while it waits for triage. R-ESTIMATE: an estimate is
    greater than zero; the first estimate is kept beside the current one; estimating a new
    task makes it ready to plan (*to do*); a planned task never loses its estimate.
    """
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    task = Task.objects.select_for_update(of=("self",)).select_related("project").get(pk=task.pk)
    project = task.project
    require_participant(actor, project)
    _require_open_project(project)
    triager = can_triage(actor, project)
    if not triager:
        if set(fields) - CUSTOMER_FIELDS:
            raise PermissionDenied("Only the project's experts estimate and assign tasks.")
        if task.author_id != actor.pk or task.status != Task.Status.NEW:
            raise PermissionDenied(
                "You can change a task you submitted until an expert has picked it up. "
                "Add a comment instead."
            )
        if fields.get("kind", task.kind) not in CUSTOMER_KINDS:
            raise ValidationError({"kind": "Choose task or bug."})
    if "title" in fields:
        fields["title"] = fields["title"].strip()
        if not fields["title"]:
            raise ValidationError({"title": MESSAGES["title"]})
    if "estimate_hours" in fields:
        _check_estimate(fields["estimate_hours"])
        if fields["estimate_hours"] is None and task.status in NEEDS_ESTIMATE:
            raise ValidationError({"estimate_hours": MESSAGES["estimate_kept"]})
    if "assignee" in fields and fields["assignee"] != task.assignee:
        _check_assignee(project, fields["assignee"])

    changes, update_fields = {}, []
    for field, value in fields.items():
        before = getattr(task, field)
        if before == value:
            continue
        setattr(task, field, value)
        update_fields.append(field)
        changes[field] = (_display(field, before), _display(field, value))
    if task.estimate_hours and task.first_estimate_hours is None:
        task.first_estimate_hours = task.estimate_hours
        update_fields.append("first_estimate_hours")
    if task.status == Task.Status.NEW and task.estimate_hours and triager:
        task.status = Task.Status.TODO
        task.position = _end_of_column(project, task.sprint, task.status)
        update_fields += ["status", "position"]
        changes["status"] = (_status_label(Task.Status.NEW), _status_label(Task.Status.TODO))
    if not update_fields:
        return task
    task.full_clean()
    task.save(update_fields=[*update_fields, "updated_at"])
    event_record(
        actor=actor, target=task, verb="updated", organization=task.organization, changes=changes
    )
    if "kind" in changes and task.kind == Task.Kind.ADDITIONAL_WORK:
        additional_work_report(actor=actor, task=task)
    return task


def task_estimate(*, actor, task: Task, estimate_hours: Decimal) -> Task:
    """R-ESTIMATE: an expert's estimate; a new task becomes ready to plan."""
    if estimate_hours is None:
        raise ValidationError({"estimate_hours": MESSAGES["estimate_positive"]})
    require_triage(actor, task.project)
    return task_update(actor=actor, task=task, estimate_hours=estimate_hours)


def task_assign(*, actor, task: Task, assignee) -> Task:
    """Give a task to an expert who works on the project now (an expert takes it with
    "assign to me"); only the project's experts and staff assign."""
    require_triage(actor, task.project)
    return task_update(actor=actor, task=task, assignee=assignee)


@transaction.atomic
def task_move(
    *, actor, task: Task, status: str | None = None, where: str | None = None, before=None
) -> Task:
    """Move a task on the board: to another column (``status``), to this week's or next
    week's sprint or to the backlog (``where``), just above the task ``before`` (a pk) or
    at the bottom of its column.

    R-ESTIMATE: a task enters *to do* or *in progress* only with an estimate. R-HOURS: a
    task is marked *done* only once hours are logged on it. Only tasks that haven't started
    wait in the backlog; a task that starts or ends outside a sprint joins this week's.
    """
    task = (
        Task.objects.select_for_update(of=("self",))
        .select_related("project", "sprint")
        .get(pk=task.pk)
    )
    project = task.project
    require_triage(actor, project)
    _require_open_project(project)
    status = status or task.status
    if status not in Task.Status.values:
        raise ValidationError({"status": "Choose one of the board's columns."})
    if where not in (None, CURRENT, NEXT, BACKLOG):
        raise ValidationError({"sprint": "Choose this week, next week or the backlog."})
    sprint = task.sprint if where is None else _resolve_sprint(project, where)
    if sprint is not None and sprint.status == Sprint.Status.CLOSED and status != task.status:
        # A finished week's record stays as it was; the change happens this week.
        sprint = _resolve_sprint(project, CURRENT)
    if sprint is None and status not in (Task.Status.NEW, Task.Status.TODO):
        if where == BACKLOG:
            raise ValidationError({"sprint": MESSAGES["backlog"]})
        sprint = _resolve_sprint(project, CURRENT)
    _check_status(task, status)

    changes = {}
    if status != task.status:
        changes["status"] = (_status_label(task.status), _status_label(status))
    if sprint != task.sprint:
        changes["sprint"] = (_sprint_label(task.sprint), _sprint_label(sprint))
    task.status, task.sprint = status, sprint
    _place(task, before)
    task.full_clean()
    task.save(update_fields=["status", "sprint", "position", "updated_at"])
    if changes:
        # A reorder within a column is not recorded: it changes no fact about the task.
        event_record(
            actor=actor, target=task, verb="moved", organization=task.organization, changes=changes
        )
    return task
