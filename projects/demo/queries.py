"""Demo queries: answered on time, breached, waiting, waiting on the customer, resolved.

Runs after projects.demo.boards and timesheets.demo. The rows are written with timestamps in
the past (hours and days ago), which the services, working in the present, cannot do; each
query is looked up by project and title first, so seeding again changes nothing.
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import Membership
from projects.models import (
    Assignment,
    Project,
    Query,
    QueryNote,
    QueryPromise,
    QueryReply,
    QueryResponse,
)
from projects.models.queries import FIRST_RESPONSE_WITHIN

ORGANIZATION_SLUGS = ("acme-robotics", "globex-retail")

# (title, body, asked ago, first response after or None, response kind, hours estimated,
#  what happened next)
QUERIES = {
    "acme-robotics": [
        (
            "Deploy to staging fails since the upgrade",
            "The pipeline stops at the migration step with a lock timeout.",
            timedelta(days=3),
            timedelta(minutes=12),
            QueryResponse.Kind.ANSWER,
            Decimal("2"),
            "kept",
        ),
        (
            "Night shift mode for the arm",
            "Can the arm slow down between 22:00 and 6:00 to reduce noise?",
            timedelta(hours=5),
            timedelta(minutes=85),
            QueryResponse.Kind.COMMUNITY,
            Decimal("16"),
            "open",
        ),
        (
            "Robot arm stops at night",
            "Since Monday the arm stops at 2am. The logs show a watchdog reset.",
            timedelta(minutes=20),
            None,
            None,
            None,
            "waiting",
        ),
    ],
    "globex-retail": [
        (
            "Checkout page is slow on mobile",
            "Customers on phones wait 8 seconds for the checkout page.",
            timedelta(hours=3),
            None,
            None,
            None,
            "breached",
        ),
        (
            "Add Apple Pay to checkout",
            "We would like Apple Pay next to the card form.",
            timedelta(days=1),
            timedelta(minutes=35),
            QueryResponse.Kind.RESEARCH,
            Decimal("24"),
            "waiting_on_customer",
        ),
    ],
}

RESPONSES = {
    QueryResponse.Kind.ANSWER: "Found it: the migration waited on a long-running report. "
    "I moved the report off the deploy window; the fix ships today.",
    QueryResponse.Kind.COMMUNITY: "Good idea. I am checking with other experts who did "
    "this on the same controller before I commit to a plan.",
    QueryResponse.Kind.RESEARCH: "This needs research: the payment provider's Apple Pay "
    "setup differs per country. It may take a while; I will come back with a plan.",
}


def _projects(world: dict) -> dict[str, Project]:
    """The first project of each demo organization, from the projects demo when it ran."""
    found = world.get("projects") or {}
    candidates = list(found.values()) if isinstance(found, dict) else list(found)
    if not candidates:
        candidates = list(
            Project.objects.filter(organization__slug__in=ORGANIZATION_SLUGS).order_by("pk")
        )
    chosen: dict[str, Project] = {}
    for project in candidates:
        chosen.setdefault(project.organization.slug, project)
    return chosen


def _seed_query(project, asker, expert, now, spec) -> None:
    title, body, ago, first_after, kind, hours, outcome = spec
    if Query.objects.filter(project=project, title=title).exists():
        return
    asked_at = now - ago
    due = asked_at + FIRST_RESPONSE_WITHIN
    query = Query.objects.create(
        project=project,
        organization_id=project.organization_id,
        author=asker,
        title=title,
        body=body,
        asked_at=asked_at,
        first_response_due_at=due,
    )
    if first_after is None:
        if outcome == "breached":
            # The alert job has been through: the warning and the breach alert went out.
            Query.objects.filter(pk=query.pk).update(
                warned_at=due - timedelta(minutes=15), breach_alerted_at=due
            )
        return
    responded_at = asked_at + first_after
    response = QueryResponse.objects.create(
        query=query,
        organization_id=project.organization_id,
        author=expert,
        kind=kind,
        body=RESPONSES[kind],
        estimate_hours=hours,
        waiting_on_customer=outcome == "waiting_on_customer",
        created_at=responded_at,
    )
    promise = QueryPromise(
        query=query,
        organization_id=project.organization_id,
        response=response,
        expert=expert,
        made_at=responded_at,
        due_at=response.eta,
    )
    state = {
        "kept": Query.State.RESOLVED,
        "waiting_on_customer": Query.State.WAITING_ON_CUSTOMER,
    }.get(outcome, Query.State.ANSWERED)
    resolved_at = None
    if outcome == "kept":
        resolved_at = response.eta - timedelta(minutes=30)
        promise.state, promise.settled_at = QueryPromise.State.KEPT, resolved_at
    promise.save()
    Query.objects.filter(pk=query.pk).update(
        first_responded_at=responded_at,
        state=state,
        resolved_at=resolved_at,
        breach_alerted_at=due if first_after >= FIRST_RESPONSE_WITHIN else None,
    )
    if kind == QueryResponse.Kind.COMMUNITY:
        QueryNote.objects.create(
            query=query,
            organization_id=project.organization_id,
            author=expert,
            body="Has anyone tuned motion profiles on this controller for quiet hours?",
            asks_community=True,
            created_at=responded_at,
        )
    if outcome == "waiting_on_customer":
        QueryReply.objects.create(
            query=query,
            organization_id=project.organization_id,
            author=asker,
            body="We sell in the US and Poland.",
            created_at=responded_at + timedelta(minutes=20),
        )


def seed(world: dict) -> None:
    now = timezone.now()
    for slug, project in _projects(world).items():
        asker = (
            Membership.objects.filter(organization__slug=slug)
            .select_related("user")
            .order_by("-role", "pk")
            .first()
        )
        assignment = (
            Assignment.objects.current().filter(project=project).select_related("expert").first()
        )
        expert = assignment.expert if assignment else world.get("staff")
        if asker is None or expert is None:
            continue
        for spec in QUERIES.get(slug, []):
            _seed_query(project, asker.user, expert, now, spec)
