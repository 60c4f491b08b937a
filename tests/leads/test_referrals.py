"""Referral partners (R-COMMISSION): a partner's link attributes a visitor for 90 days (the
first link followed wins); a customer signing up through it is the partner's; nobody
refers themselves; the partner page shows referred customers' names and nothing more."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Membership, Organization, User
from leads.models import Attribution, ReferralPartner
from leads.services import attribution_from_referral, partner_join
from leads.services.referrals import REFERRAL_COOKIE
from softwaresupp.models import OutboxMessage
from tests.factories.accounts import OrganizationFactory, UserFactory, customer, expert

pytestmark = pytest.mark.django_db

VISIT = datetime(2026, 1, 5, 12, tzinfo=UTC)
PASSWORD = "x-Pass-12345!"


def _visit(client, partner):
    return client.get(reverse("leads:referral_visit", args=[partner.code]))


def _signup(client, email, company="NewCo"):
    response = client.post(
        reverse("account_signup"),
        {
            "first_name": "New",
            "last_name": "Customer",
            "company": company,
            "time_zone": "UTC",
            "email": email,
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Organization.objects.get(name=company)


def _partner(email="partner@example.com"):
    return partner_join(user=UserFactory(email=email))


def test_joining_gives_one_link_for_good():
    user = UserFactory()
    partner = partner_join(user=user)
    assert len(partner.code) >= 12
    assert partner_join(user=user) == partner
    assert ReferralPartner.objects.count() == 1


def test_a_sign_up_through_the_link_is_the_partners_customer(client):
    partner = _partner()
    response = _visit(client, partner)
    assert response.status_code == 302 and response["Location"] == reverse("account_signup")
    assert REFERRAL_COOKIE in response.cookies
    organization = _signup(client, "new@newco.example")
    assert Attribution.objects.get(organization=organization).partner == partner


@pytest.mark.parametrize(("days", "attributed"), [(89, True), (90, True), (91, False)])
def test_the_link_attributes_for_90_days(client, days, attributed):
    partner = _partner()
    with time_machine.travel(VISIT, tick=False):
        _visit(client, partner)
    with time_machine.travel(VISIT + timedelta(days=days), tick=False):
        organization = _signup(client, "new@newco.example")
    assert Attribution.objects.filter(organization=organization).exists() is attributed


def test_the_first_link_followed_wins(client):
    first, second = _partner("first@example.com"), _partner("second@example.com")
    with time_machine.travel(VISIT, tick=False):
        _visit(client, first)
    with time_machine.travel(VISIT + timedelta(days=10), tick=False):
        assert REFERRAL_COOKIE not in _visit(client, second).cookies
        organization = _signup(client, "new@newco.example")
    assert Attribution.objects.get(organization=organization).partner == first


def test_a_tampered_cookie_attributes_nothing(client):
    partner = _partner()
    client.cookies[REFERRAL_COOKIE] = partner.code  # unsigned
    organization = _signup(client, "new@newco.example")
    assert not Attribution.objects.filter(organization=organization).exists()


def test_a_partner_following_their_own_link_sets_nothing(client):
    partner = _partner()
    client.force_login(partner.user)
    assert REFERRAL_COOKIE not in _visit(client, partner).cookies


def test_self_referral_is_refused():
    partner = _partner()
    own = OrganizationFactory()
    Membership.objects.create(user=partner.user, organization=own, role=Membership.Role.OWNER)
    assert attribution_from_referral(partner=partner, organization=own, user=partner.user) is None
    colleague = customer(own, Membership.Role.MEMBER)
    assert attribution_from_referral(partner=partner, organization=own, user=colleague) is None
    assert not Attribution.objects.exists()


def test_an_organization_keeps_its_first_attribution():
    first, second = _partner("first@example.com"), _partner("second@example.com")
    organization = OrganizationFactory()
    owner = customer(organization)
    assert attribution_from_referral(partner=first, organization=organization, user=owner)
    assert attribution_from_referral(partner=second, organization=organization, user=owner) is None
    assert Attribution.objects.get(organization=organization).partner == first


def test_an_outside_referrer_signs_up_and_verifies_their_address(client):
    response = client.post(
        reverse("leads:partner_signup"),
        {
            "first_name": "Rita",
            "last_name": "Referrer",
            "email": "rita@agency.example",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="rita@agency.example")
    assert ReferralPartner.objects.filter(user=user).exists()
    assert not user.memberships.exists()
    assert not EmailAddress.objects.get(user=user).verified
    assert OutboxMessage.objects.filter(to="rita@agency.example").exists()


def test_the_partner_sign_up_keeps_what_was_typed_on_a_bad_password(client):
    response = client.post(
        reverse("leads:partner_signup"),
        {
            "first_name": "Rita",
            "last_name": "Referrer",
            "email": "rita@agency.example",
            "password1": "short",
            "password2": "short",
        },
    )
    assert response.status_code == 200
    assert "rita@agency.example" in response.content.decode()
    assert not User.objects.filter(email="rita@agency.example").exists()


def test_the_partner_page_shows_referred_customers_names_only(client):
    partner = _partner()
    organization = OrganizationFactory(name="Referred Co", billing_email="bills@referred.example")
    owner = customer(organization, email="owner@referred.example")
    attribution_from_referral(partner=partner, organization=organization, user=owner)
    client.force_login(partner.user)
    page = client.get(reverse("leads:partner")).content.decode()
    assert "Referred Co" in page
    assert partner.code in page
    for private in ("owner@referred.example", "bills@referred.example", owner.last_name):
        assert private not in page
    main = page.split("<main", 1)[1]
    assert "/projects/" not in main and "/billing/" not in main


def test_a_referrer_never_sees_a_referred_customers_board(client):
    from tests.factories.projects import ProjectFactory

    partner = _partner()
    organization = OrganizationFactory()
    owner = customer(organization)
    attribution_from_referral(partner=partner, organization=organization, user=owner)
    project = ProjectFactory(organization=organization)
    client.force_login(partner.user)
    assert client.get(reverse("projects:board", args=[project.pk])).status_code == 404


def test_anyone_signed_in_can_become_a_partner(client):
    user = expert()
    client.force_login(user)
    assert "become-partner" in client.get(reverse("leads:partner")).content.decode()
    client.post(reverse("leads:partner_join"))
    assert ReferralPartner.objects.filter(user=user).exists()


def test_the_partner_page_reads_the_same_queries_for_few_and_many_customers(
    client, django_assert_num_queries
):
    partner = _partner()

    def refer(n):
        organization = OrganizationFactory(name=f"Referred {n}")
        attribution_from_referral(
            partner=partner, organization=organization, user=customer(organization)
        )

    refer(0)
    client.force_login(partner.user)
    url = reverse("leads:partner")
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for n in range(1, 9):
        refer(n)
    with django_assert_num_queries(len(small)):
        assert client.get(url).status_code == 200
