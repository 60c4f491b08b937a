"""Which rate is in force on a day (R-RATE-MIN): the latest change taking effect on or
before it. Settlement asks for many (person, day) pairs at once: the ``*_rates_on`` forms
read every period in one query, whatever the number of pairs."""

from bisect import bisect_right
from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.conf import settings

from accounts.models import ExpertProfile
from payments.models import AssignmentRate, ExpertRate

Periods = list[tuple[date, Decimal]]  # (effective_from, rate), oldest first


def rate_in(periods: Periods, day: date) -> Decimal | None:
    """The rate of the last period starting on or before ``day``; None before the first."""
    index = bisect_right([start for start, _ in periods], day)
    return periods[index - 1][1] if index else None


def rates_from(periods: Periods, day: date) -> list[Decimal]:
    """Every rate in force on ``day`` or later."""
    current = rate_in(periods, day)
    later = [rate for start, rate in periods if start > day]
    return ([current] if current is not None else []) + later


def region_minimum(region: str) -> Decimal:
    return Decimal(settings.RATE_MINIMUMS[region])


def expert_rate_periods(expert_ids) -> dict[int, Periods]:
    """Per expert: their rate changes, or, for one never changed, the profile's rate
    since always."""
    periods = defaultdict(list)
    rows = ExpertRate.objects.filter(expert_id__in=set(expert_ids)).order_by("effective_from")
    for expert_id, start, rate in rows.values_list("expert_id", "effective_from", "hourly_rate"):
        periods[expert_id].append((start, rate))
    unchanged = set(expert_ids) - set(periods)
    profiles = ExpertProfile.objects.filter(user_id__in=unchanged)
    for expert_id, rate in profiles.values_list("user_id", "hourly_rate"):
        periods[expert_id] = [(date.min, rate)]
    return dict(periods)


def assignment_rate_periods(assignment_ids) -> dict[int, Periods]:
    periods = defaultdict(list)
    rows = AssignmentRate.objects.filter(assignment_id__in=set(assignment_ids))
    rows = rows.order_by("effective_from")
    for values in rows.values_list("assignment_id", "effective_from", "customer_rate"):
        periods[values[0]].append(values[1:])
    return dict(periods)


def expert_rate_on(expert, day: date) -> Decimal | None:
    return rate_in(expert_rate_periods([expert.pk]).get(expert.pk, []), day)


def customer_rate_on(assignment, day: date) -> Decimal | None:
    """None while the assignment has no customer rate yet: nothing can be billed."""
    return rate_in(assignment_rate_periods([assignment.pk]).get(assignment.pk, []), day)


def expert_rates_on(pairs) -> dict[tuple[int, date], Decimal | None]:
    """``{(expert_id, day): rate}`` for many pairs in two queries."""
    pairs = list(pairs)
    periods = expert_rate_periods({expert_id for expert_id, _ in pairs})
    return {(e, day): rate_in(periods.get(e, []), day) for e, day in pairs}


def customer_rates_on(pairs) -> dict[tuple[int, date], Decimal | None]:
    """``{(assignment_id, day): rate}`` for many pairs in one query."""
    pairs = list(pairs)
    periods = assignment_rate_periods({assignment_id for assignment_id, _ in pairs})
    return {(a, day): rate_in(periods.get(a, []), day) for a, day in pairs}
