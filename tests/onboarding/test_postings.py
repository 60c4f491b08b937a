"""R-MATCH, R-WELCOME: who sees a posting, what an offer may be, and the customer's choice."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from onboarding.models import Offer, Posting
from onboarding.selectors import offers_for, posting_list
from onboarding.services import (
    offer_choose,
    offer_shortlist_set,
    offer_suggest_set,
    offer_withdraw,
    postings_announce,
)
from payments.models import AssignmentRate
from projects.models import Assignment
from softwaresupp.models import OutboxMessage
from tests.factories.accounts import ExpertProfileFactory, customer, verified_staff
from tests.onboarding.helpers import market, send_offer

pytestmark = pytest.mark.django_db


def _visible(user):
    return set(posting_list(user=user).values_list("pk", flat=True))


def test_a_posting_is_seen_by_onboarded_matching_experts_staff_and_its_customer_only():
    m = market()
    pk = m["posting"].pk
    assert pk in _visible(m["ana"]) and pk in _visible(m["ben"])
    assert pk in _visible(m["owner"]) and pk in _visible(m["member"])
    assert pk in _visible(verified_staff())
    assert pk not in _visible(m["frontend"])  # no matching skill
    assert pk not in _visible(m["newcomer"])  # matching, not onboarded (rules)
    uncertified = ExpertProfileFactory(skills=[m["django"]], certified_at=None).user
    assert pk not in _visible(uncertified)
    assert pk not in _visible(customer())  # another tenant
    assert not Posting.objects.visible_to(AnonymousUser()).exists()


def test_an_invisible_posting_answers_404(client):
    m = market()
    client.force_login(m["frontend"])
    assert client.get(m["posting"].get_absolute_url()).status_code == 404
    client.force_login(m["ana"])
    assert client.get(m["posting"].get_absolute_url()).status_code == 200


def test_matching_experts_are_emailed_once_however_often_the_job_runs():
    market()
    assert postings_announce() == 1
    assert postings_announce() == 0
    sent = OutboxMessage.objects.filter(template="posting_open")
    assert sorted(sent.values_list("to", flat=True)) == ["ana@example.com", "ben@example.com"]


def test_an_offer_below_the_region_minimum_or_the_experts_rate_is_refused():
    m = market()
    with pytest.raises(ValidationError, match=r"minimum for experts in EU is \$50.00/h"):
        send_offer(m["ana"], m["posting"], hourly_rate=Decimal("49.99"))
    us = ExpertProfileFactory(region="us", skills=[m["django"]], hourly_rate="60.00").user
    with pytest.raises(ValidationError, match=r"\$100.00/h"):
        send_offer(us, m["posting"], hourly_rate=Decimal("99.00"))
    pricey = ExpertProfileFactory(skills=[m["django"]], hourly_rate="70.00").user
    with pytest.raises(ValidationError, match="below your own rate"):
        send_offer(pricey, m["posting"], hourly_rate=Decimal("65.00"))
    assert not Offer.objects.exists()
    assert send_offer(m["ana"], m["posting"], hourly_rate=Decimal("50.00")).pk


def test_an_expert_who_has_not_finished_onboarding_cannot_offer():
    m = market()
    with pytest.raises(ValidationError, match="acceptance of the network's rules"):
        send_offer(m["newcomer"], m["posting"])


def test_one_offer_per_expert_edited_and_withdrawn_until_the_choice():
    m = market()
    first = send_offer(m["ana"], m["posting"])
    again = send_offer(m["ana"], m["posting"], hourly_rate=Decimal("90.00"))
    assert again.pk == first.pk and Offer.objects.count() == 1
    assert Offer.objects.get().hourly_rate == Decimal("90.00")
    offer_withdraw(actor=m["ana"], offer=again)
    assert Offer.objects.get().status == Offer.Status.WITHDRAWN
    assert not offers_for(user=m["owner"], posting=m["posting"]).exists()
    ben = send_offer(m["ben"], m["posting"])
    offer_choose(actor=m["owner"], offer=ben)
    with pytest.raises(ValidationError, match="already chosen an expert"):
        send_offer(m["ana"], m["posting"])


def test_experts_never_see_each_others_offers(client):
    m = market()
    send_offer(m["ana"], m["posting"], message="Ana's secret plan")
    send_offer(m["ben"], m["posting"], message="Ben's plan")
    assert list(
        offers_for(user=m["ben"], posting=m["posting"]).values_list("expert", flat=True)
    ) == [m["ben"].pk]
    client.force_login(m["ben"])
    page = client.get(m["posting"].get_absolute_url()).content.decode()
    assert "Ben&#x27;s plan" in page and "Ana" not in page.replace("Ana&#x27;", "")
    ana_offer = Offer.objects.get(expert=m["ana"])
    assert client.post(reverse("onboarding:offer_withdraw", args=[ana_offer.pk])).status_code == 404


def test_only_an_owner_of_the_customer_chooses_staff_only_suggest():
    m = market()
    offer = send_offer(m["ana"], m["posting"])
    staff = verified_staff()
    offer_suggest_set(actor=staff, offer=offer, suggested=True)
    assert Offer.objects.get().suggested_by == staff
    offer_shortlist_set(actor=m["member"], offer=offer, shortlisted=True)
    for outsider in (staff, m["member"], m["ana"], customer()):
        with pytest.raises(PermissionDenied):
            offer_choose(actor=outsider, offer=offer)
    with pytest.raises(PermissionDenied):
        offer_suggest_set(actor=m["owner"], offer=offer, suggested=False)
    assert not Assignment.objects.exists()


def test_choosing_assigns_at_the_offer_rate_declines_the_others_and_welcomes_both_once(
    django_capture_on_commit_callbacks,
):
    m = market()
    chosen = send_offer(m["ana"], m["posting"], hourly_rate=Decimal("85.00"))
    other = send_offer(m["ben"], m["posting"])
    offer_choose(actor=m["owner"], offer=chosen)
    assignment = Assignment.objects.get()
    assert assignment.expert == m["ana"] and assignment.project == m["posting"].project
    assert AssignmentRate.objects.get(assignment=assignment).customer_rate == Decimal("85.00")
    assert Posting.objects.get().status == Posting.Status.CHOSEN
    assert Offer.objects.get(pk=other.pk).status == Offer.Status.DECLINED
    declined = OutboxMessage.objects.filter(template="posting_declined")
    assert list(declined.values_list("to", flat=True)) == ["ben@example.com"]
    welcome_customer = OutboxMessage.objects.get(template="welcome_customer")
    assert welcome_customer.to == "owner@example.com"
    mailbox = m["ana"].expert_profile.mailbox
    assert mailbox in welcome_customer.text and "1 hour" in welcome_customer.text
    assert "sprints" in welcome_customer.text and "0-10" in welcome_customer.text
    welcome_expert = OutboxMessage.objects.get(template="welcome_expert")
    assert welcome_expert.to == "ana@example.com"
    assert "outside the network" in welcome_expert.text and "Stakeholders" in welcome_expert.text
    with pytest.raises(ValidationError, match="already chosen an expert"):
        offer_choose(actor=m["owner"], offer=other)
    assert OutboxMessage.objects.filter(template__startswith="welcome_").count() == 2


def test_a_refused_rate_at_the_choice_leaves_nothing_behind(settings):
    m = market()
    offer = send_offer(m["ana"], m["posting"], hourly_rate=Decimal("50.00"))
    settings.RATE_MINIMUMS = {**settings.RATE_MINIMUMS, "eu": "60.00"}
    with pytest.raises(ValidationError):
        offer_choose(actor=m["owner"], offer=offer)
    assert not Assignment.objects.exists()
    assert Posting.objects.get().status == Posting.Status.OPEN


def test_the_customer_compares_offers_and_chooses_on_the_page(client):
    m = market()
    send_offer(m["ana"], m["posting"])
    ben = send_offer(m["ben"], m["posting"], hourly_rate=Decimal("95.00"))
    client.force_login(m["owner"])
    page = client.get(m["posting"].get_absolute_url()).content.decode()
    assert "$80.00/h" in page and "$95.00/h" in page
    response = client.post(reverse("onboarding:offer_choose", args=[ben.pk]))
    assert response.status_code == 302
    assert Assignment.objects.get().expert == m["ben"]


def test_a_member_who_is_not_owner_is_refused_the_choice(client):
    m = market()
    offer = send_offer(m["ana"], m["posting"])
    client.force_login(m["member"])
    assert client.post(reverse("onboarding:offer_choose", args=[offer.pk])).status_code == 403
    assert not Assignment.objects.exists()
