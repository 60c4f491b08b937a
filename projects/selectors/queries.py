"""Reads for customer queries, each starting from what the user may see (R-TENANT)."""

import zoneinfo
from datetime import datetime, time, timedelta

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
    Window,
)
from django.utils import timezone

from accounts.models import Membership
from projects.models import Assignment, Project, Query
from projects.models.queries import (
    QueryNote,
    QueryPromise,
    QueryReply,
    QueryResponse,
    is_on_team,
)
from softwaresupp.notifications import absolute_url
from softwaresupp.tenancy import get_visible_or_404

STATE_FILTERS = {
    "open": Q(
        state__in=[Query.State.WAITING, Query.State.ANSWERED, Query.State.WAITING_ON_CUSTOMER]
    ),
    "waiting": Q(state=Query.State.WAITING),
    "resolved": Q(state=Query.State.RESOLVED),
    "all": Q(),
}


def project_get(*, user, pk: int) -> Project:
    return get_visible_or_404(Project.objects.select_related("organization"), user, pk=pk)


def project_list(*, user):
    """The projects whose queries the user may open, active ones first."""
    return (
        Project.objects.visible_to(user)
        .exclude(status=Project.Status.CLOSED)
        .select_related("organization")
        .order_by("organization__name", "name")
    )


def is_customer(*, user, project: Project) -> bool:
    return Membership.objects.of(user, project.organization_id).exists()


def can_ask(*, user, project: Project) -> bool:
    """The customer's people ask, on a project that is not closed; experts and staff answer."""
    return project.status != Project.Status.CLOSED and is_customer(user=user, project=project)


def has_current_expert(project: Project) -> bool:
    """Someone is assigned to answer today; without one the one-hour response cannot be
    promised (staff are alerted instead, R-QUERY-1H)."""
    return Assignment.objects.current().filter(project=project).exists()


def _with_next_deadline(queryset):
    """The deadline that matters next: the first response while the query waits, then the
    open promise; none once resolved."""
    open_promise_due = QueryPromise.objects.filter(
        query=OuterRef("pk"), state=QueryPromise.State.OPEN
    ).values("due_at")[:1]
    return queryset.annotate(
        next_deadline=Case(
            When(state=Query.State.WAITING, then=F("first_response_due_at")),
            When(state=Query.State.RESOLVED, then=Value(None)),
            default=Subquery(open_promise_due),
            output_field=DateTimeField(),
        )
    )


def query_list(*, user, project: Project | None = None, state: str = "open"):
    """The user's queries (of one project, or of every project they see); open ones by the
    deadline that comes next, the others newest first."""
    queryset = Query.objects.visible_to(user).filter(STATE_FILTERS.get(state, Q()))
    if project is not None:
        queryset = queryset.filter(project=project)
    queryset = _with_next_deadline(queryset).select_related("project", "author", "task")
    if state in ("open", "waiting"):
        return queryset.order_by(F("next_deadline").asc(nulls_last=True), "-asked_at")
    return queryset.order_by("-asked_at")


def query_open_list(*, user):
    """Open queries by time left, with the experts on each project today (staff page)."""
    return (
        _with_next_deadline(Query.objects.visible_to(user).open())
        .select_related("project", "project__organization", "author")
        .prefetch_related(
            Prefetch(
                "project__assignments",
                queryset=Assignment.objects.current().select_related("expert"),
                to_attr="team",
            )
        )
        .order_by(F("next_deadline").asc(nulls_last=True), "asked_at")
    )


def query_get(*, user, pk: int) -> Query:
    return get_visible_or_404(
        _with_next_deadline(Query.objects.all())
        .select_related("project", "project__organization", "author", "task")
        .prefetch_related(
            "attachments",
            Prefetch(
                "responses", queryset=QueryResponse.objects.select_related("author", "promise")
            ),
            Prefetch("replies", queryset=QueryReply.objects.select_related("author")),
            Prefetch("promises", queryset=QueryPromise.objects.select_related("expert")),
        ),
        user,
        pk=pk,
    )


def query_thread(query: Query) -> list:
    """The public thread: the question's responses and the customer's replies, in order."""
    return sorted(
        [*query.responses.all(), *query.replies.all()], key=lambda item: (item.created_at, item.pk)
    )


