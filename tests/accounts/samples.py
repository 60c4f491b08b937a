from accounts.models import Membership
from tests.factories.accounts import UserFactory


def populate(world):
    colleague = UserFactory(email="colleague-a@example.com")
    world.extra["membership_a"] = Membership.objects.create(
        user=colleague, organization=world.org_a, role=Membership.Role.MEMBER
    )
    from accounts.services import invitation_create

    world.extra["invitation_a"] = invitation_create(
        actor=world.owner_a, organization=world.org_a, email="invitee-a@example.com", role="member"
    )


ROUTES = {
    "dashboard": None,
    "staff_home": None,
    "accounts:profile": None,
    "accounts:organization_detail": lambda w: {"slug": w.org_a.slug},
    "accounts:invitation_revoke": lambda w: {"slug": w.org_a.slug, "pk": w.invitation_a.pk},
    "accounts:membership_remove": lambda w: {"slug": w.org_a.slug, "pk": w.membership_a.pk},
}
