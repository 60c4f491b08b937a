"""People and tenants in Django admin: view-only, with actions and small forms that call the
services, so every change keeps the rules and lands in the event log (issue 8, item 3)."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts import services
from accounts.models import ExpertProfile, Invitation, Membership, Organization
from accounts.services.people import STAFF_GROUP
from softwaresupp.events import event_list_for
from softwaresupp.models import Event
from tests.accounts.admin_pages import admin_action, messages_of
from tests.factories.accounts import (
    MembershipFactory,
    OrganizationFactory,
    StaffFactory,
    UserFactory,
    customer,
    expert,
    login_verified_staff,
)
from tests.factories.projects import AssignmentFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def _two_owners():
    organization = OrganizationFactory()
    first = MembershipFactory(organization=organization, role=Membership.Role.OWNER)
    second = MembershipFactory(organization=organization, role=Membership.Role.OWNER)
    return first, second


class TestMemberships:
    def test_the_change_form_edits_nothing(self, client, superuser):
        first, _ = _two_owners()
        url = reverse("admin:accounts_membership_change", args=[first.pk])
        page = client.get(url).content.decode()
        assert 'name="role"' not in page
        response = client.post(url, {"role": "member", "user": first.user_id})
        assert response.status_code == 403
        first.refresh_from_db()
        assert first.role == Membership.Role.OWNER

    def test_make_member_goes_through_the_service(self, client, superuser):
        first, _ = _two_owners()
        admin_action(client, "membership", "make_member", [first])
        first.refresh_from_db()
        assert first.role == Membership.Role.MEMBER
        event = Event.objects.get(verb="member role changed")
        assert event.actor == superuser and event.changes == {"role": ["owner", "member"]}

    def test_the_last_owner_stays_an_owner(self, client, superuser):
        owner = customer().memberships.get()
        response = admin_action(client, "membership", "make_member", [owner])
        assert "keeps at least one owner" in messages_of(response)
        owner.refresh_from_db()
        assert owner.role == Membership.Role.OWNER
        assert not Event.objects.exists()

    def test_remove_asks_first_then_removes_through_the_service(self, client, superuser):
        first, second = _two_owners()
        page = admin_action(client, "membership", "remove", [first])
        assert "Confirm" in page.content.decode()
        assert Membership.objects.filter(pk=first.pk).exists()
        admin_action(client, "membership", "remove", [first], apply="1")
        assert not Membership.objects.filter(pk=first.pk).exists()
        assert Event.objects.get(verb="member removed").note == first.user.email
        response = admin_action(client, "membership", "remove", [second], apply="1")
        assert "keeps at least one owner" in messages_of(response)
        assert Membership.objects.filter(pk=second.pk).exists()

    def test_memberships_are_not_deleted_behind_the_service(self, client, superuser):
        first, _ = _two_owners()
        url = reverse("admin:accounts_membership_delete", args=[first.pk])
        assert client.post(url, {"post": "yes"}).status_code == 403
        assert Membership.objects.filter(pk=first.pk).exists()


def test_invitations_are_revoked_through_the_service(client, superuser):
    owner = customer()
    organization = owner.memberships.get().organization
    invitation = services.invitation_create(
        actor=owner, organization=organization, email="new@example.com", role="member"
    )
    url = reverse("admin:accounts_invitation_change", args=[invitation.pk])
    assert client.post(url, {"email": "other@example.com"}).status_code == 403
    admin_action(client, "invitation", "revoke", [invitation])
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.REVOKED
    assert [e.verb for e in event_list_for(invitation)] == ["revoked", "invited"]
    response = admin_action(client, "invitation", "revoke", [invitation])
    assert "Only a pending invitation" in messages_of(response)


class TestOrganizations:
    def test_the_change_form_edits_nothing(self, client, superuser):
        organization = OrganizationFactory(name="Acme")
        url = reverse("admin:accounts_organization_change", args=[organization.pk])
        response = client.post(url, {"name": "Renamed", "slug": "renamed", "time_zone": "UTC"})
        assert response.status_code == 403
        organization.refresh_from_db()
        assert organization.name == "Acme"

    def test_edit_page_saves_through_the_service(self, client, superuser):
        organization = OrganizationFactory(name="Acme", time_zone="Europe/Warsaw")
        change = reverse("admin:accounts_organization_change", args=[organization.pk])
        assert 'href="../edit/"' in client.get(change).content.decode()
        edit = reverse("admin:accounts_organization_edit", args=[organization.pk])
        assert client.get(edit).status_code == 200
        response = client.post(
            edit, {"name": "Acme Robotics", "time_zone": "UTC", "billing_email": "b@acme.example"}
        )
        assert response.status_code == 302
        organization.refresh_from_db()
        assert (organization.name, organization.time_zone) == ("Acme Robotics", "UTC")
        [event] = event_list_for(organization)
        assert event.verb == "updated" and event.changes["name"] == ["Acme", "Acme Robotics"]

    def test_a_refused_edit_is_a_form_error(self, client, superuser):
        organization = OrganizationFactory(name="Acme")
        edit = reverse("admin:accounts_organization_edit", args=[organization.pk])
        response = client.post(edit, {"name": "  ", "time_zone": "UTC", "billing_email": ""})
        assert response.status_code == 200 and "errornote" in response.content.decode()
        organization.refresh_from_db()
        assert organization.name == "Acme"

    def test_an_organization_with_history_cannot_be_deleted(self, client, superuser):
        organization = ProjectFactory().organization
        change = reverse("admin:accounts_organization_change", args=[organization.pk])
        assert "deletelink" not in client.get(change).content.decode()
        delete = reverse("admin:accounts_organization_delete", args=[organization.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
        response = client.post(
            reverse("admin:accounts_organization_changelist"),
            {"action": "delete_selected", "_selected_action": [organization.pk], "post": "yes"},
        )
        assert response.status_code == 200
        assert Organization.objects.filter(pk=organization.pk).exists()

    def test_an_organization_without_history_can_be_deleted(self, client, superuser):
        organization = OrganizationFactory()
        delete = reverse("admin:accounts_organization_delete", args=[organization.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 302
        assert not Organization.objects.filter(pk=organization.pk).exists()


class TestExpertProfiles:
    def test_the_change_form_edits_nothing(self, client, superuser):
        profile = expert().expert_profile
        url = reverse("admin:accounts_expertprofile_change", args=[profile.pk])
        response = client.post(url, {"hourly_rate": "99", "region": "us", "country": "US"})
        assert response.status_code == 403
        profile.refresh_from_db()
        assert profile.hourly_rate == Decimal("45.00")

    def test_region_changes_through_the_service_and_the_rate_does_not(self, client, superuser):
        """Rate changes are dated rows of payments (R-RATE-MIN): this page leaves it alone."""
        profile = expert().expert_profile
        edit = reverse("admin:accounts_expertprofile_edit", args=[profile.pk])
        assert client.get(edit).status_code == 200
        response = client.post(
            edit,
            {
                "region": "us",
                "country": "United States",
                "hourly_rate": "60.00",
                "availability": "part_time",
            },
        )
        assert response.status_code == 302
        profile.refresh_from_db()
        assert (profile.region, profile.hourly_rate) == ("us", Decimal("45.00"))
        [event] = event_list_for(profile)
        assert event.actor == superuser and "hourly_rate" not in event.changes

    def test_certify_and_uncertify_record_events(self, client, superuser):
        profile = expert(certified_at=None).expert_profile
        admin_action(client, "expertprofile", "certify", [profile])
        profile.refresh_from_db()
        assert profile.is_certified
        admin_action(client, "expertprofile", "uncertify", [profile], apply="1")
        profile.refresh_from_db()
        assert not profile.is_certified
        assert [e.verb for e in event_list_for(profile)] == ["uncertified", "certified"]

    def test_staff_in_the_staff_group_certify_too(self, client):
        staff = login_verified_staff(client, StaffFactory())
        staff.groups.add(Group.objects.get(name=STAFF_GROUP))
        profile = expert(certified_at=None).expert_profile
        admin_action(client, "expertprofile", "certify", [profile])
        profile.refresh_from_db()
        assert profile.is_certified

    def test_an_assigned_expert_keeps_the_certification(self, client, superuser):
        """R-EXPERT-ONBOARD: nobody works on a project uncertified."""
        assignment = AssignmentFactory()
        profile = assignment.expert.expert_profile
        response = admin_action(client, "expertprofile", "uncertify", [profile], apply="1")
        assert "still assigned" in messages_of(response)
        profile.refresh_from_db()
        assert profile.is_certified
        assert not event_list_for(profile).exists()

    def test_staff_add_an_expert_through_the_service(self, client, superuser):
        user = UserFactory(first_name="Zoë", last_name="Ångström")
        response = client.post(
            reverse("admin:accounts_expertprofile_add"),
            {
                "user": user.pk,
                "region": "eu",
                "country": "Sweden",
                "hourly_rate": "50.00",
                "availability": "hourly",
            },
        )
        assert response.status_code == 302
        profile = ExpertProfile.objects.get(user=user)
        assert profile.mailbox.startswith("zoe.angstrom@")
        assert [e.verb for e in event_list_for(profile)] == ["created"]
