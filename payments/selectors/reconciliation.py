"""Staff's reconciliation status (issue 9, item 6): each settled period's total against its
lines and against its time entries' hours × rates recomputed, the ledger check, and the open
payout requests with their age. Reads only; a fixed number of queries per page."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone

from payments.models import PayoutRequest, Settlement, SettlementLine
from payments.models.payouts import OPEN_STATES, PAYOUT_ALERT_AFTER, PAYOUT_DEADLINE
from payments.selectors.ledger import balance_mismatches, unbalanced_transactions
from payments.selectors.rates import expert_rate_periods, rate_in
from payments.services.settlement import HUNDREDTH
from softwaresupp.money import money
from timesheets.models import TimeEntry

# The latest periods are the ones still being paid and billed; older ones stay in admin.
PERIODS_SHOWN = 12
SHOWN_PROBLEMS = 20


@dataclass
class PeriodCheck:
    settlement: Settlement
    lines_total: Decimal = Decimal("0.00")
    recomputed: Decimal = Decimal("0.00")
    # (expert_id, project_id, settled amount or None, recomputed amount or None)
    differences: list[tuple] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences and self.settlement.total == self.lines_total == self.recomputed


def _recomputed_lines(settlements: list[Settlement]) -> dict[tuple, Decimal | None]:
    """``{(settlement_id, expert_id, project_id): amount}`` from the entries each settlement
    locked, at the expert rate in force each day, rounded once per line as settling does
    (None when a day has no rate)."""
    if not settlements:
        return {}
    # A settlement's entries are those on its days (the period locks them by day).
    on_their_days = Q()
    for settlement in settlements:
        on_their_days |= Q(day__gte=settlement.starts_on, day__lte=settlement.ends_on)
    days = (
        TimeEntry.objects.filter(on_their_days)
        .values("expert_id", "project_id", "day")
        .annotate(hours=Sum("hours"))
        .order_by()
    )
    days = list(days)
    periods = expert_rate_periods({row["expert_id"] for row in days}) if days else {}
    sums: dict[tuple, Decimal | None] = defaultdict(Decimal)
    for row in days:
        settlement = next(s for s in settlements if s.starts_on <= row["day"] <= s.ends_on)
        key = (settlement.pk, row["expert_id"], row["project_id"])
        rate = rate_in(periods.get(row["expert_id"], []), row["day"])
        if rate is None or sums[key] is None:
            sums[key] = None
            continue
        sums[key] += row["hours"].quantize(HUNDREDTH) * rate
    return {key: None if value is None else money(value) for key, value in sums.items()}


def period_checks() -> list[PeriodCheck]:
    """The latest settled periods, newest first, each with its check."""
    settlements = list(Settlement.objects.order_by("-starts_on")[:PERIODS_SHOWN])
    checks = {settlement.pk: PeriodCheck(settlement) for settlement in settlements}
    settled = {
        (s, e, p): amount
        for s, e, p, amount in SettlementLine.objects.filter(settlement__in=settlements)
        .order_by()
        .values_list("settlement_id", "expert_id", "project_id", "amount")
    }
    recomputed = _recomputed_lines(settlements) if settlements else {}
    for key in sorted(settled.keys() | recomputed.keys()):
        check = checks[key[0]]
        line, again = settled.get(key), recomputed.get(key)
        check.lines_total += line or 0
        check.recomputed += again or 0
        if line != again:
            check.differences.append((key[1], key[2], line, again))
    return [checks[settlement.pk] for settlement in settlements]


@dataclass
class OpenPayout:
    payout: PayoutRequest
    age_hours: float
    alert: bool
    overdue: bool


def reconciliation_status() -> dict:
    """Everything the reconciliation page shows."""
    periods = period_checks()
    # In cents whatever the backend (SQLite's ROUND gives 10 for 10.00).
    mismatches = [
        (pk, kind, money(balance), money(total))
        for pk, kind, balance, total in balance_mismatches()[:SHOWN_PROBLEMS]
    ]
    unbalanced = [(pk, money(total)) for pk, total in unbalanced_transactions()[:SHOWN_PROBLEMS]]
    now = timezone.now()
    payouts = [
        OpenPayout(
            payout=payout,
            age_hours=(now - payout.requested_at).total_seconds() / 3600,
            alert=now - payout.requested_at >= PAYOUT_ALERT_AFTER,
            overdue=now - payout.requested_at >= PAYOUT_DEADLINE,
        )
        for payout in PayoutRequest.objects.filter(state__in=OPEN_STATES)
        .select_related("expert")
        .order_by("requested_at", "id")
    ]
    return {
        "periods": periods,
        "ledger_ok": not mismatches and not unbalanced,
        "balance_mismatches": mismatches,
        "unbalanced_transactions": unbalanced,
        "open_payouts": payouts,
    }
