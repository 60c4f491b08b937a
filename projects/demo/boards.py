"""Demo boards: three projects, a few weeks of sprint history, every task status, milestones,
additional work, comments and releases at each stage (what they hold is in ``specs``).

Rows are written directly (with their history events) rather than through the services, so
seeding sends no email. The hours of finished tasks are handed to ``timesheets.demo`` in
``world["board_hours"]``: time entries belong to timesheets, which logs them next. Running
it again changes nothing.
"""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import Skill
from projects.demo.specs import (
    ADDITIONAL_WORK,
    BOARDS,
    COMMENTS,
    MILESTONE_UPDATES,
    PROJECTS,
    RELEASES,
)
from projects.models import (
    Assignment,
    Project,
    ProjectUpdate,
    Release,
    Sprint,
    Task,
    TaskAttachment,
    TaskComment,
)
from projects.services.projects import PROJECT_FIELDS
from projects.services.sprints import sprints_ensure
from softwaresupp.models import Event


def _event(*, actor, target, verb, when, organization, changes=None, note=""):
    return Event(
        created_at=when,
        actor=actor,
        organization=organization,
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
        verb=verb,
        changes=changes or {},
        note=note,
    )


def _project(spec, world) -> Project:
    fields = {k: spec.get(k, "") for k in PROJECT_FIELDS if k not in ("name", "budget")}
    fields["budget"] = spec.get("budget")
    project, created = Project.objects.get_or_create(
        organization=world["organizations"][spec["organization"]],
        name=spec["name"],
        defaults=fields,
    )
    if created:
        project.skills.set([Skill.objects.get_or_create(name=name)[0] for name in spec["skills"]])
    first_day = project.local_today() - timedelta(days=120)
    for email, role in spec["team"]:
        Assignment.objects.get_or_create(
            project=project,
            expert=world["experts"][email],
            defaults={"role": role, "starts_on": first_day},
        )
    return project


def _people(world) -> dict:
    return {**world["experts"], **world["customers"]}


def _sprint(project, monday, goal, *, closed: bool) -> Sprint:
    sprint, _ = Sprint.objects.get_or_create(
        project=project,
        starts_on=monday,
        defaults={"ends_on": monday + timedelta(days=6), "goal": goal},
    )
    if closed and sprint.status != Sprint.Status.CLOSED:
        sprint.status = Sprint.Status.CLOSED
        sprint.closed_at = timezone.now()
        sprint.save(update_fields=["status", "closed_at"])
    return sprint


def _board(project, spec_key, people, events: list, board_hours: list) -> dict:
    """The project's sprints and tasks; returns the tasks by title and adds the hours of its
    finished tasks to ``board_hours``."""
    current, upcoming = sprints_ensure(project=project)
    today = project.local_today()
    tasks, rolled = {}, {}
    for offset, (goal, rows) in BOARDS.get(spec_key, {}).items():
        if offset is None:
            sprint = None
        elif offset == 0:
            sprint = current
        elif offset == 1:
            sprint = upcoming
        else:
            sprint = _sprint(
                project, current.starts_on + timedelta(weeks=offset), goal, closed=True
            )
        if sprint is not None and goal and not sprint.goal:
            sprint.goal = goal
            sprint.save(update_fields=["goal"])
        week_start = sprint.starts_on if sprint else current.starts_on
        for position, row in enumerate(rows, start=1):
            title, kind, status, assignee, estimate, first, hours, author = row
            created = timezone.make_aware(
                datetime.combine(week_start - timedelta(days=2), time(9)),
            )
            task = Task.objects.create(
                project=project,
                sprint=sprint,
                title=title,
                kind=kind,
                status=status,
                priority=Task.Priority.HIGH if kind == "bug" else Task.Priority.NORMAL,
                assignee=people.get(assignee),
                estimate_hours=Decimal(estimate) if estimate else None,
                first_estimate_hours=Decimal(first) if first else None,
                position=position,
                author=people[author],
                created_at=created,
            )
            tasks[title] = task
            events.append(
                _event(
                    actor=people[author],
                    target=task,
                    verb="created",
                    when=created,
                    organization=project.organization,
                    changes={"status": [None, "New"]},
                )
            )
            if estimate:
                events.append(
                    _event(
                        actor=people.get(assignee),
                        target=task,
                        verb="updated",
                        when=created + timedelta(hours=3),
                        organization=project.organization,
                        changes={
                            "estimate_hours": [None, f"{first} h"],
                            "status": ["New", "To do"],
                        },
                    )
                )
            if hours:
                day = min(week_start + timedelta(days=2), today)
                board_hours.append(
                    {
                        "task": task,
                        "expert": people[assignee],
                        "day": day,
                        "hours": Decimal(hours),
                        "description": f"Work on {title.lower()}",
                    }
                )
            if offset == 0 and status == "in_progress":
                rolled[title] = task
    # This week's started work began last week and rolled over (R-SPRINT).
    previous = project.sprints.filter(starts_on=current.starts_on - timedelta(weeks=1)).first()
    if previous and rolled:
        previous.rolled_over_count = len(rolled)
        previous.rolled_over_estimate_hours = sum(t.estimate_hours for t in rolled.values())
        previous.save(update_fields=["rolled_over_count", "rolled_over_estimate_hours"])
        for task in rolled.values():
            events.append(
                _event(
                    actor=None,
                    target=task,
                    verb="rolled over",
                    when=timezone.make_aware(datetime.combine(current.starts_on, time(0, 5))),
                    organization=project.organization,
                    changes={"sprint": [previous.label, current.label]},
                    note="Unfinished when the week ended.",
                )
            )
    return tasks


