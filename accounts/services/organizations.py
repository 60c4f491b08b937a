"""Writes for tenants (customer organizations)."""

from django.db import transaction
from django.utils.text import slugify

from accounts.models import Membership, Organization, User
from softwaresupp.events import event_record


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
    organization = Organization(
        name=name.strip(),
        slug=_unique_slug(name),
        time_zone=time_zone,
        billing_email=billing_email or actor.email,
    )
    organization.full_clean()
    organization.save()
    Membership.objects.create(user=actor, organization=organization, role=Membership.Role.OWNER)
    event_record(actor=actor, target=organization, verb="created", organization=organization)
    return organization
