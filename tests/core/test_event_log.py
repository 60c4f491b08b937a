"""The event log outlives what it describes: no cascade from an organization or a user
can delete or anonymise history."""

import pytest
from django.db.models import ProtectedError

from accounts.models import Organization, User
from softwaresupp.events import event_record
from softwaresupp.models import Event
from tests.factories.accounts import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_organization_with_history_cannot_be_deleted():
    organization = OrganizationFactory()
    event_record(actor=None, target=organization, verb="created", organization=organization)
    with pytest.raises(ProtectedError):
        organization.delete()
    assert Organization.objects.filter(pk=organization.pk).exists()
    assert Event.objects.filter(organization=organization).count() == 1


def test_a_user_who_acted_cannot_be_deleted_and_the_event_keeps_its_actor():
    user = UserFactory()
    organization = OrganizationFactory()
    event_record(actor=user, target=organization, verb="renamed", organization=organization)
    with pytest.raises(ProtectedError):
        user.delete()
    assert User.objects.filter(pk=user.pk).exists()
    assert Event.objects.get().actor == user


def test_an_organization_without_history_can_still_be_deleted():
    organization = OrganizationFactory()
    organization.delete()
    assert not Organization.objects.filter(pk=organization.pk).exists()
