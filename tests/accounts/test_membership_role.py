"""An owner makes a member an owner, or an owner a member; the last owner stays one."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Membership
from accounts.services import membership_remove, membership_role_set
from softwaresupp.models import Event
from tests.factories.accounts import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

OWNER, MEMBER = Membership.Role.OWNER, Membership.Role.MEMBER


@pytest.fixture
def organization():
    return OrganizationFactory()


def test_an_owner_promotes_a_member_and_the_change_is_recorded(organization):
    owner = MembershipFactory(organization=organization)
    member = MembershipFactory(organization=organization, role=MEMBER)
    membership_role_set(actor=owner.user, membership=member, role=OWNER)
    assert Membership.objects.get(pk=member.pk).role == OWNER
    event = Event.objects.get(verb="member role changed")
    assert event.changes == {"role": [MEMBER, OWNER]}


def test_the_last_owner_cannot_step_down(organization):
    owner = MembershipFactory(organization=organization)
    with pytest.raises(ValidationError, match="at least one owner"):
        membership_role_set(actor=owner.user, membership=owner, role=MEMBER)
    assert Membership.objects.get(pk=owner.pk).role == OWNER


def test_one_of_two_owners_can_step_down(organization):
    owner, other = (MembershipFactory(organization=organization) for _ in range(2))
    membership_role_set(actor=owner.user, membership=owner, role=MEMBER)
    assert Membership.objects.get(pk=owner.pk).role == MEMBER


def test_a_member_cannot_change_roles(organization):
    MembershipFactory(organization=organization)
    member = MembershipFactory(organization=organization, role=MEMBER)
    with pytest.raises(PermissionDenied):
        membership_role_set(actor=member.user, membership=member, role=OWNER)
    assert Membership.objects.get(pk=member.pk).role == MEMBER


def test_an_unknown_role_is_refused(organization):
    owner = MembershipFactory(organization=organization)
    member = MembershipFactory(organization=organization, role=MEMBER)
    with pytest.raises(ValidationError):
        membership_role_set(actor=owner.user, membership=member, role="admin")


def test_a_membership_removed_meanwhile_is_refused_with_a_reason(organization):
    owner = MembershipFactory(organization=organization)
    member = MembershipFactory(organization=organization, role=MEMBER)
    membership_remove(actor=owner.user, membership=member)
    for change in (
        lambda: membership_remove(actor=owner.user, membership=member),
        lambda: membership_role_set(actor=owner.user, membership=member, role=OWNER),
    ):
        with pytest.raises(ValidationError, match="no longer a member"):
            change()
