"""R-MATCH: the customer closes a posting without choosing: the waiting offers are declined,
each expert told once, and the posting takes nothing more."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.staff_group import STAFF_GROUP
from onboarding.models import Offer, Posting
from onboarding.selectors import posting_list
from onboarding.services import (
    offer_choose,
    offer_shortlist_set,
    offer_withdraw,
    posting_close,
)
from projects.models import Assignment
from softwaresupp.models import Event, OutboxMessage
from tests.factories.accounts import (
    ExpertProfileFactory,
    StaffFactory,
    customer,
    login_verified_staff,
    verified_staff,
)
from tests.onboarding.helpers import market, send_offer

pytestmark = pytest.mark.django_db

CLOSED_TEXT = "closed without a choice"


def _offers(m):
    """Ana and Ben wait for the choice; Carl withdrew his offer."""
    carl = ExpertProfileFactory(user__email="carl@example.com", skills=[m["django"]]).user
    withdrawn = send_offer(carl, m["posting"])
    offer_withdraw(actor=carl, offer=withdrawn)
    return {
        "ana": send_offer(m["ana"], m["posting"]),
        "ben": send_offer(m["ben"], m["posting"], hourly_rate=Decimal("90.00")),
        "carl": withdrawn,
    }


def _closed_emails():
    return sorted(
        OutboxMessage.objects.filter(template="posting_closed").values_list("to", flat=True)
    )


def test_closing_declines_the_waiting_offers_and_tells_each_expert_once():
    m = market()
    offers = _offers(m)
    posting = posting_close(actor=m["owner"], posting=m["posting"], reason="  Budget cut  ")
    assert posting.status == Posting.Status.CLOSED and posting.closed_at is not None
    assert posting.close_reason == "Budget cut"
    statuses = dict(Offer.objects.values_list("pk", "status"))
    assert statuses == {
        offers["ana"].pk: Offer.Status.DECLINED,
        offers["ben"].pk: Offer.Status.DECLINED,
        offers["carl"].pk: Offer.Status.WITHDRAWN,  # not waiting: left as it was
    }
    assert _closed_emails() == ["ana@example.com", "ben@example.com"]
    message = OutboxMessage.objects.filter(template="posting_closed").first()
    # The reason is the customer's: the expert is told the posting closed, not why.
    assert "without choosing" in message.text and "Budget cut" not in message.text
    event = Event.objects.get(verb="closed without a choice", target_id=posting.pk)
    assert event.actor == m["owner"] and "2 offer(s) declined" in event.note
    # Nobody was assigned.
    assert not Assignment.objects.filter(project=posting.project).exists()


def test_a_second_close_changes_nothing():
    m = market()
    _offers(m)
    first = posting_close(actor=m["owner"], posting=m["posting"], reason="First")
    with pytest.raises(ValidationError, match="closed already"):
        posting_close(actor=verified_staff(), posting=m["posting"], reason="Second")
    posting = Posting.objects.get()
    assert (posting.closed_at, posting.close_reason) == (first.closed_at, "First")
    assert _closed_emails() == ["ana@example.com", "ben@example.com"]
    assert Event.objects.filter(verb="closed without a choice").count() == 1


def test_a_chosen_posting_cannot_be_closed():
    m = market()
    offers = _offers(m)
    offer_choose(actor=m["owner"], offer=offers["ana"])
    with pytest.raises(ValidationError, match="already chosen an expert"):
        posting_close(actor=m["owner"], posting=m["posting"])
    assert Posting.objects.get().status == Posting.Status.CHOSEN
    assert not OutboxMessage.objects.filter(template="posting_closed").exists()


def test_a_closed_posting_refuses_offers_edits_withdrawals_and_choices():
    m = market()
    offers = _offers(m)
    posting_close(actor=m["owner"], posting=m["posting"])
    newcomer = ExpertProfileFactory(skills=[m["django"]]).user
    with pytest.raises(ValidationError, match=CLOSED_TEXT):
        send_offer(newcomer, m["posting"])  # a new offer
    with pytest.raises(ValidationError, match=CLOSED_TEXT):
        send_offer(m["ana"], m["posting"], hourly_rate=Decimal("99.00"))  # an edit
    with pytest.raises(ValidationError, match=CLOSED_TEXT):
        send_offer(offers["carl"].expert, m["posting"])  # a withdrawn one, again
    with pytest.raises(ValidationError, match=CLOSED_TEXT):
        offer_withdraw(actor=m["ana"], offer=offers["ana"])
    with pytest.raises(ValidationError, match=CLOSED_TEXT):
        offer_choose(actor=m["owner"], offer=offers["ben"])
    with pytest.raises(ValidationError, match="still waiting"):
        offer_shortlist_set(actor=m["owner"], offer=offers["ben"], shortlisted=True)
    assert Offer.objects.count() == 3
    assert set(Offer.objects.values_list("status", flat=True)) == {"declined", "withdrawn"}
    assert not Assignment.objects.exists()


def test_only_an_owner_or_staff_closes():
    m = market()
    _offers(m)
    for who in (m["member"], m["ana"], customer()):
        with pytest.raises(PermissionDenied):
            posting_close(actor=who, posting=m["posting"])
    assert Posting.objects.get().is_open
    posting_close(actor=verified_staff(), posting=m["posting"])
    assert Posting.objects.get().status == Posting.Status.CLOSED


def test_closed_postings_leave_the_matching_lists_but_stay_with_who_offered():
    m = market()
    _offers(m)
    dana = ExpertProfileFactory(skills=[m["django"]]).user  # matches, never offered
    pk = m["posting"].pk
    assert pk in posting_list(user=dana).values_list("pk", flat=True)
    posting_close(actor=m["owner"], posting=m["posting"])
    assert pk not in posting_list(user=dana).values_list("pk", flat=True)
    for who in (m["ana"], m["ben"], m["owner"], m["member"]):
        assert pk in posting_list(user=who).values_list("pk", flat=True)


# --- the page --------------------------------------------------------------------------


def test_the_owner_closes_from_the_posting_page(client):
    m = market()
    _offers(m)
    client.force_login(m["owner"])
    url = m["posting"].get_absolute_url()
    page = client.get(url).content.decode()
    close = reverse("onboarding:posting_close", args=[m["posting"].pk])
    assert f'action="{close}"' in page and "data-confirm=" in page
    assert client.get(close).status_code == 405
    response = client.post(close, {"reason": "We hired in-house"}, follow=True)
    html = response.content.decode()
    assert "Closed without a choice" in html and "We hired in-house" in html
    assert 'data-testid="close-posting"' not in html
    assert Posting.objects.get().status == Posting.Status.CLOSED
    # The expert who offered sees it closed, without the customer's reason.
    client.force_login(m["ana"])
    html = client.get(url).content.decode()
    assert 'data-testid="closed"' in html and "We hired in-house" not in html
    assert 'action="' + reverse("onboarding:offer_send", args=[m["posting"].pk]) not in html
    # A second post says so and changes nothing.
    client.force_login(m["owner"])
    again = client.post(close, {"reason": "Again"}, follow=True)
    assert "closed already" in again.content.decode()
    assert Posting.objects.get().close_reason == "We hired in-house"


def test_a_too_long_reason_is_answered_beside_the_field(client):
    m = market()
    _offers(m)
    client.force_login(m["owner"])
    close = reverse("onboarding:posting_close", args=[m["posting"].pk])
    response = client.post(close, {"reason": "x" * 2001})
    assert response.status_code == 200
    assert "at most 2000 characters" in response.content.decode()
    assert Posting.objects.get().is_open and not _closed_emails()


def test_members_get_403_and_everyone_else_404(client):
    m = market()
    _offers(m)
    close = reverse("onboarding:posting_close", args=[m["posting"].pk])
    client.force_login(m["member"])
    page = client.get(m["posting"].get_absolute_url()).content.decode()
    assert 'data-testid="close-posting"' not in page
    assert client.post(close, {"reason": ""}).status_code == 403
    for outsider in (m["ana"], m["frontend"], customer()):
        client.force_login(outsider)
        assert client.post(close, {"reason": ""}).status_code == 404
    assert Posting.objects.get().is_open and not _closed_emails()


def test_staff_close_through_the_admin_action(client):
    m = market()
    _offers(m)
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name=STAFF_GROUP))
    login_verified_staff(client, staff)
    changelist = reverse("admin:onboarding_posting_changelist")
    selected = {"action": "close", "_selected_action": [m["posting"].pk]}
    asked = client.post(changelist, selected)
    assert asked.status_code == 200 and Posting.objects.get().is_open  # the reason page
    done = client.post(changelist, {**selected, "apply": "1", "reason": "Duplicate"}, follow=True)
    assert "Closed without a choice: 1." in done.content.decode()
    posting = Posting.objects.get()
    assert posting.status == Posting.Status.CLOSED and posting.close_reason == "Duplicate"
    assert _closed_emails() == ["ana@example.com", "ben@example.com"]
    again = client.post(changelist, {**selected, "apply": "1", "reason": ""}, follow=True)
    assert "closed already" in again.content.decode()
    assert _closed_emails() == ["ana@example.com", "ben@example.com"]
