from accounts.models import Invitation, Membership
from tests.factories.accounts import UserFactory
from tests.tenancy import Sample


def populate(world):
    colleague = UserFactory(email="colleague-a@example.com")
    world.extra["membership_a"] = Membership.objects.create(
        user=colleague, organization=world.org_a, role=Membership.Role.MEMBER
    )
    from accounts.services import invitation_create

    world.extra["invitation_a"] = invitation_create(
        actor=world.owner_a, organization=world.org_a, email="invitee-a@example.com", role="member"
    )


def _organization(w):
    return {"slug": w.org_a.slug}


ROUTES = {
    "dashboard": Sample(),
    "staff_home": Sample(),
    "accounts:profile": Sample(
        payload=lambda w: {"first_name": "Swept", "last_name": "Person", "time_zone": "UTC"},
        own="everyone edits their own name and time zone; no tenant's ids in it",
    ),
    "accounts:organization_detail": Sample(
        kwargs=_organization,
        payload=lambda w: {"email": "sweep-invitee@example.com", "role": "member"},
        refused={"member_a": 403},
        done=lambda w: Invitation.objects.filter(email="sweep-invitee@example.com").exists(),
    ),
    "accounts:invitation_revoke": Sample(
        kwargs=lambda w: {"slug": w.org_a.slug, "pk": w.invitation_a.pk},
        payload=lambda w: {},
        refused={"member_a": 403},
    ),
    "accounts:membership_remove": Sample(
        kwargs=lambda w: {"slug": w.org_a.slug, "pk": w.membership_a.pk},
        payload=lambda w: {},
        refused={"member_a": 403},
        done=lambda w: not Membership.objects.filter(pk=w.membership_a.pk).exists(),
    ),
}
