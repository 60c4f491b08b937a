"""The customer's onboarding checklist (R-ACCESS): stakeholders and tool access, each tool
requested → provided (by the customer) → verified (by an assigned expert or staff)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Membership
from onboarding.models import Stakeholder, ToolAccess
from projects.models import Assignment
from softwaresupp.events import event_record


def is_member(user, organization) -> bool:
    return Membership.objects.of(user, organization).exists()


def is_assigned_expert(user, organization) -> bool:
    """Currently assigned to one of the organization's projects (R-TENANT's expert rule)."""
    return Assignment.objects.current().filter(expert=user, organization=organization).exists()


def _require_member_or_staff(actor, organization) -> None:
    if not (actor.sees_everything or is_member(actor, organization)):
        raise PermissionDenied("Only the customer's members or staff do this.")


def _require_expert_or_staff(actor, organization) -> None:
    if not (actor.sees_everything or is_assigned_expert(actor, organization)):
        raise PermissionDenied("Only an expert assigned to the customer or staff check this.")


@transaction.atomic
def stakeholder_add(*, actor, organization, name, role, email, phone="") -> Stakeholder:
    """R-ACCESS: the customer gives their stakeholders (name, role, email, phone)."""
    _require_member_or_staff(actor, organization)
    stakeholder = Stakeholder(
        organization=organization, name=name.strip(), role=role.strip(), email=email, phone=phone
    )
    if Stakeholder.objects.filter(organization=organization, email__iexact=email).exists():
        raise ValidationError({"email": "This address is already a stakeholder."})
    stakeholder.full_clean()
    try:
        with transaction.atomic():
            stakeholder.save()
    except IntegrityError:
        raise ValidationError({"email": "This address is already a stakeholder."}) from None
    event_record(
        actor=actor,
        target=stakeholder,
        organization=organization,
        verb="stakeholder added",
        changes={"stakeholder": (None, f"{stakeholder.name}, {stakeholder.role}")},
    )
    return stakeholder


@transaction.atomic
def stakeholder_validate(*, actor, stakeholder: Stakeholder) -> Stakeholder:
    """An assigned expert (or staff) confirms the contact details are right."""
    stakeholder = Stakeholder.objects.select_for_update().get(pk=stakeholder.pk)
    _require_expert_or_staff(actor, stakeholder.organization)
    if stakeholder.is_validated:
        raise ValidationError("This stakeholder is already validated.")
    stakeholder.validated_at, stakeholder.validated_by = timezone.now(), actor
    stakeholder.save(update_fields=["validated_at", "validated_by"])
    event_record(
        actor=actor,
        target=stakeholder,
        organization=stakeholder.organization,
        verb="stakeholder validated",
        changes={"validated": (False, True)},
    )
    return stakeholder


@transaction.atomic
def tool_request(*, actor, organization, name, method, url="") -> ToolAccess:
    """Put a tool on the checklist with the way access is to be given (R-ACCESS): the
    customer, an assigned expert or staff."""
    if not (
        actor.sees_everything
        or is_member(actor, organization)
        or is_assigned_expert(actor, organization)
    ):
        raise PermissionDenied("Only the customer, its experts or staff list tools.")
    tool = ToolAccess(
        organization=organization, name=name.strip(), method=method, url=url, requested_by=actor
    )
    if ToolAccess.objects.filter(
        organization=organization, name__iexact=tool.name, method=method
    ).exists():
        raise ValidationError({"name": "This tool is already on the list for that method."})
    tool.full_clean()
    try:
        with transaction.atomic():
            tool.save()
    except IntegrityError:
        raise ValidationError(
            {"name": "This tool is already on the list for that method."}
        ) from None
    event_record(
        actor=actor,
        target=tool,
        organization=organization,
        verb="access requested",
        changes={"state": (None, tool.get_state_display())},
        note=tool.get_method_display(),
    )
    return tool


@transaction.atomic
def tool_advance(*, actor, tool: ToolAccess) -> ToolAccess:
    """requested → provided (the customer gave access) → verified (an assigned expert or
    staff checked it works); never back, never skipping."""
    tool = ToolAccess.objects.select_for_update().get(pk=tool.pk)
    before = tool.state
    now = timezone.now()
    if before == ToolAccess.State.REQUESTED:
        _require_member_or_staff(actor, tool.organization)
        tool.state, tool.provided_at = ToolAccess.State.PROVIDED, now
        fields = ["state", "provided_at"]
    elif before == ToolAccess.State.PROVIDED:
        _require_expert_or_staff(actor, tool.organization)
        tool.state, tool.verified_at, tool.verified_by = ToolAccess.State.VERIFIED, now, actor
        fields = ["state", "verified_at", "verified_by"]
    else:
        raise ValidationError("This access is already verified.")
    tool.save(update_fields=fields)
    event_record(
        actor=actor,
        target=tool,
        organization=tool.organization,
        verb=f"access {tool.state}",
        changes={"state": (ToolAccess.State(before).label, tool.get_state_display())},
    )
    return tool
