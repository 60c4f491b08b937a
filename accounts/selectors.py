"""Reads for people and tenants, already scoped to the user."""

from django.db.models import Prefetch

from accounts.models import Invitation, Membership, Organization
from softwaresupp.tenancy import get_visible_or_404


def organization_get(*, user, slug: str) -> Organization:
    return get_visible_or_404(
        Organization.objects.prefetch_related(
            Prefetch("memberships", queryset=Membership.objects.select_related("user")),
            Prefetch(
                "invitations", queryset=Invitation.objects.filter(status=Invitation.Status.PENDING)
            ),
        ),
        user,
        slug=slug,
    )


def membership_role(*, user, organization) -> str | None:
    for membership in organization.memberships.all():
        if membership.user_id == user.pk:
            return membership.role
    return None


def user_organizations(*, user):
    return Organization.objects.filter(memberships__user=user).order_by("name")
