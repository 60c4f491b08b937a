"""Settling a two-week period (R-SETTLE): per expert and project, hours × the expert rate in
force on each day, credited to the expert's available balance, and the period's hours locked
(``timesheets.services.period_lock``: one ``SettledPeriod`` row the guards read, so the
entries belong to it by their day), all in one transaction, exactly once. The statement
emails follow the commit (``settlement_statements_send``), so settling costs the same
whatever the number of entries or experts (docs/benchmarks.md).

Rounding: hours are summed per rate in force (each day's hours at that day's rate) and the
line's amount is ``money(Σ hours × rate)``, rounded half-up to cents ONCE per line, never per
entry or per day, so 2 × 15 minutes and 1 × 30 minutes at one rate give the same line.

The other side of each credit is the platform revenue account: what the platform owes its
experts is a cost against what customers are billed for the same hours (invoices credit it),
so its balance is the platform's margin, and every transaction sums to zero.

Exactly once: the settlement lock (``timesheets.locks``, a PostgreSQL advisory lock also
taken by every write of hours) is taken first; under it a period already settled is returned
untouched. ``Settlement.starts_on`` is unique, the line (settlement, expert, project) too,
and each ledger posting has the key ``settlement-line:<id>``.
"""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from payments.models import AccountKind, Settlement, SettlementLine, SettlementStatements
from payments.selectors.rates import expert_rates_on
from payments.services.ledger import (
    Posting,
    ledger_account,
    ledger_expert_accounts,
    ledger_post_many,
)
from projects.models import Project, TaskHours
from softwaresupp.money import money
from softwaresupp.notifications import notify
from softwaresupp.outbox import outbox_batch
from timesheets.locks import lock_for_settling
from timesheets.services import period_lock

PERIOD_DAYS = 14
HUNDREDTH = Decimal("0.01")


def settlement_anchor() -> date:
    return date.fromisoformat(settings.SETTLEMENT_ANCHOR)


def period_of(day: date) -> tuple[date, date]:
    """(first, last day) of the two-week period holding ``day``."""
    offset = (day - settlement_anchor()).days // PERIOD_DAYS * PERIOD_DAYS
    starts_on = settlement_anchor() + timedelta(days=offset)
    return starts_on, starts_on + timedelta(days=PERIOD_DAYS - 1)


def periods_due(today: date | None = None) -> list[date]:
    """The first days of every period that ended at least the grace days before ``today``
    and is not settled yet, oldest first (a late or missed run catches up)."""
    today = today or timezone.localdate()
    last_end = today - timedelta(days=settings.SETTLEMENT_GRACE_DAYS + 1)
    settled = set(Settlement.objects.values_list("starts_on", flat=True))
    due, starts_on = [], settlement_anchor()
    while starts_on + timedelta(days=PERIOD_DAYS - 1) <= last_end:
        if starts_on not in settled:
            due.append(starts_on)
        starts_on += timedelta(days=PERIOD_DAYS)
    return due


def _hours_by_rate(starts_on: date, ends_on: date) -> dict[tuple[int, int], dict]:
    """``{(expert_id, project_id): {rate: hours}}`` of the period's entries (under the
    settlement lock, before the period is locked: none of them is settled yet).

    Read from the hours rollup (``projects.TaskHours``: the entries summed per task, expert
    and day, kept exact in the same transaction as every entry change, and read here under
    the lock every such change takes), from its covering index on the day: a fraction of
    the entries' rows. ``manage.py rollup_check`` proves it equals the entries, and the
    reconciliation page recomputes each settlement from the entries themselves."""
    days = (
        TaskHours.objects.filter(day__gte=starts_on, day__lte=ends_on)
        .values_list("expert_id", "project_id", "day")
        .annotate(hours=Sum("hours"))
        .order_by()
    )
    days = list(days)  # tuples, not dicts: 28,000 of them for 1,000 experts
    rates = expert_rates_on({(expert_id, day) for expert_id, _, day, _ in days})
    grouped: dict[tuple[int, int], dict] = defaultdict(lambda: defaultdict(Decimal))
    for expert_id, project_id, day, hours in days:
        rate = rates[(expert_id, day)]
        if rate is None:
            raise ValidationError(f"Expert #{expert_id} has no rate on {day}.")
        # Exact (quarter hours); SQLite's SUM drops the scale, shown as "3" not "3.00".
        grouped[(expert_id, project_id)][rate] += hours.quantize(HUNDREDTH)
    return grouped


def _lines(settlement: Settlement, grouped: dict) -> list[SettlementLine]:
    lines = []
    for (expert_id, project_id), by_rate in sorted(grouped.items()):
        lines.append(
            SettlementLine(
                settlement=settlement,
                expert_id=expert_id,
                project_id=project_id,
                hours=sum(by_rate.values()),
                # The one rounding of the line (see the module docstring).
                amount=money(sum(hours * rate for rate, hours in by_rate.items())),
                rates=[[str(rate), str(hours)] for rate, hours in sorted(by_rate.items())],
            )
        )
    return lines


def _credit(lines: list[SettlementLine]) -> None:
    """Each line to its expert's available balance, against platform revenue: one batched
    posting (``ledger_post_many``), so the statements do not grow with lines or experts."""
    lines = [line for line in lines if line.amount]
    if not lines:
        return
    revenue = ledger_account(kind=AccountKind.PLATFORM_REVENUE)
    available = ledger_expert_accounts(
        kind=AccountKind.EXPERT_AVAILABLE, expert_ids={line.expert_id for line in lines}
    )
    ledger_post_many(
        Posting(
            key=f"settlement-line:{line.pk}",
            lines=[(available[line.expert_id], line.amount), (revenue, -line.amount)],
            source=line,
            memo=f"Settlement {line.settlement.starts_on}: {line.hours} h",
        )
        for line in lines
    )


@transaction.atomic
def settlement_statements_send(*, settlement_id: int) -> bool:
    """Queue each expert's statement of the settlement (one outbox row each, keyed per
    settlement and expert), once: returns False if they were queued already."""
    settlement = Settlement.objects.select_for_update().get(pk=settlement_id)
    if SettlementStatements.objects.filter(settlement=settlement).exists():
        return False
    lines = list(settlement.lines.order_by("expert_id", "project_id"))
    _attach(lines)
    by_expert = defaultdict(list)
    for line in lines:
        by_expert[line.expert].append(line)
    with outbox_batch():  # one INSERT of every expert's statement
        for expert, own in by_expert.items():
            _notify_statement(settlement, expert, own)
    SettlementStatements.objects.create(settlement=settlement)
    return True


def _notify_statement(settlement: Settlement, expert, own: list[SettlementLine]) -> None:
    notify(
        template="settlement_statement",
        recipients=[expert],
        context={
            "settlement": settlement,
            "lines": own,
            "hours": sum(line.hours for line in own),
            "total": sum(line.amount for line in own),
        },
        key=f"settlement_statement:{settlement.pk}:{expert.pk}",
    )


def settlement_statements_due() -> int:
    """The catch-up: queue the statements of every settlement whose are not queued yet."""
    due = Settlement.objects.filter(statements_queued__isnull=True).values_list("pk", flat=True)
    return sum(settlement_statements_send(settlement_id=pk) for pk in list(due))


@transaction.atomic
def period_settle(*, starts_on: date) -> Settlement:
    """Settle the period starting ``starts_on`` (an anchor Monday + n × 2 weeks), or return
    its settlement unchanged if it is settled already."""
    first, ends_on = period_of(starts_on)
    if first != starts_on:
        raise ValidationError(f"{starts_on} does not start a settlement period ({first} does).")
    if ends_on >= timezone.localdate():
        # Hours may still be logged on its days: settling now would refuse them.
        raise ValidationError(f"The period {starts_on} – {ends_on} has not ended.")
    lock_for_settling()  # first, before any row lock: see timesheets.locks
    existing = Settlement.objects.filter(starts_on=starts_on).first()
    if existing is not None:
        return existing
    grouped = _hours_by_rate(starts_on, ends_on)
    period = period_lock(starts_on=starts_on, ends_on=ends_on)
    settlement = Settlement(starts_on=starts_on, ends_on=ends_on, period=period)
    lines = _lines(settlement, grouped)
    settlement.total = sum((line.amount for line in lines), Decimal(0))
    settlement.save()
    lines = SettlementLine.objects.bulk_create(lines)
    _credit(lines)
    return settlement


def _attach(lines: list[SettlementLine]) -> None:
    """The lines' experts and projects, two queries whatever their number."""
    experts = get_user_model().objects.in_bulk({line.expert_id for line in lines})
    projects = Project.objects.in_bulk({line.project_id for line in lines})
    for line in lines:
        line.expert = experts[line.expert_id]
        line.project = projects[line.project_id]


def settlements_run(today: date | None = None) -> int:
    """The daily job: settle every ended, unsettled period, each in its own transaction,
    then queue the statements still due; returns how many periods it settled."""
    due = periods_due(today)
    for starts_on in due:
        period_settle(starts_on=starts_on)
    settlement_statements_due()
    return len(due)
