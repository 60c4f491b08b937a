"""Demo boards: three projects, a few weeks of sprint history, every task status, milestones,
additional work, comments, releases at each stage and a weekly summary.

Rows are written directly (with their history events) rather than through the services, so
seeding sends no email; the hours on finished tasks are a handful of time entries, enough
for them to be consistent (R-HOURS). Running it again changes nothing.
"""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from accounts.models import Skill
from projects.models import (
    Assignment,
    Project,
    ProjectUpdate,
    Release,
    Sprint,
    Task,
    TaskComment,
    WeeklySummary,
)
from projects.services.projects import PROJECT_FIELDS
from projects.services.sprints import sprints_ensure
from projects.services.summaries import weekly_summary_write
from softwaresupp.models import Event
from timesheets.models import TimeEntry

EVA, RAJ, MIKE = "eva@experts.example", "raj@experts.example", "mike@experts.example"
ANNA, BEN, CARLA, DAN = (
    "anna@acme.example",
    "ben@acme.example",
    "carla@globex.example",
    "dan@globex.example",
)

PROJECTS = [
    {
        "key": "acme-fleet",
        "organization": "acme-robotics",
        "name": "Fleet monitoring dashboard",
        "description": "Live map, battery health and alerts for 140 warehouse robots.",
        "skills": ["Django", "PostgreSQL", "Python"],
        "engagement_type": Project.EngagementType.PART_TIME,
        "status": Project.Status.ACTIVE,
        "time_zone": "Europe/Warsaw",
        "communication_channel": Project.Channel.SLACK,
        "communication_handle": "#acme-fleet-dashboard",
        "staging_url": "https://staging.fleet.acme.example",
        "production_url": "https://fleet.acme.example",
        "team": [(EVA, Assignment.Role.LEAD), (RAJ, Assignment.Role.MEMBER)],
    },
    {
        "key": "globex-storefront",
        "organization": "globex-retail",
        "name": "Storefront and CRM sync",
        "description": "Headless storefront on React with HubSpot as the CRM.",
        "skills": ["React", "TypeScript", "HubSpot"],
        "engagement_type": Project.EngagementType.FULL_TIME,
        "status": Project.Status.ACTIVE,
        "time_zone": "America/New_York",
        "communication_channel": Project.Channel.TEAMS,
        "communication_handle": "Globex · Storefront channel",
        "staging_url": "https://staging.shop.globex.example",
        "production_url": "https://shop.globex.example",
        "team": [(MIKE, Assignment.Role.LEAD), (RAJ, Assignment.Role.MEMBER)],
    },
    {
        "key": "acme-crm",
        "organization": "acme-robotics",
        "name": "Salesforce clean-up",
        "description": "Deduplicate accounts and rebuild the sales pipeline reports.",
        "skills": ["Salesforce"],
        "engagement_type": Project.EngagementType.HOURLY,
        "status": Project.Status.PAUSED,
        "time_zone": "Europe/Warsaw",
        "communication_channel": Project.Channel.EMAIL,
        "communication_handle": "sales-ops@acme.example",
        "team": [(MIKE, Assignment.Role.LEAD)],
    },
]

# Each board: weeks before this one (-3 … -1), this week (0), next week (1), backlog (None).
# Task: (title, kind, status, assignee, estimate, first estimate, hours logged, author).
BOARDS = {
    "acme-fleet": {
        -3: (
            "Staging environment and CI",
            [
                ("Set up CI and the staging server", "task", "done", EVA, "6", "5", "6.5", EVA),
                ("Robot telemetry data model", "task", "done", EVA, "8", "8", "9", EVA),
            ],
        ),
        -2: (
            "A map of the whole fleet",
            [
                ("Fleet map view", "task", "done", RAJ, "10", "8", "11.5", ANNA),
                ("Alert thresholds API", "task", "cancelled", EVA, "4", "4", None, ANNA),
            ],
        ),
        -1: (
            "Battery health for the maintenance team",
            [
                ("Battery health chart", "task", "done", RAJ, "5", "5", "4.5", BEN),
                ("Export fleet data to CSV", "task", "done", EVA, "3", "3", "3", ANNA),
            ],
        ),
        0: (
            "Alerts go live for the night shift",
            [
                ("Dark mode for the control room", "task", "new", None, None, None, None, BEN),
                ("Robot names are cut off on tablets", "bug", "new", None, None, None, None, ANNA),
                ("Email digest of overnight alerts", "task", "todo", EVA, "6", "6", None, EVA),
                ("Role-based access for shift leads", "task", "todo", RAJ, "8", "6", None, ANNA),
                ("Alert rules engine", "task", "in_progress", EVA, "12", "10", None, EVA),
                (
                    "Push notifications to handhelds",
                    "task",
                    "in_progress",
                    RAJ,
                    "6",
                    "6",
                    None,
                    RAJ,
                ),
                ("Timestamps of alerts shown in UTC", "bug", "done", EVA, "2", "2", "1.5", BEN),
                (
                    "MVP: live alerts for the night shift",
                    "milestone",
                    "in_progress",
                    EVA,
                    "4",
                    "4",
                    None,
                    EVA,
                ),
                ("Warehouse door sensors", "additional_work", "todo", EVA, "10", "10", None, EVA),
            ],
        ),
        1: ("", [("Shift handover notes", "task", "todo", RAJ, "5", "5", None, ANNA)]),
        None: (
            "",
            [
                ("Predictive maintenance report", "task", "todo", None, "16", "16", None, ANNA),
                ("Interface in Polish and German", "task", "new", None, None, None, None, BEN),
            ],
        ),
    },
    "globex-storefront": {
        -2: (
            "Products come from the ERP",
            [("Product import from the ERP", "task", "done", MIKE, "8", "8", "7.5", CARLA)],
        ),
        -1: (
            "Checkout that converts",
            [("Checkout A/B test", "task", "done", RAJ, "6", "5", "6", CARLA)],
        ),
        0: (
            "Black Friday readiness",
            [
                ("Holiday banner on the home page", "task", "new", None, None, None, None, DAN),
                ("HubSpot contact sync", "task", "todo", MIKE, "10", "10", None, CARLA),
                ("Gift cards", "task", "in_progress", RAJ, "12", "8", None, CARLA),
                ("Black Friday load test", "milestone", "todo", MIKE, "6", "6", None, MIKE),
                ("Abandoned-cart emails", "additional_work", "todo", MIKE, "8", "8", None, MIKE),
            ],
        ),
        None: ("", [("Loyalty points", "task", "new", None, None, None, None, CARLA)]),
    },
    "acme-crm": {
        None: (
            "",
            [
                ("Merge duplicate accounts", "task", "todo", MIKE, "12", "12", None, ANNA),
                ("Pipeline report by region", "task", "new", None, None, None, None, ANNA),
            ],
        ),
    },
}

