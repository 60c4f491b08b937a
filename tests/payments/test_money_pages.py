"""The money pages (issue 9, item 6): an expert's balances (available, pending, paid), what
this period's hours are worth so far, statements; staff's reconciliation status."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from payments.models import ExpertRate, LedgerEntry, PayoutRequest, SettlementLine
from payments.selectors.statements import period_worth
from payments.services.payouts import payout_approve, payout_mark_paid, payout_request
from payments.services.settlement import period_settle
from tests.factories.accounts import StaffFactory, expert
from tests.factories.projects import TaskFactory
from tests.factories.timesheets import TimeEntryFactory
from tests.payments.payout_helpers import fund

pytestmark = pytest.mark.django_db

# Wed 11 Mar 2026: the open period is 2 – 15 Mar; 16 Feb – 1 Mar has ended.
NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
OPEN = date(2026, 3, 2)
ENDED = date(2026, 2, 16)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def paid(rate: str, since: date = date.min, person=None):
    person = person or expert()
    ExpertRate.objects.create(expert=person, hourly_rate=Decimal(rate), effective_from=since)
    return person


def log(person, *hours_by_day, task=None):
    task = task or TaskFactory()
    for day, hours in hours_by_day:
        TimeEntryFactory(expert=person, task=task, day=day, hours=Decimal(hours))
    return task


# --- this period so far --------------------------------------------------------------------


def test_this_periods_hours_are_worth_each_days_rate_rounded_once_per_project():
    person = paid("27.50")
    paid("30.00", since=date(2026, 3, 9), person=person)
    first = log(person, (OPEN, "0.25"), (OPEN + timedelta(days=1), "0.25"), (date(2026, 3, 9), "1"))
    log(person, (date(2026, 3, 10), "2"))
    log(person, (ENDED, "8"), task=first)  # the ended period: not this one's

    worth = period_worth(expert=person)

    assert (worth["starts_on"], worth["ends_on"]) == (OPEN, date(2026, 3, 15))
    rows = {row.project: row for row in worth["projects"]}
    # 0.5 h × 27.50 = 13.75 (two quarter hours on one line, one rounding) + 1 h × 30.
    assert rows[first.project].amount == Decimal("43.75")
    assert rows[first.project].rates == [
        (Decimal("27.50"), Decimal("0.50")),
        (Decimal("30.00"), Decimal("1.00")),
    ]
    assert worth["hours"] == Decimal("3.50") and worth["amount"] == Decimal("103.75")
    # This week (Mon 9 – Sun 15 Mar): 1 h + 2 h at $30.00.
    assert (worth["week_starts_on"], worth["week_ends_on"]) == (date(2026, 3, 9), date(2026, 3, 15))
    assert worth["week_hours"] == Decimal("3.00") and worth["week_amount"] == Decimal("90.00")


def test_this_periods_worth_matches_what_settling_it_credits():
    person = paid("27.50")
    log(person, (OPEN, "0.25"), (OPEN + timedelta(days=3), "0.75"))
    expected = period_worth(expert=person)["amount"]

    with time_machine.travel(datetime(2026, 3, 20, tzinfo=UTC), tick=False):
        period_settle(starts_on=OPEN)

    assert expected == SettlementLine.objects.get(expert=person).amount == Decimal("27.50")


def test_days_without_a_rate_are_flagged_not_guessed():
    person = paid("40.00", since=date(2026, 3, 5))
    log(person, (OPEN, "2"), (date(2026, 3, 6), "1"))

    worth = period_worth(expert=person)

    assert worth["projects"][0].amount is None and not worth["complete"]


# --- the money page --------------------------------------------------------------------------


def test_the_money_page_shows_balances_paid_out_this_period_and_statements(client):
    person = paid("40.00")
    task = log(person, (ENDED, "2"))
    settlement = period_settle(starts_on=ENDED)
    log(person, (OPEN, "1.5"), task=task)
    payout = payout_request(expert=person, amount=Decimal("30.00"), bank_details="DE89 1234")
    staff = StaffFactory()
    payout_mark_paid(actor=staff, payout=payout_approve(actor=staff, payout=payout))
    payout_request(expert=person, amount=Decimal("10.00"), bank_details="DE89 1234")
    client.force_login(person)

    html = client.get(reverse("payments:money")).content.decode()

    assert 'data-testid="available">$40.00' in html
    assert 'data-testid="pending">$10.00' in html
    assert 'data-testid="paid">$30.00' in html
    assert "worth <strong>$60.00</strong> so far (1.50 h)" in html
    assert task.project.name in html
    assert reverse("payments:statement", args=[settlement.pk]) in html


def _money_page_queries(client, person) -> int:
    client.force_login(person)
    client.get(reverse("payments:money"))  # warm the session and caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("payments:money")).status_code == 200
    return len(queries)


def test_the_money_page_costs_the_same_queries_with_1_and_many_periods_and_projects(client):
    person = paid("40.00")
    paid("45.00", since=date(2026, 3, 9), person=person)
    log(person, (ENDED, "1"))
    period_settle(starts_on=ENDED)
    log(person, (OPEN, "1"))
    few = _money_page_queries(client, person)

    for start in (date(2026, 1, 5), date(2026, 1, 19), date(2026, 2, 2)):
        log(person, *[(start + timedelta(days=d), "1.25") for d in range(4)])
        log(person, (start, "2"))
        period_settle(starts_on=start)
    for _ in range(4):
        log(person, *[(OPEN + timedelta(days=d), "0.5") for d in range(9)])
    fund(person, "5.00", key="more")

    assert _money_page_queries(client, person) == few


# --- statements ------------------------------------------------------------------------------


def test_a_statement_shows_only_ones_own_lines_and_others_get_404(client):
    eva, max_ = paid("40.00"), paid("30.00")
    task = log(eva, (ENDED, "2"))
    log(max_, (ENDED, "4"), task=task)
    settlement = period_settle(starts_on=ENDED)
    url = reverse("payments:statement", args=[settlement.pk])

    client.force_login(eva)
    html = client.get(url).content.decode()
    assert 'data-testid="statement-total">$80.00' in html and "$120.00" not in html
    assert max_.email not in html and "2.00 h at $40.00/h" in html

    client.force_login(expert())  # no lines in that period
    assert client.get(url).status_code == 404
    client.force_login(eva)
    assert client.get(reverse("payments:statement", args=[settlement.pk + 1])).status_code == 404


def test_staff_see_every_experts_lines_of_a_statement(staff_client):
    eva, max_ = paid("40.00"), paid("30.00")
    task = log(eva, (ENDED, "2"))
    log(max_, (ENDED, "4"), task=task)
    settlement = period_settle(starts_on=ENDED)

    html = staff_client.get(reverse("payments:statement", args=[settlement.pk])).content.decode()

    assert 'data-testid="statement-total">$200.00' in html


def _statement_queries(client, person, settlement) -> int:
    url = reverse("payments:statement", args=[settlement.pk])
    client.force_login(person)
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_a_statement_costs_the_same_queries_with_1_and_6_lines(client):
    small, large = paid("40.00"), paid("40.00")
    log(small, (ENDED, "1"))
    for _ in range(6):
        log(large, (ENDED, "1"), (ENDED + timedelta(days=3), "2"))
    settlement = period_settle(starts_on=ENDED)

    few = _statement_queries(client, small, settlement)
    assert _statement_queries(client, large, settlement) == few


# --- reconciliation ------------------------------------------------------------------------


def test_reconciliation_is_staff_only(client):
    client.force_login(expert())
    assert client.get(reverse("payments:reconciliation")).status_code == 404
    client.force_login(StaffFactory())  # staff without the MFA-verified session
    assert client.get(reverse("payments:reconciliation")).status_code in (302, 404)


def test_reconciliation_shows_ok_settlements_ledger_and_open_payouts_with_their_age(
    staff_client,
):
    person = paid("40.00")
    log(person, (ENDED, "2"))
    period_settle(starts_on=ENDED)
    with time_machine.travel(NOW - timedelta(hours=21), tick=False):
        payout_request(expert=person, amount=Decimal("25.00"), bank_details="DE89 1234")

    html = staff_client.get(reverse("payments:reconciliation")).content.decode()

    assert 'data-testid="ledger-status"><span class="badge text-bg-success">OK' in html
    assert "$80.00" in html and "Mismatch" not in html
    assert "21.0 h" in html and "due soon" in html


def test_reconciliation_reports_a_settlement_that_no_longer_matches_its_entries(staff_client):
    """A rate row written into the past behind the services' back (they refuse it): the
    recomputed lines differ from what was settled, and the page says where."""
    person = paid("40.00")
    log(person, (ENDED, "2"))
    period_settle(starts_on=ENDED)
    ExpertRate.objects.bulk_create(
        [ExpertRate(expert=person, hourly_rate=Decimal("50.00"), effective_from=ENDED)]
    )

    html = staff_client.get(reverse("payments:reconciliation")).content.decode()

    assert "Mismatch" in html and "settled 80.00, recomputed 100.00" in html


def test_reconciliation_shows_a_balance_that_is_not_the_sum_of_its_entries(staff_client):
    person = expert()
    available = fund(person, "10.00")
    type(available).objects.filter(pk=available.pk).update(balance=Decimal("11.00"))

    html = staff_client.get(reverse("payments:reconciliation")).content.decode()

    assert 'text-bg-danger">Mismatch</span> <code>manage.py ledger_check</code>' in html
    assert f"Account #{available.pk}" in html and "balance 11.00, entries sum to 10.00" in html


def _reconciliation_queries(client) -> int:
    client.get(reverse("payments:reconciliation"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("payments:reconciliation")).status_code == 200
    return len(queries)


def test_reconciliation_costs_the_same_queries_with_1_and_many_periods_and_payouts(
    staff_client,
):
    person = paid("40.00")
    log(person, (ENDED, "1"))
    period_settle(starts_on=ENDED)
    payout_request(expert=person, amount=Decimal("5.00"), bank_details="DE89 1234")
    few = _reconciliation_queries(staff_client)

    for start in (date(2026, 1, 5), date(2026, 1, 19), date(2026, 2, 2)):
        for _ in range(3):
            log(paid("35.00"), (start, "1"), (start + timedelta(days=5), "2"))
        period_settle(starts_on=start)
    for _ in range(4):
        payout_request(expert=person, amount=Decimal("1.00"), bank_details="DE89 1234")

    assert PayoutRequest.objects.count() == 5 and LedgerEntry.objects.count() > 10
    assert _reconciliation_queries(staff_client) == few