def query_open_promise(query: Query) -> QueryPromise | None:
    return next((p for p in query.promises.all() if p.state == QueryPromise.State.OPEN), None)


def query_latest_response(query: Query) -> QueryResponse | None:
    responses = list(query.responses.all())
    return responses[-1] if responses else None


def query_notes(*, user, query: Query):
    """The internal community thread: empty for anyone who is not on the project's team."""
    return QueryNote.objects.visible_to(user).filter(query=query).select_related("author")


def can_see_internal(*, user, query: Query) -> bool:
    return is_on_team(user, query.project)


def attachment_get(*, user, query_pk: int, pk: int):
    query = get_visible_or_404(Query.objects.all(), user, pk=query_pk)
    return get_visible_or_404(query.attachments.all(), user, pk=pk)


def query_task_initial(query: Query) -> dict:
    """A task's fields prefilled from the query and the latest estimate given on it
    (R-QUERY-ACTION)."""
    initial = {
        "title": query.title,
        "description": f"{query.body}\n\nFrom query: {absolute_url(query.get_absolute_url())}",
    }
    latest = query_latest_response(query)
    if latest is not None:
        initial["estimate_hours"] = latest.estimate_hours
        promise = query_open_promise(query)
        if promise is not None:
            zone = zoneinfo.ZoneInfo(query.project.time_zone)
            initial["due_on"] = timezone.localtime(promise.due_at, zone).date()
    return initial


def query_export_rows(*, user, project: Project):
    """One row per query of the project, for the customer's CSV: the public record only,
    never the internal thread."""
    yield [
        "Asked at (UTC)",
        "Title",
        "Asked by",
        "State",
        "First response at (UTC)",
        "Minutes to first response",
        "Within 1 hour",
        "Current delivery deadline (UTC)",
        "Responses",
        "Task",
    ]
    queries = (
        query_list(user=user, project=project, state="all")
        .prefetch_related("responses")
        .order_by("asked_at", "pk")
    )
    for query in queries:
        minutes = ""
        if query.first_responded_at:
            minutes = int((query.first_responded_at - query.asked_at).total_seconds() // 60)
        on_time = query.answered_on_time()
        yield [
            _utc(query.asked_at),
            query.title,
            str(query.author or ""),
            query.get_state_display(),
            _utc(query.first_responded_at),
            minutes,
            "" if on_time is None else ("yes" if on_time else "no"),
            _utc(query.next_deadline) if query.state != Query.State.WAITING else "",
            len(query.responses.all()),
            query.task.title if query.task else "",
        ]


def _utc(moment) -> str:
    return moment.astimezone(zoneinfo.ZoneInfo("UTC")).strftime("%Y-%m-%d %H:%M") if moment else ""


def panel_for_project(*, user, project: Project, access=None, limit: int = 5) -> dict:
    """The board's queries panel in one SQL query however many queries are open: the count
    rides on every row as a window count, taken before the limit. With the board's
    ``access`` (projects.selectors.projects.project_access) whether the user may ask is
    known already."""
    queries = list(
        query_list(user=user, project=project, state="open").annotate(
            open_total=Window(Count("pk"))
        )[:limit]
    )
    if access is None:
        asks = can_ask(user=user, project=project)
    else:
        asks = project.status != Project.Status.CLOSED and access.is_customer
    return {
        "queries": queries,
        "open_count": queries[0].open_total if queries else 0,
        "can_ask": asks,
        "project": project,
    }


def panel_for_user(*, user, limit: int = 5) -> dict:
    """The dashboard's queries panel: the user's open queries, soonest deadline first, and
    how many are open and past the hour. One SQL query however many are open: the totals
    ride on every row as window counts, taken before the limit."""
    past_the_hour = Q(state=Query.State.WAITING, first_response_due_at__lte=timezone.now())
    queries = list(
        query_list(user=user, state="open").annotate(
            open_total=Window(Count("pk")),
            overdue_total=Window(Count("pk", filter=past_the_hour)),
        )[:limit]
    )
    first = queries[0] if queries else None
    return {
        "queries": queries,
        "open_count": first.open_total if first else 0,
        "overdue_count": first.overdue_total if first else 0,
    }


def period_bounds(start, end, time_zone: str) -> tuple[datetime, datetime]:
    """From the start of ``start`` to the end of ``end``, in the user's time zone."""
    zone = zoneinfo.ZoneInfo(time_zone)
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )
