"""Settlements and payouts together (Hypothesis): random hours at random rates over several
periods, settled in any order, sometimes twice or late, with payout requests, approvals,
payments, rejections and failures in between. After every step the ledger adds up
(``ledger_check``), no expert balance is negative, and each expert's available + pending +
paid out equals the sum of their settled lines.

It runs on SQLite and PostgreSQL with the ordinary ``db`` fixture (each example inside a
transaction that is rolled back): on SQLite a ``transaction=True`` test cannot flush the
append-only ledger tables (their triggers refuse the DELETE), and on PostgreSQL the
commit-time balanced-transaction trigger is covered by ``ledger_check`` after each step and
by the race tests, which commit."""

from contextlib import suppress
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Sum
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from payments.models import (
    Account,
    ExpertRate,
    PayoutRequest,
    PayoutState,
    Settlement,
    SettlementLine,
)
from payments.models.ledger import EXPERT_KINDS
from payments.selectors.ledger import balance_mismatches, unbalanced_transactions
from payments.services import payouts as services
from payments.services.settlement import period_settle
from softwaresupp.money import money
from tests.factories.accounts import StaffFactory, expert
from tests.factories.projects import TaskFactory
from tests.factories.timesheets import TimeEntryFactory
from tests.payments.payout_helpers import balances

# The anchor is Monday 5 Jan 2026: four periods, all ended by Wednesday 11 March.
PERIODS = [date(2026, 1, 5) + timedelta(days=14 * n) for n in range(4)]
NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
EXPERTS = 3
DECISIONS = {
    "approve": services.payout_approve,
    "pay": services.payout_mark_paid,
    "reject": services.payout_reject,
    "fail": services.payout_mark_failed,
}

quarters = st.integers(1, 32).map(lambda q: Decimal(q) / 4)
rates = st.integers(min_value=1000, max_value=15000).map(lambda n: Decimal(n) / 100)
who = st.integers(min_value=0, max_value=EXPERTS - 1)
steps = st.lists(
    st.one_of(
        # Hours of an expert on a day of a period (refused once that period is settled).
        st.tuples(
            st.just("log"),
            who,
            st.integers(0, len(PERIODS) - 1),
            st.integers(0, 13),
            quarters,
        ),
        st.tuples(st.just("settle"), st.integers(0, len(PERIODS) - 1)),
        st.tuples(st.just("request"), who, st.integers(1, 50000).map(lambda n: Decimal(n) / 100)),
        st.tuples(st.sampled_from(sorted(DECISIONS)), st.integers(0, 30)),
        # Payouts twice as often as the rest: most decisions need a request to act on.
        st.tuples(st.just("request"), who, st.integers(1, 120)),
        st.tuples(st.sampled_from(sorted(DECISIONS)), st.integers(0, 30)),
    ),
    min_size=3,
    max_size=30,
)
experts_rates = st.lists(
    # Each expert's rate since always, a change on a day of the periods, and hours on the
    # first day of each period to begin with (so settling credits something to withdraw).
    st.tuples(
        rates,
        rates,
        st.integers(0, 14 * len(PERIODS) - 1),
        st.lists(quarters, min_size=len(PERIODS), max_size=len(PERIODS)),
    ),
    min_size=EXPERTS,
    max_size=EXPERTS,
)


def _check(people) -> None:
    assert list(balance_mismatches()) == []
    assert list(unbalanced_transactions()) == []
    assert not Account.objects.filter(kind__in=EXPERT_KINDS, balance__lt=0).exists()
    for person in people:
        available, pending = balances(person)
        earned = SettlementLine.objects.filter(expert=person).aggregate(s=Sum("amount"))["s"]
        paid = PayoutRequest.objects.filter(expert=person, state=PayoutState.PAID).aggregate(
            s=Sum("amount")
        )["s"]
        open_ = sum(p.amount for p in PayoutRequest.objects.filter(expert=person) if p.is_open)
        assert available + pending + (paid or 0) == (earned or 0)
        assert pending == open_


def _step(step, people, tasks, staff, payouts) -> None:
    action = step[0]
    if action == "log":
        _, index, period, offset, hours = step
        # A savepoint: the settled-period guard (a database trigger) refuses hours in a
        # settled period.
        with suppress(DatabaseError), transaction.atomic():
            TimeEntryFactory(
                expert=people[index],
                task=tasks[index],
                day=PERIODS[period] + timedelta(days=offset),
                hours=hours,
            )
    elif action == "settle":
        period_settle(starts_on=PERIODS[step[1]])
    elif action == "request":
        _, index, percent = step
        available, _ = balances(people[index])
        amount = money(max(available, Decimal("1.00")) * percent / 100)
        payouts.append(
            services.payout_request(expert=people[index], amount=amount, bank_details="1234")
        )
    elif payouts:
        DECISIONS[action](actor=staff, payout=payouts[step[1] % len(payouts)])


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rate_plan=experts_rates, steps=steps)
def test_settlements_and_payouts_in_any_order_keep_the_ledger_whole(rate_plan, steps):
    with time_machine.travel(NOW, tick=False), transaction.atomic():
        staff = StaffFactory()
        people, tasks = [], []
        for first, second, change, hours in rate_plan:
            person = expert()
            ExpertRate.objects.create(expert=person, hourly_rate=first, effective_from=date.min)
            ExpertRate.objects.create(
                expert=person,
                hourly_rate=second,
                effective_from=PERIODS[0] + timedelta(days=change),
            )
            people.append(person)
            tasks.append(TaskFactory())
            for starts_on, worked in zip(PERIODS, hours, strict=True):
                TimeEntryFactory(expert=person, task=tasks[-1], day=starts_on, hours=worked)
        period_settle(starts_on=PERIODS[0])  # something to withdraw from the first step on
        _check(people)
        payouts: list[PayoutRequest] = []
        for step in steps:
            # A refusal (an overdraw, a step the payout's state does not allow) must leave
            # everything whole too.
            with suppress(ValidationError, PermissionDenied):
                _step(step, people, tasks, staff, payouts)
            _check(people)
        # Every period settled at the end, late and some for the second time: still whole.
        for starts_on in reversed(PERIODS):
            period_settle(starts_on=starts_on)
        _check(people)
        assert Settlement.objects.count() == len(PERIODS)
        for state in PayoutState:
            if PayoutRequest.objects.filter(state=state).exists():
                event(f"a payout {state.label.lower()}")
        event(f"{SettlementLine.objects.count() > 0 and 'lines' or 'no lines'} settled")
        transaction.set_rollback(True)
