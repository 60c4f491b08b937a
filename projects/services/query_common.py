"""What the query services share: who hears about a query, what an email says about it,
and the lock every change of a query takes."""

from django.conf import settings
from django.core.exceptions import ValidationError

from accounts.models import Membership, User
from projects.models import Assignment, Query
from projects.models.queries import is_on_team
from softwaresupp.notifications import absolute_url


def staff_recipients() -> list:
    """Where staff alerts go: the team's inbox when one is configured, else every active
    staff user."""
    if settings.STAFF_ALERT_EMAIL:
        return [settings.STAFF_ALERT_EMAIL]
    return list(User.objects.filter(is_staff=True, is_active=True))


def is_member(user, organization_id) -> bool:
    return Membership.objects.of(user, organization_id).exists()


def team_experts(project_id, *, exclude=None) -> list:
    experts = [
        assignment.expert
        for assignment in Assignment.objects.current()
        .filter(project_id=project_id)
        .select_related("expert")
        .order_by("expert_id")
    ]
    return [expert for expert in experts if exclude is None or expert.pk != exclude.pk]


def customer_recipients(query: Query) -> list:
    """The person who asked; if they are gone (or left the organization: R-TENANT), the
    organization's owners."""
    author = query.author
    if author is not None and author.is_active and is_member(author, query.organization_id):
        return [author]
    return [
        membership.user
        for membership in Membership.objects.filter(
            organization_id=query.organization_id, role=Membership.Role.OWNER, user__is_active=True
        ).select_related("user")
    ]


def query_summary(query: Query) -> dict:
    """What an email says about a query: plain values, so rendering runs no queries."""
    return {
        "title": query.title,
        "project": query.project.name,
        "url": absolute_url(query.get_absolute_url()),
        "asked_at": query.asked_at,
        "due_at": query.first_response_due_at,
    }


def lock_query(query: Query) -> Query:
    return (
        Query.objects.select_for_update(of=("self",))
        .select_related("project", "author")
        .get(pk=query.pk)
    )


def refuse_unless_team(actor, query: Query) -> None:
    if not is_on_team(actor, query.project):
        raise ValidationError("Only the project's experts and staff can do this.")