def _conversation(project, tasks, people, events: list) -> None:
    now = timezone.now()
    for title, thread in COMMENTS.items():
        if title not in tasks:
            continue
        for n, (email, body) in enumerate(thread):
            TaskComment.objects.create(
                task=tasks[title],
                author=people[email],
                body=body,
                created_at=now - timedelta(hours=30 - 5 * n),
            )
        # The customer's notes as a file on the task (served like a query's files).
        author = people[thread[0][0]]
        content = f"{title}\n\nAcceptance notes from {author}.\n".encode()
        TaskAttachment.objects.create(
            task=tasks[title],
            organization_id=project.organization_id,
            file=ContentFile(content, name="acceptance-notes.txt"),
            name="acceptance-notes.txt",
            size=len(content),
            uploaded_by=author,
            created_at=now - timedelta(hours=31),
        )
    for title, posts in MILESTONE_UPDATES.items():
        if title not in tasks:
            continue
        for email, days, body in posts:
            ProjectUpdate.objects.create(
                project=project,
                task=tasks[title],
                kind=ProjectUpdate.Kind.MILESTONE,
                author=people[email],
                body=body,
                created_at=now + timedelta(days=days),
            )
    for title, (email, body) in ADDITIONAL_WORK.items():
        if title in tasks:
            ProjectUpdate.objects.create(
                project=project,
                task=tasks[title],
                kind=ProjectUpdate.Kind.ADDITIONAL_WORK,
                author=people[email],
                body=f"{body} Estimated at {tasks[title].estimate_hours} h.",
                created_at=now - timedelta(days=1),
            )


def _releases(project, spec_key, tasks, people, events: list) -> None:
    now = timezone.now()
    for title, stage, task_titles, staged, tested, released in RELEASES.get(spec_key, []):
        release = Release.objects.create(
            project=project,
            title=title,
            stage=stage,
            author=people[staged[0]],
            created_at=now + timedelta(days=staged[1]),
            stage_changed_at=now + timedelta(days=(released or tested or staged)[1]),
            test_notes=tested[2] if tested else "",
        )
        release.tasks.set([tasks[t] for t in task_titles])
        steps = [("deployed to staging", staged, None, "On staging")]
        if tested:
            steps.append(("tested on staging", tested, "On staging", "Tested"))
        if released:
            steps.append(("released to production", released, "Tested", "In production"))
        for verb, step, before, after in steps:
            events.append(
                _event(
                    actor=people[step[0]],
                    target=release,
                    verb=verb,
                    when=now + timedelta(days=step[1]),
                    organization=project.organization,
                    changes={"stage": [before, after]},
                    note=step[2] if verb == "tested on staging" else "",
                )
            )


def seed(world: dict) -> None:
    people = _people(world)
    world["projects"] = {}
    world["board_hours"] = []
    for spec in PROJECTS:
        project = _project(spec, world)
        world["projects"][spec["key"]] = project
        if project.tasks.exists():
            continue  # this board is seeded already
        events: list = []
        tasks = _board(project, spec["key"], people, events, world["board_hours"])
        _conversation(project, tasks, people, events)
        _releases(project, spec["key"], tasks, people, events)
        Event.objects.bulk_create(events)
