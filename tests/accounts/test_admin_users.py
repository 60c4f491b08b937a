"""People in Django admin: details and passwords edited there, access and deactivation
through services that record the event (issue 8, item 3)."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts import services
from accounts.models import Membership, User
from accounts.services.people import STAFF_GROUP
from softwaresupp.events import event_list_for
from tests.accounts.admin_pages import admin_action, messages_of
from tests.factories.accounts import (
    StaffFactory,
    UserFactory,
    customer,
    expert,
    login_verified_staff,
    verified_staff,
)

pytestmark = pytest.mark.django_db


class TestUsers:
    def test_access_fields_are_not_edited_on_the_change_form(self, client, superuser):
        user = UserFactory(first_name="Ann")
        url = reverse("admin:accounts_user_change", args=[user.pk])
        page = client.get(url).content.decode()
        assert 'name="is_staff"' not in page and 'name="groups"' not in page
        response = client.post(
            url,
            {
                "email": user.email,
                "first_name": "Anna",
                "last_name": user.last_name,
                "time_zone": "UTC",
                "is_staff": "on",
                "is_superuser": "on",
                "memberships-TOTAL_FORMS": "0",
                "memberships-INITIAL_FORMS": "0",
            },
        )
        assert response.status_code == 302
        user.refresh_from_db()
        assert user.first_name == "Anna" and not user.is_staff and not user.is_superuser
        [event] = event_list_for(user)
        assert event.verb == "updated" and event.changes == {"first_name": ["Ann", "Anna"]}

    def test_making_staff_goes_through_the_service_and_the_staff_group(self, client, superuser):
        staff_group, _ = Group.objects.get_or_create(name=STAFF_GROUP)
        user = UserFactory()
        page = admin_action(client, "user", "change_access", [user])
        assert 'name="is_staff"' in page.content.decode()
        admin_action(client, "user", "change_access", [user], apply="1", is_staff="on")
        user.refresh_from_db()
        assert user.is_staff and not user.is_superuser
        assert list(user.groups.all()) == [staff_group]
        [event] = event_list_for(user)
        assert event.verb == "access changed" and event.changes["is_staff"] == ["False", "True"]
        page = admin_action(client, "user", "change_access", [user]).content.decode()
        assert 'id="id_is_staff" checked' in page
        admin_action(client, "user", "change_access", [user], apply="1")
        user.refresh_from_db()
        assert not user.is_staff and not user.groups.exists()

    def test_staff_are_not_offered_the_accessadmin_action(self, client):
        staff = login_verified_staff(client, StaffFactory())
        staff.groups.add(Group.objects.get(name=STAFF_GROUP))
        page = client.get(reverse("admin:accounts_user_changelist")).content.decode()
        assert 'value="deactivate"' in page and 'value="change_access"' not in page

    def test_nobody_changes_their_own_access(self, client, superuser):
        response = admin_action(client, "user", "change_access", [superuser], apply="1")
        assert "your own access" in messages_of(response)
        superuser.refresh_from_db()
        assert superuser.is_superuser and superuser.is_staff

    def test_deactivate_and_reactivate_record_events(self, client, superuser):
        user = customer()
        admin_action(client, "user", "deactivate", [user], apply="1")
        user.refresh_from_db()
        assert not user.is_active
        admin_action(client, "user", "reactivate", [user])
        user.refresh_from_db()
        assert user.is_active
        assert [e.verb for e in event_list_for(user)] == ["reactivated", "deactivated"]
        response = admin_action(client, "user", "deactivate", [superuser], apply="1")
        assert "yourself" in messages_of(response)
        superuser.refresh_from_db()
        assert superuser.is_active

    def test_a_user_with_history_is_deactivated_not_deleted(self, client, superuser):
        user = customer()
        change = reverse("admin:accounts_user_change", args=[user.pk])
        assert "deletelink" not in client.get(change).content.decode()
        delete = reverse("admin:accounts_user_delete", args=[user.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
        assert User.objects.filter(pk=user.pk).exists()

    def test_a_superuser_sets_a_password_and_it_is_recorded(self, client, superuser):
        user = UserFactory()
        url = reverse("admin:auth_user_password_change", args=[user.pk])
        assert client.get(url).status_code == 200
        response = client.post(
            url, {"new_password1": "A-new-long-pass-42", "new_password2": "A-new-long-pass-42"}
        )
        assert response.status_code == 302
        user.refresh_from_db()
        assert user.check_password("A-new-long-pass-42")
        [event] = event_list_for(user)
        assert event.verb == "password set" and event.actor == superuser

    def test_staff_cannot_set_passwords(self, client):
        """Whoever sets a password can sign in as that person: staff send a reset link."""
        staff = login_verified_staff(client, StaffFactory())
        staff.groups.add(Group.objects.get(name=STAFF_GROUP))
        user = UserFactory()
        url = reverse("admin:auth_user_password_change", args=[user.pk])
        assert client.get(reverse("admin:accounts_user_change", args=[user.pk])).status_code == 200
        response = client.post(
            url, {"new_password1": "A-new-long-pass-42", "new_password2": "A-new-long-pass-42"}
        )
        assert response.status_code == 403
        user.refresh_from_db()
        assert not user.check_password("A-new-long-pass-42")

    def test_staff_add_a_person_through_the_service(self, client, superuser):
        response = client.post(
            reverse("admin:accounts_user_add"),
            {
                "email": "New@Example.com",
                "password1": "A-new-long-pass-42",
                "password2": "A-new-long-pass-42",
            },
        )
        assert response.status_code == 302
        user = User.objects.get(email="new@example.com")
        assert [e.verb for e in event_list_for(user)] == ["created"]


class TestServiceRules:
    """The services keep their rules whoever calls them, not only from admin."""

    def test_only_a_superuser_changes_access(self):
        user = UserFactory()
        with pytest.raises(PermissionDenied):
            services.user_access_change(
                actor=verified_staff(), user=user, is_staff=True, is_superuser=False
            )
        user.refresh_from_db()
        assert not user.is_staff

    def test_staff_without_mfa_manage_no_expert(self):
        profile = expert().expert_profile
        with pytest.raises(PermissionDenied):
            services.expert_profile_certify(actor=StaffFactory(), profile=profile)
        with pytest.raises(PermissionDenied):
            services.expert_profile_update(actor=StaffFactory(), profile=profile, region="us")

    def test_owners_but_not_members_change_their_organization(self):
        owner = customer()
        organization = owner.memberships.get().organization
        member = customer(organization=organization, role=Membership.Role.MEMBER)
        with pytest.raises(PermissionDenied):
            services.organization_update(actor=member, organization=organization, name="X")
        services.organization_update(actor=owner, organization=organization, name="Acme")
        organization.refresh_from_db()
        assert organization.name == "Acme"

    def test_only_a_superuser_deactivates_staff(self):
        colleague = StaffFactory()
        with pytest.raises(PermissionDenied):
            services.user_deactivate(actor=verified_staff(), user=colleague)
        colleague.refresh_from_db()
        assert colleague.is_active
