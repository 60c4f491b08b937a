import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import ExpertProfile, Invitation, Membership, Organization, User
from accounts.services import expert_profile_create, invitation_create, membership_remove
from tests.factories.accounts import (
    PASSWORD,
    ExpertProfileFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
    customer,
)

pytestmark = pytest.mark.django_db


class TestMailbox:
    """R-MAILBOX: first.last@<EXPERT_MAILBOX_DOMAIN>, unique even when names repeat."""

    def test_assigned_on_creation_from_the_name(self):
        user = UserFactory(first_name="Zoë", last_name="Ångström-Li")
        profile = expert_profile_create(
            actor=None, user=user, region="eu", country="Sweden", hourly_rate="50"
        )
        assert profile.mailbox == "zoe.angstromli@expert.softwaresupp.com"

    def test_repeated_names_get_distinct_addresses(self):
        mailboxes = [
            ExpertProfileFactory(user__first_name="Eva", user__last_name="Kowalska").mailbox
            for _ in range(3)
        ]
        assert mailboxes == [
            "eva.kowalska@expert.softwaresupp.com",
            "eva.kowalska2@expert.softwaresupp.com",
            "eva.kowalska3@expert.softwaresupp.com",
        ]

    def test_domain_is_configurable(self, settings):
        settings.EXPERT_MAILBOX_DOMAIN = "mail.example.org"
        profile = ExpertProfileFactory(user__first_name="Raj", user__last_name="Patel")
        assert profile.mailbox == "raj.patel@mail.example.org"

    def test_kept_when_the_profile_is_saved_again(self):
        profile = ExpertProfileFactory(user__first_name="Mike", user__last_name="Johnson")
        profile.user.first_name = "Michael"
        profile.country = "Canada"
        profile.save()
        assert (
            ExpertProfile.objects.get(pk=profile.pk).mailbox
            == "mike.johnson@expert.softwaresupp.com"
        )


class TestCustomerSignup:
    def _signup(self, client, **overrides):
        data = {
            "first_name": "Nina",
            "last_name": "Kowal",
            "company": "Nina's Bakery",
            "time_zone": "Europe/Warsaw",
            "email": "nina@bakery.example",
            "password1": PASSWORD,
            "password2": PASSWORD,
            **overrides,
        }
        return client.post(reverse("account_signup"), data)

    def test_creates_the_company_with_the_customer_as_owner_and_asks_to_verify(
        self, client, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = self._signup(client)
        assert response.status_code == 302
        user = User.objects.get(email="nina@bakery.example")
        membership = Membership.objects.get(user=user)
        assert membership.organization.name == "Nina's Bakery"
        assert membership.role == Membership.Role.OWNER
        assert membership.organization.time_zone == "Europe/Warsaw"
        assert len(mail.outbox) == 1 and "nina@bakery.example" in mail.outbox[0].to
        # Mandatory verification: no session until the address is confirmed.
        assert "_auth_user_id" not in client.session

    def test_missing_company_is_refused_beside_the_field(self, client):
        response = self._signup(client, company="")
        assert response.status_code == 200
        assert response.context["form"].errors["company"]
        assert not User.objects.filter(email="nina@bakery.example").exists()
        assert not Organization.objects.exists()


class TestInvitations:
    def test_owner_invites_and_the_invitee_sets_a_password(
        self, client, django_capture_on_commit_callbacks
    ):
        organization = OrganizationFactory()
        owner = customer(organization)
        client.force_login(owner)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                organization.get_absolute_url(), {"email": "New@Example.com", "role": "member"}
            )
        assert response.status_code == 302
        invitation = Invitation.objects.get(organization=organization)
        assert invitation.email == "new@example.com"
        link = reverse("accounts:invitation_accept", kwargs={"token": invitation.token})
        assert link in mail.outbox[0].body and mail.outbox[0].alternatives

        client.logout()
        response = client.post(
            link,
            {
                "first_name": "Neo",
                "last_name": "Anders",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )
        assert response.status_code == 302
        user = User.objects.get(email="new@example.com")
        assert user.check_password(PASSWORD)
        assert Membership.objects.get(user=user, organization=organization).role == "member"
        assert client.session["_auth_user_id"] == str(user.pk)
        assert user.emailaddress_set.get().verified
        # The link works once.
        client.logout()
        assert client.get(link).status_code == 410

    def test_mismatched_passwords_keep_the_form_and_change_nothing(self, client):
        organization = OrganizationFactory()
        invitation = invitation_create(
            actor=customer(organization),
            organization=organization,
            email="x@example.com",
            role="member",
        )
        link = reverse("accounts:invitation_accept", kwargs={"token": invitation.token})
        response = client.post(
            link, {"first_name": "X", "last_name": "Y", "password1": PASSWORD, "password2": "nope"}
        )
        assert response.status_code == 200
        assert response.context["form"].errors["password2"]
        assert 'value="X"' in response.content.decode()
        assert not User.objects.filter(email="x@example.com").exists()

    def test_a_member_cannot_invite(self, client):
        organization = OrganizationFactory()
        member = customer(organization, role=Membership.Role.MEMBER)
        client.force_login(member)
        response = client.post(
            organization.get_absolute_url(), {"email": "a@example.com", "role": "member"}
        )
        assert response.status_code == 403
        assert not Invitation.objects.exists()

    def test_inviting_a_member_again_is_refused_beside_the_field(self, client):
        organization = OrganizationFactory()
        owner = customer(organization)
        client.force_login(owner)
        response = client.post(
            organization.get_absolute_url(), {"email": owner.email, "role": "member"}
        )
        assert response.status_code == 200
        assert "already a member" in str(response.context["form"].errors["email"])
        assert not Invitation.objects.exists()

    def test_bad_email_is_refused_beside_the_field(self, client):
        organization = OrganizationFactory()
        client.force_login(customer(organization))
        response = client.post(
            organization.get_absolute_url(), {"email": "not-an-email", "role": "member"}
        )
        assert response.context["form"].errors["email"]
        assert not Invitation.objects.exists()

    def test_revoked_invitation_link_is_refused(self, client):
        organization = OrganizationFactory()
        owner = customer(organization)
        invitation = invitation_create(
            actor=owner, organization=organization, email="r@example.com", role="member"
        )
        client.force_login(owner)
        client.post(reverse("accounts:invitation_revoke", args=[organization.slug, invitation.pk]))
        client.logout()
        link = reverse("accounts:invitation_accept", kwargs={"token": invitation.token})
        assert client.get(link).status_code == 410
        assert (
            client.get(reverse("accounts:invitation_accept", kwargs={"token": "nope"})).status_code
            == 404
        )


def test_the_last_owner_cannot_be_removed():
    organization = OrganizationFactory()
    owner = customer(organization)
    membership = Membership.objects.get(user=owner)
    with pytest.raises(ValidationError):
        membership_remove(actor=owner, membership=membership)
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_an_owner_removes_a_member(client):
    organization = OrganizationFactory()
    owner = customer(organization)
    member = MembershipFactory(organization=organization, role=Membership.Role.MEMBER)
    client.force_login(owner)
    response = client.post(
        reverse("accounts:membership_remove", args=[organization.slug, member.pk])
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=member.pk).exists()


def test_profile_rejects_an_unknown_time_zone(client):
    user = customer()
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"), {"first_name": "A", "last_name": "B", "time_zone": "Mars/Base"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["time_zone"]
    user.refresh_from_db()
    assert user.time_zone == "UTC"
