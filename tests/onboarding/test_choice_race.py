"""R-MATCH on PostgreSQL: two owners choosing two offers of one posting at once make one
assignment; the second choice waits for the posting's lock and is refused. An expert
withdrawing while the owner chooses the same offer: one of them wins, never both. Closing
while choosing, or closing twice at once: one wins, the experts are told once."""

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Membership
from onboarding.models import Offer, Posting
from onboarding.services import offer_choose, offer_withdraw, posting_close
from projects.models import Assignment
from softwaresupp.models import OutboxMessage
from tests.factories.accounts import customer, verified_staff
from tests.onboarding.helpers import market, send_offer
from tests.races import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_choices_at_once_make_one_assignment():
    m = market()
    second_owner = customer(m["organization"], Membership.Role.OWNER, email="co@example.com")
    ana = send_offer(m["ana"], m["posting"])
    ben = send_offer(m["ben"], m["posting"])
    outcomes = race(
        lambda: offer_choose(actor=m["owner"], offer=ana),
        lambda: offer_choose(actor=second_owner, offer=ben),
    )
    assert sum(isinstance(o, ValidationError) for o in outcomes) == 1
    assert Assignment.objects.count() == 1
    assert Posting.objects.get().status == Posting.Status.CHOSEN
    assert Offer.objects.filter(status=Offer.Status.CHOSEN).count() == 1
    assert OutboxMessage.objects.filter(template="welcome_expert").count() == 1


def test_a_withdrawal_and_the_choice_of_the_same_offer_do_not_both_pass():
    m = market()
    ana = send_offer(m["ana"], m["posting"])
    outcomes = race(
        lambda: offer_choose(actor=m["owner"], offer=ana),
        lambda: offer_withdraw(actor=m["ana"], offer=ana),
    )
    assert sum(isinstance(o, ValidationError) for o in outcomes) == 1
    status = Offer.objects.get().status
    assert (status == Offer.Status.CHOSEN) == Assignment.objects.exists()


def test_closing_while_the_owner_chooses_lets_one_of_them_pass():
    m = market()
    ana = send_offer(m["ana"], m["posting"])
    send_offer(m["ben"], m["posting"])
    outcomes = race(
        lambda: offer_choose(actor=m["owner"], offer=ana),
        lambda: posting_close(actor=verified_staff(), posting=m["posting"]),
    )
    assert sum(isinstance(o, ValidationError) for o in outcomes) == 1
    told = sorted(
        OutboxMessage.objects.filter(
            template__in=["posting_declined", "posting_closed"]
        ).values_list("template", "to")
    )
    if Posting.objects.get().status == Posting.Status.CHOSEN:
        assert Assignment.objects.exists()
        assert told == [("posting_declined", "ben@example.com")]
    else:
        assert not Assignment.objects.exists()
        assert told == [
            ("posting_closed", "ana@example.com"),
            ("posting_closed", "ben@example.com"),
        ]


def test_two_closes_at_once_tell_each_expert_once():
    m = market()
    send_offer(m["ana"], m["posting"])
    outcomes = race(
        lambda: posting_close(actor=m["owner"], posting=m["posting"]),
        lambda: posting_close(actor=verified_staff(), posting=m["posting"]),
    )
    assert sum(isinstance(o, ValidationError) for o in outcomes) == 1
    assert OutboxMessage.objects.filter(template="posting_closed").count() == 1
