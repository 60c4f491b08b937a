"""Who may change what on a project; services check it again whatever the caller checked."""

from django.core.exceptions import PermissionDenied

from accounts.models import Membership


def can_triage(actor, project) -> bool:
    """Staff, and experts assigned to the project today: they estimate, schedule, assign,
    move tasks, post updates and ship releases."""
    if not getattr(actor, "is_authenticated", False):
        return False
    return actor.sees_everything or project.assignments.current().filter(expert=actor).exists()


def require_triage(actor, project) -> None:
    if not can_triage(actor, project):
        raise PermissionDenied("Only the experts working on this project can do that.")


def is_customer_of(actor, project) -> bool:
    return Membership.objects.of(actor, project.organization_id).exists()


def require_participant(actor, project) -> None:
    """The customer's members, the project's experts and staff."""
    if not (can_triage(actor, project) or is_customer_of(actor, project)):
        raise PermissionDenied("Only people working on this project can do that.")
