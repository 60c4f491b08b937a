"""Writes for who belongs to an organization: invitations and memberships."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, Membership, Organization, User
from softwaresupp.events import event_record
from softwaresupp.notifications import absolute_url, notify


def _require_owner(actor: User, organization: Organization) -> None:
    if actor.sees_everything:
        return
    if not Membership.objects.of(actor, organization).owners().exists():
        raise PermissionDenied("Only the organization's owners can manage its members.")


@transaction.atomic
def invitation_create(
    *, actor: User, organization: Organization, email: str, role: str
) -> Invitation:
    """Invite someone by email; the link lets them set a password and join."""
    _require_owner(actor, organization)
    # Serialise invitations per organization: a double-click must not pass the checks twice
    # (the second insert would break the one-pending-invitation constraint: a 500).
    Organization.objects.select_for_update().filter(pk=organization.pk).values_list("pk").get()
    email = email.strip().lower()
    if Membership.objects.filter(organization=organization, user__email__iexact=email).exists():
        raise ValidationError({"email": "This person is already a member of the organization."})
    if Invitation.objects.filter(
        organization=organization, email=email, status=Invitation.Status.PENDING
    ).exists():
        raise ValidationError(
            {"email": "An invitation to this address is already waiting to be accepted."}
        )
    invitation = Invitation(organization=organization, email=email, role=role, invited_by=actor)
    invitation.full_clean()
    invitation.save()
    event_record(
        actor=actor, target=invitation, verb="invited", organization=organization, note=email
    )
    notify(
        template="invitation",
        recipients=[email],
        context={
            "organization": organization.name,
            "inviter": str(actor),
            "accept_url": invitation_accept_url(invitation),
            "expires_at": invitation.expires_at,
        },
    )
    return invitation


def invitation_accept_url(invitation: Invitation) -> str:
    return absolute_url(reverse("accounts:invitation_accept", kwargs={"token": invitation.token}))


@transaction.atomic
def organization_invite_owner(
    *, actor: User, name: str, email: str, time_zone: str = "UTC"
) -> tuple[Organization, Invitation]:
    """An expert bringing a new customer (R-LEAD-SUMMARY: "the expert creates the customer's
    account if it does not exist") opens the customer's organization with no member and
    invites its first owner, who joins as owner on accepting. The expert never becomes a
    member. No email here: the caller sends its own message carrying
    ``invitation_accept_url`` (the planned-work summary)."""
    from accounts.services.organizations import organization_open

    if not (actor.sees_everything or actor.is_expert):
        raise PermissionDenied("Only experts of the network and staff open a customer's account.")
    email = email.strip().lower()
    organization = organization_open(
        actor=actor, name=name, time_zone=time_zone, billing_email=email
    )
    invitation = Invitation(
        organization=organization, email=email, role=Membership.Role.OWNER, invited_by=actor
    )
    invitation.full_clean()
    invitation.save()
    event_record(
        actor=actor, target=invitation, verb="invited", organization=organization, note=email
    )
    return organization, invitation


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _require_owner(actor, invitation.organization)
    if invitation.status != Invitation.Status.PENDING:
        raise ValidationError("Only a pending invitation can be revoked.")
    invitation.status = Invitation.Status.REVOKED
    invitation.save(update_fields=["status"])
    event_record(
        actor=actor,
        target=invitation,
        verb="revoked",
        organization=invitation.organization,
        changes={"status": (Invitation.Status.PENDING, Invitation.Status.REVOKED)},
    )
    return invitation


def _mark_email_verified(user: User) -> None:
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


@transaction.atomic
def invitation_accept(
    *,
    invitation: Invitation,
    user: User | None = None,
    first_name: str = "",
    last_name: str = "",
    password: str = "",
) -> User:
    """Join the organization. A new person gets an account with the password they chose;
    the emailed link proves the address, so it counts as verified."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.can_accept():
        raise ValidationError(
            "This invitation is no longer valid. Ask the organization's owner for a new one."
        )
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError(
                "An account with this email exists: sign in first, then open the link again."
            )
        user = User.objects.create_user(
            email=invitation.email, password=password, first_name=first_name, last_name=last_name
        )
    elif user.email.lower() != invitation.email.lower():
        raise ValidationError(
            f"This invitation was sent to {invitation.email}; you are signed in as {user.email}."
        )
    _mark_email_verified(user)
    Membership.objects.get_or_create(
        user=user, organization=invitation.organization, defaults={"role": invitation.role}
    )
    invitation.status = Invitation.Status.ACCEPTED
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["status", "accepted_at"])
    event_record(
        actor=user,
        target=invitation,
        verb="accepted",
        organization=invitation.organization,
        changes={"status": (Invitation.Status.PENDING, Invitation.Status.ACCEPTED)},
    )
    return user


def _lock_membership(membership: Membership) -> Membership:
    """The membership, re-read after locking its organization's row: every change to who
    owns an organization takes that lock first, so two owners removing or demoting each
    other at once are counted one after the other, and one owner always remains."""
    Organization.objects.select_for_update().filter(pk=membership.organization_id).values_list(
        "pk"
    ).get()
    try:
        return Membership.objects.select_related("organization", "user").get(pk=membership.pk)
    except Membership.DoesNotExist:
        # Removed by someone else a moment ago (two owners clicking at once).
        raise ValidationError("This person is no longer a member of the organization.") from None


def _refuse_if_last_owner(membership: Membership) -> None:
    """Call with the organization locked (``_lock_membership``)."""
    if membership.role != Membership.Role.OWNER:
        return
    owners = Membership.objects.filter(
        organization_id=membership.organization_id, role=Membership.Role.OWNER
    )
    if owners.count() == 1:
        raise ValidationError("An organization keeps at least one owner.")


@transaction.atomic
def membership_remove(*, actor: User, membership: Membership) -> None:
    membership = _lock_membership(membership)
    _require_owner(actor, membership.organization)
    _refuse_if_last_owner(membership)
    event_record(
        actor=actor,
        target=membership.organization,
        verb="member removed",
        organization=membership.organization,
        note=membership.user.email,
    )
    membership.delete()


@transaction.atomic
def membership_role_set(*, actor: User, membership: Membership, role: str) -> Membership:
    """Make a member an owner or an owner a member; the last owner stays one."""
    membership = _lock_membership(membership)
    _require_owner(actor, membership.organization)
    if role == membership.role:
        return membership
    if role not in Membership.Role.values:
        raise ValidationError({"role": f"“{role}” is not a role."})
    _refuse_if_last_owner(membership)
    changes = {"role": (membership.role, role)}
    membership.role = role
    membership.save(update_fields=["role"])
    event_record(
        actor=actor,
        target=membership.organization,
        verb="member role changed",
        organization=membership.organization,
        changes=changes,
        note=membership.user.email,
    )
    return membership
