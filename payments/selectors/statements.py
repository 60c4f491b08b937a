"""What an expert sees of their earnings (issue 9, item 6): what this period's hours are
worth so far, and their statements (settlement lines per period)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Sum
from django.http import Http404
from django.utils import timezone

from payments.models import Settlement, SettlementLine
from payments.selectors.rates import expert_rate_periods, rate_in
from payments.services.settlement import HUNDREDTH, period_of
from projects.models import Project
from softwaresupp.dates import week_of
from softwaresupp.money import money
from timesheets.models import TimeEntry


@dataclass
class ProjectWorth:
    project: Project
    hours: Decimal
    # None when a day's hours have no expert rate yet: settling would stop there too.
    amount: Decimal | None
    rates: list[tuple[Decimal, Decimal]]  # (rate, hours)


def period_worth(*, expert, today: date | None = None) -> dict:
    """The current, still open period of ``expert``: their unsettled hours in it by project
    (and this week's share of them),
    each day's hours at the expert rate in force that day, rounded half-up to cents once
    per project, exactly as the settlement will compute its line (R-SETTLE). Four queries,
    whatever the number of entries, days or projects."""
    today = today or timezone.localdate()
    starts_on, ends_on = period_of(today)
    # Weeks and periods both start on Monday (the anchor is one), so this week lies in it.
    monday, sunday = week_of(today)
    days = list(
        TimeEntry.objects.unsettled()
        .filter(expert=expert, day__gte=starts_on, day__lte=ends_on)
        .values("project_id", "day")
        .annotate(hours=Sum("hours"))
        .order_by()
    )
    periods = expert_rate_periods([expert.pk]).get(expert.pk, []) if days else []
    by_project: dict[int, dict] = defaultdict(lambda: defaultdict(Decimal))
    this_week: dict[int, Decimal] = defaultdict(Decimal)  # per project: Σ hours × rate
    week_hours = Decimal("0.00")
    unrated: set[int] = set()
    for row in days:
        rate = rate_in(periods, row["day"])
        if rate is None:
            unrated.add(row["project_id"])
            rate = Decimal(0)
        hours = row["hours"].quantize(HUNDREDTH)
        by_project[row["project_id"]][rate] += hours
        if monday <= row["day"] <= sunday:
            this_week[row["project_id"]] += hours * rate
            week_hours += hours
    projects = Project.objects.in_bulk(by_project) if by_project else {}
    rows = []
    for project_id, by_rate in by_project.items():
        rows.append(
            ProjectWorth(
                project=projects[project_id],
                hours=sum(by_rate.values()),
                amount=None
                if project_id in unrated
                else money(sum(hours * rate for rate, hours in by_rate.items())),
                rates=sorted(by_rate.items()),
            )
        )
    rows.sort(key=lambda row: row.project.name)
    return {
        "starts_on": starts_on,
        "ends_on": ends_on,
        "projects": rows,
        "hours": sum((row.hours for row in rows), Decimal(0)),
        "amount": sum((row.amount or Decimal(0) for row in rows), Decimal("0.00")),
        "complete": not unrated,
        # This week's share, rounded once per project like the period.
        "week_starts_on": monday,
        "week_ends_on": sunday,
        "week_hours": week_hours,
        "week_amount": sum((money(amount) for amount in this_week.values()), Decimal("0.00")),
    }


def statements_of(*, expert) -> list[dict]:
    """Each settled period with lines of ``expert``, newest first, with their hours and
    amount in it: one query."""
    rows = list(
        SettlementLine.objects.filter(expert=expert)
        .values("settlement_id", "settlement__starts_on", "settlement__ends_on")
        .annotate(lines=Count("id"), hours=Sum("hours"), amount=Sum("amount"))
        .order_by("-settlement__starts_on")
    )
    for row in rows:  # SQLite's SUM drops the scale ("3" for 3.00)
        row["hours"], row["amount"] = money(row["hours"]), money(row["amount"])
    return rows


def statement_detail(*, user, settlement_id: int) -> dict:
    """One period's statement: an expert's own lines in it (404 when they have none, like a
    settlement that does not exist); staff (MFA-verified) see every expert's lines."""
    lines = list(
        SettlementLine.objects.visible_to(user)
        .filter(settlement_id=settlement_id)
        .select_related("settlement", "project", "expert")
        .order_by("expert__last_name", "expert_id", "project__name", "id")
    )
    if not lines:
        raise Http404("No statement of yours for this period.")
    settlement: Settlement = lines[0].settlement
    return {
        "settlement": settlement,
        "lines": lines,
        "hours": sum((line.hours for line in lines), Decimal(0)),
        "total": sum((line.amount for line in lines), Decimal("0.00")),
        "everyone": user.sees_everything,
    }
