"""Writes for customer queries: asking, responding with an estimate, turning a query into a
task, resolving it. The replies and the internal community thread are in
``projects.services.query_threads``, the alerts of the 1-hour promise in
``projects.services.query_alerts``."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from projects.models import Project, Query, Task
from projects.models.queries import (
    FIRST_RESPONSE_WITHIN,
    QueryAttachment,
    QueryPromise,
    QueryResponse,
    is_on_team,
)
from projects.services.attachments import MAX_FILE_SIZE, MAX_FILES, files_check  # noqa: F401
from projects.services.query_common import (
    customer_recipients,
    is_member,
    lock_query,
    query_summary,
    refuse_unless_team,
    staff_recipients,
    team_experts,
)
from projects.services.query_threads import note_add
from projects.services.tasks import task_create
from softwaresupp.events import event_record
from softwaresupp.notifications import absolute_url, notify
from softwaresupp.submissions import submission_record, submission_replayed

MAX_ESTIMATE_HOURS = Decimal("1000")


@transaction.atomic
def query_ask(
    *, actor, project: Project, title: str, body: str, files=(), submission=None
) -> Query:
    """R-QUERY-1H: the clock starts when the customer submits the query; its deadline (asked
    + 1 hour) is stored on the row. The assigned experts hear at once; when nobody is
    assigned, staff do. Posted again with the same ``submission`` token, the query the first
    post asked."""
    if not is_member(actor, project.organization_id):
        raise ValidationError("Only people of the customer's organization ask questions here.")
    if project.status == Project.Status.CLOSED:
        raise ValidationError("This project is closed. Ask your question on an active project.")
    files = list(files)
    files_check(files)
    if earlier := submission_replayed(actor=actor, token=submission, model=Query):
        return earlier
    now = timezone.now()
    query = Query(
        project=project,
        organization_id=project.organization_id,
        author=actor,
        title=title.strip(),
        body=body.strip(),
        asked_at=now,
        first_response_due_at=now + FIRST_RESPONSE_WITHIN,
    )
    query.full_clean()
    query.save()
    submission_record(actor=actor, token=submission, target=query)
    for upload in files:
        QueryAttachment.objects.create(
            query=query,
            organization_id=query.organization_id,
            file=upload,
            name=upload.name[:255],
            size=upload.size,
            uploaded_by=actor,
        )
    event_record(
        actor=actor,
        target=query,
        verb="asked",
        organization=project.organization,
        changes={"state": (None, query.get_state_display())},
    )
    experts = team_experts(project.pk)
    context = {"query": query_summary(query), "body": query.body, "asker": str(actor)}
    if experts:
        notify(template="query_asked", recipients=experts, context=context)
    else:
        query.unassigned_alerted_at = now
        query.save(update_fields=["unassigned_alerted_at"])
        notify(
            template="query_unassigned",
            recipients=staff_recipients(),
            context={
                "queries": [context["query"]],
                "count": 1,
                "more": 0,
                "all_url": absolute_url(reverse("queries:staff_open")),
            },
        )
    return query


def _settle(promise: QueryPromise, now, *, by_deadline: str) -> None:
    """Settled after its deadline, a promise was missed. Settled by then, it ends as
    ``by_deadline``: kept (the team delivered), revised (a new deadline replaced it) or
    withdrawn (the customer closed the query, which proves no delivery)."""
    if now > promise.due_at:
        promise.state = QueryPromise.State.MISSED
    else:
        promise.state = by_deadline
    promise.settled_at = now
    promise.save(update_fields=["state", "settled_at"])


def _open_promise(query: Query) -> QueryPromise | None:
    return query.promises.select_for_update().filter(state=QueryPromise.State.OPEN).first()


@transaction.atomic
def query_respond(
    *,
    actor,
    query: Query,
    kind: str,
    body: str,
    estimate_hours: Decimal | None = None,
    deliver_by=None,
    waiting_on_customer: bool = False,
    community_question: str = "",
) -> QueryResponse:
    """R-QUERY-ANSWER: a response is the real answer or an honest "checking with the
    community" / "needs research", and always an estimate (hours to complete or a delivery
    deadline); without one it is refused. The first response stops the 1-hour clock
    (R-QUERY-1H). The estimate becomes the query's promise; a new deadline replaces the old."""
    query = lock_query(query)
    refuse_unless_team(actor, query)
    if not query.is_open:
        raise ValidationError(
            "This query is resolved. If there is more to do, the customer reopens it by replying."
        )
    now = timezone.now()
    errors = {}
    if not body.strip():
        errors["body"] = "Write the response the customer will read."
    if estimate_hours is None and deliver_by is None:
        errors["estimate_hours"] = (
            "Every response tells the customer when the work will be done: give the hours to "
            "complete or a delivery deadline."
        )
    elif estimate_hours is not None and not (0 < estimate_hours <= MAX_ESTIMATE_HOURS):
        errors["estimate_hours"] = (
            f"Hours to complete must be above 0 and at most {MAX_ESTIMATE_HOURS}."
        )
    if deliver_by is not None and deliver_by <= now:
        errors["deliver_by"] = "The delivery deadline must be in the future."
    if kind == QueryResponse.Kind.COMMUNITY and not community_question.strip():
        errors["community_question"] = (
            "Tell the community what you need to know. Only staff and the project's experts see it."
        )
    if errors:
        raise ValidationError(errors)

    response = QueryResponse(
        query=query,
        organization_id=query.organization_id,
        author=actor,
        kind=kind,
        body=body.strip(),
        estimate_hours=estimate_hours,
        deliver_by=deliver_by,
        waiting_on_customer=waiting_on_customer,
        created_at=now,
    )
    response.full_clean()
    response.save()

    changes, fields = {}, []
    if query.first_responded_at is None:
        changes["first_responded_at"] = (None, now.isoformat())
        query.first_responded_at = now
        fields.append("first_responded_at")
    new_state = Query.State.WAITING_ON_CUSTOMER if waiting_on_customer else Query.State.ANSWERED
    if query.state != new_state:
        changes["state"] = (query.get_state_display(), Query.State(new_state).label)
        query.state = new_state
        fields.append("state")
    if fields:
        query.save(update_fields=fields)

    promise = _open_promise(query)
    if promise is None or promise.due_at != response.eta:
        if promise is not None:
            _settle(promise, now, by_deadline=QueryPromise.State.REVISED)
            changes["eta"] = (promise.due_at.isoformat(), response.eta.isoformat())
        else:
            changes["eta"] = (None, response.eta.isoformat())
        QueryPromise.objects.create(
            query=query,
            organization_id=query.organization_id,
            response=response,
            expert=actor,
            made_at=now,
            due_at=response.eta,
        )
    event_record(
        actor=actor,
        target=query,
        verb="responded",
        organization=query.project.organization,
        changes=changes,
        note=response.get_kind_display(),
    )
    if community_question.strip():
        note_add(actor=actor, query=query, body=community_question, ask_community=True)
    notify(
        template="query_response",
        recipients=customer_recipients(query),
        context={
            "query": query_summary(query),
            "kind": response.get_kind_display(),
            "body": response.body,
            "expert": str(actor),
            "estimate_hours": response.estimate_hours,
            "eta": response.eta,
            "waiting_on_customer": response.waiting_on_customer,
        },
    )
    return response


