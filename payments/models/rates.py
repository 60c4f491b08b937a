"""Rates (R-RATE-MIN): what an expert earns and what a customer pays per hour, each change
a new row with the day it takes effect, so a change never alters the days before it."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from projects.models import Assignment

# The database refuses any customer rate below the lowest regional minimum; the rest of the
# rule (region, expert's rate) spans tables, so each row keeps the figures it was checked
# against and the database compares them too.
RATE_FLOOR = Decimal(settings.RATE_FLOOR)
NON_NEGOTIABLE = "The minimum customer rate is non-negotiable"
PAST = "A rate change takes effect today or later: hours before it keep their rate."


def _refuse_the_past(effective_from: date) -> None:
    if effective_from < timezone.localdate():
        raise ValidationError({"effective_from": PAST})


class ExpertRate(models.Model):
    """From ``effective_from`` on, the expert earns ``hourly_rate`` (until the next row)."""

    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="expert_rates",
        limit_choices_to={"expert_profile__isnull": False},
    )
    hourly_rate = models.DecimalField(max_digits=10, decimal_places=2)
    effective_from = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["expert", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["expert", "effective_from"], name="expert_rate_one_per_day"
            ),
            models.CheckConstraint(condition=Q(hourly_rate__gt=0), name="expert_rate_above_zero"),
        ]

    def __str__(self):
        since = "the start" if self.effective_from == date.min else self.effective_from
        return f"{self.expert}: ${self.hourly_rate}/h from {since}"

    def clean(self):
        """The expert's rate may not rise above a customer rate their current assignments
        pay from that day on: the customer rate is never below the expert's (R-RATE-MIN)."""
        from payments.selectors.rates import assignment_rate_periods, rates_from

        if None in (self.expert_id, self.hourly_rate, self.effective_from):
            return
        _refuse_the_past(self.effective_from)
        assignments = Assignment.objects.filter(expert_id=self.expert_id)
        ids = assignments.overlapping(self.effective_from, date.max).values_list("pk", flat=True)
        customer_rates = [
            rate
            for periods in assignment_rate_periods(ids).values()
            for rate in rates_from(periods, self.effective_from)
        ]
        if customer_rates and self.hourly_rate > min(customer_rates):
            raise ValidationError(
                {
                    "hourly_rate": f"A customer pays ${min(customer_rates)}/h for this expert "
                    "from that day: raise the customer rate first. "
                    f"{NON_NEGOTIABLE} and never below the expert's rate."
                }
            )


class AssignmentRate(models.Model):
    """From ``effective_from`` on, the customer pays ``customer_rate`` for the assignment.
    ``minimum_rate`` and ``expert_rate`` are the region minimum and expert rate it was
    checked against when saved: the database holds the row to both."""

    assignment = models.ForeignKey(
        "projects.Assignment", on_delete=models.PROTECT, related_name="rates"
    )
    customer_rate = models.DecimalField(max_digits=10, decimal_places=2)
    effective_from = models.DateField()
    # Set by ``clean`` (blank only lets it run first); never null in the database.
    minimum_rate = models.DecimalField(max_digits=10, decimal_places=2, blank=True)
    expert_rate = models.DecimalField(max_digits=10, decimal_places=2, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["assignment", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "effective_from"], name="assignment_rate_one_per_day"
            ),
            models.CheckConstraint(
                condition=Q(customer_rate__gte=RATE_FLOOR)
                & Q(customer_rate__gte=F("minimum_rate"))
                & Q(customer_rate__gte=F("expert_rate")),
                name="customer_rate_at_least_minimum",
                violation_error_message=f"{NON_NEGOTIABLE}.",
            ),
        ]

    def __str__(self):
        return f"{self.assignment}: ${self.customer_rate}/h from {self.effective_from}"

    def clean(self):
        """Set the figures the row is checked against, then check them beside the field."""
        from payments.selectors.rates import expert_rate_periods, rates_from, region_minimum

        if None in (self.assignment_id, self.customer_rate, self.effective_from):
            return
        earlier = AssignmentRate.objects.filter(assignment_id=self.assignment_id)
        if earlier.exclude(pk=self.pk).exists():
            # The first rate may start with the assignment: nothing is billed without one.
            _refuse_the_past(self.effective_from)
        expert = self.assignment.expert
        profile = getattr(expert, "expert_profile", None)
        if profile is None:
            raise ValidationError({"assignment": "The assignee is not an expert of the network."})
        self.minimum_rate = region_minimum(profile.region)
        periods = expert_rate_periods([expert.pk]).get(expert.pk, [])
        self.expert_rate = max(rates_from(periods, self.effective_from), default=Decimal(0))
        if self.customer_rate < self.minimum_rate:
            raise ValidationError(
                {
                    "customer_rate": f"At least ${self.minimum_rate}/h for an expert in "
                    f"{profile.get_region_display()}. {NON_NEGOTIABLE}."
                }
            )
        if self.customer_rate < self.expert_rate:
            raise ValidationError(
                {
                    "customer_rate": f"At least the expert's own rate, ${self.expert_rate}/h, "
                    f"from that day. {NON_NEGOTIABLE}."
                }
            )
