"""R-MATCH on PostgreSQL: two owners choosing two offers of one posting at once make one
assignment; the second choice waits for the posting's lock and is refused. An expert
withdrawing while the owner chooses the same offer: one of them wins, never both."""

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Membership
from onboarding.models import Offer, Posting
from onboarding.services import offer_choose, offer_withdraw
from projects.models import Assignment
from softwaresupp.models import OutboxMessage
from tests.factories.accounts import customer
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
