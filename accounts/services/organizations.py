"""Writes for tenants (customer organizations)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.text import slugify

from accounts.models import Membership, Organization, User
from softwaresupp.events import changes_apply, event_record

ORGANIZATION_FIELDS = ("name", "time_zone", "billing_email")


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "organization"
    slug, n = base, 1
    while Organization.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def organization_create(
    *, actor: User, name: str, time_zone: str = "UTC", billing_email: str = ""
) -> Organization:
    """A new tenant, with ``actor`` as its first owner."""
    organization = organization_open(
        actor=actor, name=name, time_zone=time_zone, billing_email=billing_email or actor.email
    )
    Membership.objects.create(user=actor, organization=organization, role=Membership.Role.OWNER)
    return organization


@transaction.atomic
def organization_open(
    *, actor: User, name: str, time_zone: str = "UTC", billing_email: str = ""
) -> Organization:
    """A new tenant with no member yet: the caller adds its first owner (directly, or by an
    owner invitation, ``organization_invite_owner``)."""
    organization = Organization(
        name=name.strip(), slug=_unique_slug(name), time_zone=time_zone, billing_email=billing_email
    )
    organization.full_clean()
    organization.save()
    event_record(actor=actor, target=organization, verb="created", organization=organization)
    return organization


@transaction.atomic
def organization_update(*, actor: User, organization: Organization, **fields) -> Organization:
    """Its owners or staff change the name, time zone or billing address; the slug stays,
    so links already sent keep working."""
    is_owner = Membership.objects.of(actor, organization).owners().exists()
    if not (actor.sees_everything or is_owner):
        raise PermissionDenied("Only the organization's owners can change its details.")
    unknown = set(fields) - set(ORGANIZATION_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {', '.join(sorted(unknown))}")
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if "name" in fields:
        fields["name"] = fields["name"].strip()
    changes = changes_apply(organization, fields)
    organization.full_clean()
    if changes:
        organization.save(update_fields=list(changes))
        event_record(
            actor=actor,
            target=organization,
            verb="updated",
            organization=organization,
            changes=changes,
        )
    return organization
