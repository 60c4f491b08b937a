"""The query's two threads: the customer's public replies and the internal community thread
the customer never sees (R-QUERY-COMMUNITY)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from projects.models import Query
from projects.models.queries import QueryNote, QueryReply
from projects.services.query_common import (
    is_member,
    lock_query,
    query_summary,
    refuse_unless_team,
    staff_recipients,
    team_experts,
)
from softwaresupp.events import event_record
from softwaresupp.notifications import notify


@transaction.atomic
def query_reply(*, actor, query: Query, body: str) -> QueryReply:
    """The customer answers in the public thread. It hands the query back to the experts:
    one waiting on the customer, or resolved, is open again."""
    query = lock_query(query)
    if not is_member(actor, query.organization_id):
        raise ValidationError("Only people of the customer's organization reply here.")
    if not body.strip():
        raise ValidationError({"body": "Write your reply."})
    reply = QueryReply(
        query=query, organization_id=query.organization_id, author=actor, body=body.strip()
    )
    reply.full_clean()
    reply.save()
    if query.state in (Query.State.WAITING_ON_CUSTOMER, Query.State.RESOLVED):
        before = query.get_state_display()
        query.state = Query.State.ANSWERED if query.first_responded_at else Query.State.WAITING
        query.resolved_at = None
        query.save(update_fields=["state", "resolved_at"])
        event_record(
            actor=actor,
            target=query,
            verb="replied",
            organization=query.project.organization,
            changes={"state": (before, query.get_state_display())},
        )
    else:
        event_record(
            actor=actor, target=query, verb="replied", organization=query.project.organization
        )
    notify(
        template="query_reply",
        recipients=team_experts(query.project_id),
        context={"query": query_summary(query), "body": reply.body, "customer": str(actor)},
    )
    return reply


def note_add(*, actor, query: Query, body: str, ask_community: bool) -> QueryNote:
    note = QueryNote(
        query=query,
        organization_id=query.organization_id,
        author=actor,
        body=body.strip(),
        asks_community=ask_community,
    )
    note.full_clean()
    note.save()
    # The event names the act, never the words: the internal thread stays internal.
    event_record(
        actor=actor,
        target=query,
        verb="asked the community" if ask_community else "added an internal note",
        organization=query.project.organization,
    )
    if ask_community:
        notify(
            template="query_community",
            recipients=[*staff_recipients(), *team_experts(query.project_id, exclude=actor)],
            context={"query": query_summary(query), "body": note.body, "author": str(actor)},
        )
    return note


@transaction.atomic
def query_note_add(*, actor, query: Query, body: str, ask_community: bool = False) -> QueryNote:
    """R-QUERY-COMMUNITY: the project's experts and staff talk on an internal thread the
    customer never sees; asking the community notifies staff and the other experts."""
    query = lock_query(query)
    refuse_unless_team(actor, query)
    if not body.strip():
        raise ValidationError({"body": "Write the message for the community."})
    return note_add(actor=actor, query=query, body=body, ask_community=ask_community)
