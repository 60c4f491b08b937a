"""The two-week settlement (R-SETTLE): lines per expert and project at the rate in force on
each day, rounded once per line, credited to the available balance, entries locked, exactly
once however often or late it runs."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from payments.models import (
    Account,
    AccountKind,
    LedgerTransaction,
    Settlement,
    SettlementLine,
    SettlementStatements,
)
from payments.models.rates import ExpertRate
from payments.services.settlement import (
    period_settle,
    periods_due,
    settlement_statements_due,
    settlement_statements_send,
    settlements_run,
)
from payments.tasks import settlements_run_task
from softwaresupp.models import OutboxMessage
from softwaresupp.schedule import BEAT_SCHEDULE
from tests.factories.accounts import StaffFactory, expert, login_verified_staff
from tests.factories.projects import TaskFactory
from tests.factories.timesheets import TimeEntryFactory
from tests.query_counts import queries_undone
from tests.races import race
from timesheets.models import TimeEntry
from timesheets.services import time_entry_log

pytestmark = pytest.mark.django_db

# The anchor (settings) is Monday 5 Jan 2026; the third period runs 2 Feb – 15 Feb.
STARTS_ON = date(2026, 2, 2)
NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)


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


def available(person) -> Decimal:
    return Account.objects.get(kind=AccountKind.EXPERT_AVAILABLE, expert=person).balance


def only_line() -> SettlementLine:
    return SettlementLine.objects.get()


@pytest.mark.parametrize(
    ("rate", "hours", "amount"),
    [
        # 15 minutes at $27.50 = 6.875, half-up to 6.88.
        ("27.50", ["0.25"], "6.88"),
        # Two quarter hours and one half hour on one line: one rounding of 2 × 6.875.
        ("27.50", ["0.25", "0.25"], "13.75"),
        ("27.50", ["0.50"], "13.75"),
        # 5 minutes is not a valid entry (the timesheet takes quarter hours, see
        # test_five_minutes_cannot_be_logged); the smallest, 15 minutes at $60, is 15.00.
        ("60.00", ["0.25"], "15.00"),
    ],
)
def test_a_line_is_rounded_half_up_to_cents_once(rate, hours, amount):
    person = paid(rate)
    log(person, *[(STARTS_ON + timedelta(days=i), h) for i, h in enumerate(hours)])

    period_settle(starts_on=STARTS_ON)

    assert only_line().amount == Decimal(amount)
    assert available(person) == Decimal(amount)


def test_five_minutes_cannot_be_logged():
    person = paid("60.00")
    task = TaskFactory()
    task.project.assignments.create(
        expert=person, organization=task.organization, starts_on=date(2026, 1, 1)
    )
    with pytest.raises(ValidationError):
        time_entry_log(actor=person, task=task, day=date(2026, 3, 10), hours=Decimal("0.08"))


def test_days_before_a_mid_period_rate_change_keep_the_old_rate():
    person = paid("40.00")
    paid("50.00", since=STARTS_ON + timedelta(days=7), person=person)
    log(person, (STARTS_ON, "2"), (STARTS_ON + timedelta(days=6), "1.25"), (date(2026, 2, 9), "3"))

    period_settle(starts_on=STARTS_ON)

    line = only_line()
    assert line.hours == Decimal("6.25")
    assert line.amount == Decimal("280.00")  # 3.25 × 40 + 3 × 50
    assert line.rates == [["40.00", "3.25"], ["50.00", "3.00"]]


def test_lines_are_per_expert_and_project_and_the_ledger_balances():
    eva, max_ = paid("40.00"), paid("30.00")
    first = log(eva, (STARTS_ON, "2"))
    log(eva, (STARTS_ON, "1"))
    log(max_, (STARTS_ON, "4"), task=first)

    settlement = period_settle(starts_on=STARTS_ON)

    assert settlement.lines.count() == 3
    assert settlement.total == Decimal("240.00")
    assert (available(eva), available(max_)) == (Decimal("120.00"), Decimal("120.00"))
    revenue = Account.objects.get(kind=AccountKind.PLATFORM_REVENUE)
    assert revenue.balance == Decimal("-240.00")
    assert LedgerTransaction.objects.count() == 3
    call_command("ledger_check")


def test_settled_entries_are_locked_by_their_day():
    person = paid("40.00")
    log(person, (STARTS_ON, "2"))
    outside = TimeEntryFactory(expert=person, day=STARTS_ON + timedelta(days=14))

    settlement = period_settle(starts_on=STARTS_ON)

    assert TimeEntry.objects.with_settlement().settled().get().settlement_id == settlement.period_id
    assert not TimeEntry.objects.get(pk=outside.pk).is_settled
    with pytest.raises(Exception, match="settled"):
        TimeEntry.objects.filter(day=STARTS_ON).update(hours=Decimal("9"))


def _state():
    return (
        list(Settlement.objects.values_list("starts_on", "total")),
        list(SettlementLine.objects.values_list("pk", "amount")),
        list(Account.objects.values_list("pk", "balance")),
        LedgerTransaction.objects.count(),
        OutboxMessage.objects.count(),
    )


def test_a_second_run_and_a_rate_change_after_settling_change_nothing():
    person = paid("40.00")
    log(person, (STARTS_ON, "2"))
    first = period_settle(starts_on=STARTS_ON)
    before = _state()

    paid("99.00", since=STARTS_ON, person=person)
    again = period_settle(starts_on=STARTS_ON)

    assert again == first
    assert _state() == before
    assert only_line().amount == Decimal("80.00")


def test_the_daily_job_catches_up_every_ended_period_once_even_a_week_late():
    person = paid("40.00")
    log(person, (date(2026, 1, 5), "1"), (date(2026, 1, 19), "2"), (STARTS_ON, "3"))

    # The third period ends on Sunday 15 Feb; with a day of grace it is due on Tuesday 17.
    assert periods_due(date(2026, 2, 16)) == [date(2026, 1, 5), date(2026, 1, 19)]
    assert settlements_run(date(2026, 2, 24)) == 3  # a week late: all three, once each
    before = _state()

    assert settlements_run(date(2026, 2, 25)) == 0
    assert _state() == before
    assert available(person) == Decimal("240.00")


def test_the_scheduled_task_settles_the_periods_ended_by_today():
    assert BEAT_SCHEDULE["settlements-run"]["task"] == "payments.tasks.settlements_run_task"
    # Today is Wed 11 Mar: the periods of 5 Jan, 19 Jan, 2 Feb and 16 Feb (to Sun 1 Mar).
    assert settlements_run_task() == 4
    assert settlements_run_task() == 0


def test_hours_on_a_day_without_an_expert_rate_stop_the_settlement_and_write_nothing():
    person = paid("40.00", since=STARTS_ON + timedelta(days=1))
    log(person, (STARTS_ON, "2"))

    with pytest.raises(ValidationError, match="has no rate"):
        period_settle(starts_on=STARTS_ON)

    assert not Settlement.objects.exists() and not LedgerTransaction.objects.exists()
    assert not TimeEntry.objects.settled().exists()


def test_a_period_not_ended_or_not_starting_on_a_period_boundary_is_refused():
    with pytest.raises(ValidationError, match="has not ended"):
        period_settle(starts_on=date(2026, 3, 2))
    with pytest.raises(ValidationError, match="does not start"):
        period_settle(starts_on=date(2026, 2, 3))
    assert not Settlement.objects.exists()


def test_each_expert_gets_one_statement_with_their_lines_and_total():
    eva, max_ = paid("40.00"), paid("30.00")
    task = log(eva, (STARTS_ON, "2"))
    log(eva, (STARTS_ON, "1"))
    log(max_, (STARTS_ON, "4"), task=task)

    settlement = period_settle(starts_on=STARTS_ON)
    # Rendered after the settlement commits (the daily job does it next), not inside it.
    assert not OutboxMessage.objects.filter(template="settlement_statement").exists()
    assert settlement_statements_due() == 1
    assert settlement_statements_due() == 0
    assert settlement_statements_send(settlement_id=settlement.pk) is False

    message = OutboxMessage.objects.get(template="settlement_statement", to=eva.email)
    assert f"{task.project.name}: 2.00 h (2.00 h at $40.00/h) = $80.00" in message.text
    assert "Total: 3.00 h = $120.00" in message.text
    assert "$120.00" in message.subject
    assert OutboxMessage.objects.filter(template="settlement_statement").count() == 2


def test_settling_costs_the_same_queries_for_1_and_14_entries():
    person = paid("40.00")
    task = log(person, (STARTS_ON, "1"))
    queries_undone(lambda: period_settle(starts_on=STARTS_ON))  # warm the caches
    few = queries_undone(lambda: period_settle(starts_on=STARTS_ON))

    paid("45.00", since=STARTS_ON + timedelta(days=7), person=person)
    log(person, *[(STARTS_ON + timedelta(days=i), "1.5") for i in range(1, 14)], task=task)
    many = queries_undone(lambda: period_settle(starts_on=STARTS_ON))

    assert len(many) == len(few), [q["sql"] for q in many]


def _settle_queries(experts: int, projects: int) -> list[dict]:
    """The statements of settling a period where ``experts`` experts each log hours on
    ``projects`` projects over several days (a rate change midway for each)."""
    for _ in range(experts):
        person = paid("40.00")
        paid("45.00", since=STARTS_ON + timedelta(days=7), person=person)
        for _ in range(projects):
            log(person, *[(STARTS_ON + timedelta(days=d), "0.75") for d in (0, 6, 7, 13)])
    queries_undone(lambda: period_settle(starts_on=STARTS_ON))  # warm the caches
    return queries_undone(lambda: period_settle(starts_on=STARTS_ON))


def test_settling_costs_the_same_queries_for_1_and_8_experts():
    """The ledger postings, the experts' accounts and the statements are batched: 1 line
    and 22 lines (then 8 experts, 7 of them on 3 projects) take the same statements."""
    few = _settle_queries(experts=1, projects=1)
    many = _settle_queries(experts=7, projects=3)

    assert len(many) == len(few), [q["sql"][:120] for q in many]


def test_the_daily_job_settles_and_then_queues_the_statements():
    log(paid("40.00"), (STARTS_ON, "2"))

    # The three periods since the anchor (5 Jan); only the third has hours.
    assert settlements_run(today=STARTS_ON + timedelta(days=16)) == 3

    assert OutboxMessage.objects.filter(template="settlement_statement").count() == 1
    assert SettlementStatements.objects.count() == 3


def _statement_queries(experts: int, starts_on: date) -> list[dict]:
    for _ in range(experts):
        log(paid("40.00"), (starts_on, "1"), (starts_on + timedelta(days=2), "0.5"))
    settlement = period_settle(starts_on=starts_on)
    queries_undone(lambda: settlement_statements_send(settlement_id=settlement.pk))  # warm
    return queries_undone(lambda: settlement_statements_send(settlement_id=settlement.pk))


def test_queueing_statements_costs_the_same_queries_for_1_and_6_experts():
    few = _statement_queries(experts=1, starts_on=STARTS_ON)
    many = _statement_queries(experts=6, starts_on=STARTS_ON + timedelta(days=14))

    assert len(many) == len(few), [q["sql"][:120] for q in many]
    assert OutboxMessage.objects.filter(template="settlement_statement").count() == 0  # undone


def test_staff_read_a_settlement_and_its_lines_in_admin_and_change_nothing(client):
    person = paid("40.00")
    task = log(person, (STARTS_ON, "2"))
    settlement = period_settle(starts_on=STARTS_ON)
    login_verified_staff(client, StaffFactory(is_superuser=True))

    found = client.get(reverse("admin:payments_settlement_changelist"), {"q": person.email})
    page = client.get(reverse("admin:payments_settlement_change", args=[settlement.pk]))
    lines = client.get(reverse("admin:payments_settlementline_changelist"), {"q": "nobody"})

    assert "Settlement 02 Feb 2026" in found.content.decode()
    assert task.project.name in page.content.decode() and "80.00" in page.content.decode()
    assert lines.status_code == 200 and "0 settlement lines" in lines.content.decode()
    assert 'name="_save"' not in page.content.decode()
    delete = reverse("admin:payments_settlement_delete", args=[settlement.pk])
    assert client.get(delete).status_code == 403


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_settling_one_period_at_once_make_one_settlement():
    person = paid("40.00")
    log(person, (STARTS_ON, "2"), (STARTS_ON + timedelta(days=3), "1"))

    outcomes = race(
        lambda: period_settle(starts_on=STARTS_ON), lambda: period_settle(starts_on=STARTS_ON)
    )

    assert all(isinstance(outcome, Settlement) for outcome in outcomes), outcomes
    assert outcomes[0].pk == outcomes[1].pk
    assert Settlement.objects.count() == 1
    assert LedgerTransaction.objects.count() == 1
    assert available(person) == Decimal("120.00")
    assert not OutboxMessage.objects.filter(template="settlement_statement").exists()
    race(settlement_statements_due, settlement_statements_due)
    assert OutboxMessage.objects.filter(template="settlement_statement").count() == 1
    call_command("ledger_check")
