"""After any sequence of payout requests and decisions the ledger adds up (Hypothesis)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from payments.management.commands.ledger_check import balance_mismatches
from payments.models import PayoutRequest, PayoutState
from payments.services import payouts as services
from tests.factories.accounts import StaffFactory, expert
from tests.payments.payout_helpers import balances, fund

DECISIONS = {
    "approve": services.payout_approve,
    "pay": services.payout_mark_paid,
    "reject": services.payout_reject,
    "fail": services.payout_mark_failed,
}
cents = st.integers(min_value=1, max_value=6000).map(lambda n: Decimal(n) / 100)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("request"), cents),
        st.tuples(st.sampled_from(sorted(DECISIONS)), st.integers(min_value=0, max_value=20)),
    ),
    max_size=25,
)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=steps)
def test_random_payouts_keep_the_ledger_consistent_and_never_negative(steps):
    with transaction.atomic():
        person, staff = expert(), StaffFactory()
        fund(person, "100.00")
        payouts: list[PayoutRequest] = []
        for action, value in steps:
            try:
                if action == "request":
                    payouts.append(
                        services.payout_request(expert=person, amount=value, bank_details="1234")
                    )
                elif payouts:
                    DECISIONS[action](actor=staff, payout=payouts[value % len(payouts)])
            except (ValidationError, PermissionDenied):
                pass

        available, pending = balances(person)
        rows = PayoutRequest.objects.filter(expert=person)
        open_sum = sum((p.amount for p in rows if p.is_open), Decimal(0))
        paid_sum = sum((p.amount for p in rows if p.state == PayoutState.PAID), Decimal(0))
        assert available >= 0 and pending == open_sum
        assert available + pending + paid_sum == Decimal("100.00")
        assert list(balance_mismatches()) == []
        call_command("ledger_check")
        transaction.set_rollback(True)