COMMENTS = {
    "Dark mode for the control room": [
        (BEN, "The control room runs at night; the white screens are tiring."),
        (EVA, "Makes sense. I'll check the chart library's themes and estimate it tomorrow."),
    ],
    "Alert rules engine": [
        (ANNA, "Could a rule fire only during the night shift (22:00–06:00)?"),
        (EVA, "Yes: rules get an optional time window; it's in this week's work."),
    ],
    "Gift cards": [(CARLA, "Finance needs the gift card liability in the daily export.")],
}

MILESTONE_UPDATES = {
    "MVP: live alerts for the night shift": [
        (EVA, -3, "Rules engine design agreed with Anna; thresholds are per robot model."),
        (EVA, -1, "Alerts reach staging; the night shift starts testing on Wednesday."),
    ],
    "Black Friday load test": [
        (MIKE, -2, "Load test plan ready: 5x last year's peak, run on staging next week."),
    ],
}

ADDITIONAL_WORK = {
    "Warehouse door sensors": (EVA, "Door sensors join the alert rules: Anna asked on Slack."),
    "Abandoned-cart emails": (MIKE, "Carla asked for abandoned-cart emails before Black Friday."),
}

# (title, stage, tasks, who staged, who tested + notes, who released)
RELEASES = {
    "acme-fleet": [
        (
            "v0.9 · fleet map",
            Release.Stage.PRODUCTION,
            ["Fleet map view", "Set up CI and the staging server"],
            (EVA, -12),
            (ANNA, -11, "Checked the map with 140 robots; positions refresh every 5 s."),
            (EVA, -10),
        ),
        (
            "v1.0 · battery chart and CSV export",
            Release.Stage.TESTED,
            ["Battery health chart", "Export fleet data to CSV"],
            (RAJ, -4),
            (BEN, -3, "Exported a month of data; the chart matches the maintenance log."),
            None,
        ),
        (
            "v1.1 · alert rules preview",
            Release.Stage.STAGING,
            ["Alert rules engine"],
            (EVA, -1),
            None,
            None,
        ),
    ],
    "globex-storefront": [
        (
            "Checkout A/B test",
            Release.Stage.PRODUCTION,
            ["Checkout A/B test"],
            (RAJ, -6),
            (CARLA, -5, "Both variants take payments; the split is 50/50 in analytics."),
            (MIKE, -5),
        ),
    ],
}


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
    fields = {k: spec.get(k, "") for k in PROJECT_FIELDS if k != "name"}
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


def _board(project, spec_key, people, events: list) -> dict:
    """The project's sprints and tasks; returns the tasks by title."""
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
                TimeEntry.objects.create(
                    task=task,
                    project=project,
                    organization=project.organization,
                    expert=people[assignee],
                    day=day,
                    hours=Decimal(hours),
                    description=f"Work on {title.lower()}",
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
    for spec in PROJECTS:
        project = _project(spec, world)
        world["projects"][spec["key"]] = project
        if project.tasks.exists():
            continue  # this board is seeded already
        events: list = []
        tasks = _board(project, spec["key"], people, events)
        _conversation(project, tasks, people, events)
        _releases(project, spec["key"], tasks, people, events)
        Event.objects.bulk_create(events)
        last_week = project.sprints.filter(status=Sprint.Status.CLOSED).order_by("-starts_on")
        if last_week and not WeeklySummary.objects.filter(project=project).exists():
            weekly_summary_write(sprint=last_week[0], send=False)
