"""An organization keeps at least one owner, even when two owners remove each other at once
(PostgreSQL row locks)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Membership
from accounts.services import membership_remove, membership_role_set
from tests.factories.accounts import MembershipFactory, OrganizationFactory
from tests.races import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_owners():
    organization = OrganizationFactory()
    return organization, [MembershipFactory(organization=organization) for _ in range(2)]


def _owners(organization):
    return Membership.objects.filter(organization=organization, role=Membership.Role.OWNER)


def _refusals(outcomes):
    return [o for o in outcomes if isinstance(o, PermissionDenied | ValidationError)]


def test_two_owners_removing_each_other_at_once_leave_one_owner(two_owners):
    organization, (anna, carla) = two_owners
    outcomes = race(
        lambda: membership_remove(actor=anna.user, membership=carla),
        lambda: membership_remove(actor=carla.user, membership=anna),
    )
    assert len(_refusals(outcomes)) == 1, outcomes
    assert _owners(organization).count() == 1


def test_two_owners_demoting_each_other_at_once_leave_one_owner(two_owners):
    organization, (anna, carla) = two_owners
    member = Membership.Role.MEMBER
    outcomes = race(
        lambda: membership_role_set(actor=anna.user, membership=carla, role=member),
        lambda: membership_role_set(actor=carla.user, membership=anna, role=member),
    )
    assert len(_refusals(outcomes)) == 1, outcomes
    assert _owners(organization).count() == 1


def test_an_owner_removing_while_the_other_demotes_leaves_one_owner(two_owners):
    organization, (anna, carla) = two_owners
    outcomes = race(
        lambda: membership_remove(actor=anna.user, membership=carla),
        lambda: membership_role_set(actor=carla.user, membership=anna, role="member"),
    )
    assert len(_refusals(outcomes)) == 1, outcomes
    assert _owners(organization).count() == 1