@transaction.atomic
def query_task_create(
    *,
    actor,
    query: Query,
    title: str,
    description: str = "",
    estimate_hours: Decimal | None = None,
    due_on=None,
    priority: int = Task.Priority.NORMAL,
) -> Task:
    """R-QUERY-ACTION: a query that needs work becomes a task on the board in one step,
    prefilled from the query; the task and the query point at each other."""
    query = lock_query(query)
    refuse_unless_team(actor, query)
    if query.task_id is not None:
        raise ValidationError("This query already has a task on the board.")
    task = task_create(
        actor=actor,
        project=query.project,
        title=title,
        description=description,
        estimate_hours=estimate_hours,
        due_on=due_on,
        priority=priority,
        assignee=actor if actor.is_expert else None,
    )
    query.task = task
    query.save(update_fields=["task"])
    event_record(
        actor=actor,
        target=query,
        verb="task created",
        organization=query.project.organization,
        changes={"task": (None, task.title)},
    )
    return task


@transaction.atomic
def query_resolve(*, actor, query: Query) -> Query:
    """The work is delivered: the open promise counts as kept if it is on or before its
    deadline, missed after it (R-QUERY-ANSWER); resolving a query not yet responded to is
    the team's first response (R-QUERY-1H). The customer may also close their query: that
    is neither a response nor a delivery, so their open promise is withdrawn, or missed if
    its deadline has passed."""
    query = lock_query(query)
    on_team = is_on_team(actor, query.project)
    if not (on_team or is_member(actor, query.organization_id)):
        raise ValidationError("Only the customer's people and the project's experts can do this.")
    if not query.is_open:
        raise ValidationError("This query is already resolved.")
    now = timezone.now()
    promise = _open_promise(query)
    if promise is not None:
        delivered = QueryPromise.State.KEPT if on_team else QueryPromise.State.WITHDRAWN
        _settle(promise, now, by_deadline=delivered)
    before = query.get_state_display()
    query.state, query.resolved_at = Query.State.RESOLVED, now
    fields = ["state", "resolved_at"]
    changes = {"state": (before, query.get_state_display())}
    if on_team and query.first_responded_at is None:
        query.first_responded_at = now
        fields.append("first_responded_at")
        changes["first_responded_at"] = (None, now.isoformat())
    query.save(update_fields=fields)
    if promise is not None:
        changes["promise"] = (None, promise.get_state_display())
    event_record(
        actor=actor,
        target=query,
        verb="resolved",
        organization=query.project.organization,
        changes=changes,
    )
    if on_team:
        notify(
            template="query_resolved",
            recipients=customer_recipients(query),
            context={"query": query_summary(query), "expert": str(actor)},
        )
    return query
