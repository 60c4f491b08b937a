"""What a lead turns into: the planned-work summary sent to the customer (R-LEAD-SUMMARY),
the hourly plan the customer launches from it, and offers for larger projects (R-PLAN)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, Organization
from leads.models.leads import Lead
from projects.models import Assignment, Project, Task


def _customer_or_expert(user, *, expert_path: str):
    """Staff all; the customer's members; the expert named by ``expert_path``."""
    return Q(organization__memberships__user=user) | Q(**{expert_path: user})


class PlannedWorkSummaryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff all; the lead's expert; the customer organization's members."""
        if not user.is_authenticated:
            return self.none()
        if user.sees_everything:
            return self
        return self.filter(_customer_or_expert(user, expert_path="lead__expert")).distinct()


class PlannedWorkSummary(models.Model):
    """The planned work a lead's expert drafted for the customer: a draft project with
    estimated tasks on the customer's board. It ties the customer to the lead."""

    lead = models.OneToOneField(Lead, on_delete=models.PROTECT, related_name="summary")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    project = models.OneToOneField(
        Project, on_delete=models.PROTECT, related_name="planned_work_summary"
    )
    # The owner invitation sent with it when the customer had no account yet.
    invitation = models.ForeignKey(
        Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.TextField(max_length=4000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = PlannedWorkSummaryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "planned-work summaries"

    def __str__(self):
        return f"Planned work for {self.organization}: {self.project}"

    def get_absolute_url(self):
        return reverse("leads:summary", kwargs={"pk": self.pk})


class HourlyPlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff all; the customer's members; the plan's expert."""
        if not user.is_authenticated:
            return self.none()
        if user.sees_everything:
            return self
        return self.filter(_customer_or_expert(user, expert_path="expert")).distinct()


class HourlyPlan(models.Model):
    """R-PLAN: the customer's hourly plan on a project: from its launch the project is
    active and the expert assigned at the agreed customer rate."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    project = models.OneToOneField(Project, on_delete=models.PROTECT, related_name="hourly_plan")
    summary = models.OneToOneField(
        PlannedWorkSummary, null=True, blank=True, on_delete=models.PROTECT, related_name="plan"
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="hourly_plans"
    )
    assignment = models.OneToOneField(Assignment, on_delete=models.PROTECT, related_name="+")
    customer_rate = models.DecimalField(max_digits=10, decimal_places=2)
    weekly_hour_cap = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Optional: at most this many hours a week.",
    )
    launched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    launched_at = models.DateTimeField(default=timezone.now)

    objects = HourlyPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-launched_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weekly_hour_cap__isnull=True) | Q(weekly_hour_cap__gt=0),
                name="hourly_plan_cap_positive",
            ),
        ]

    def __str__(self):
        return f"Hourly plan: {self.project} with {self.expert}"

    def get_absolute_url(self):
        return reverse("leads:plan", kwargs={"pk": self.pk})


class OfferQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff all; the customer's members; the plan's expert."""
        if not user.is_authenticated:
            return self.none()
        if user.sees_everything:
            return self
        return self.filter(_customer_or_expert(user, expert_path="plan__expert")).distinct()


class Offer(models.Model):
    """R-PLAN: a customer with an active plan asks for an offer for a larger project; the
    expert answers with an estimate of line items (hours × rate); the customer accepts it
    (the lines become tasks) or declines it."""

    class State(models.TextChoices):
        REQUESTED = "requested", "Requested"  # the customer asked; the expert estimates
        SENT = "sent", "Sent"  # the estimate waits for the customer's decision
        ACCEPTED = "accepted", "Accepted"  # its lines are tasks on the board
        DECLINED = "declined", "Declined"  # the customer said no

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(HourlyPlan, on_delete=models.PROTECT, related_name="offers")
    title = models.CharField(max_length=200)
    request = models.TextField(max_length=4000, help_text="What the larger project is about.")
    state = models.CharField(max_length=16, choices=State.choices, default=State.REQUESTED)
    rate = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    total = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    note = models.TextField(max_length=4000, blank=True, help_text="The expert's notes.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = OfferQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self):
        return f"Offer: {self.title} ({self.get_state_display()})"

    def get_absolute_url(self):
        return reverse("leads:offer", kwargs={"pk": self.pk})


class OfferLine(models.Model):
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="lines")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=200)
    hours = models.DecimalField(max_digits=7, decimal_places=2)
    rate = models.DecimalField(max_digits=10, decimal_places=2)
    amount = models.DecimalField(max_digits=14, decimal_places=2)  # money(hours × rate)
    position = models.PositiveIntegerField(default=0)
    # The task the line became when the offer was accepted.
    task = models.OneToOneField(
        Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["offer", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="offer_line_hours_positive"),
            models.CheckConstraint(condition=Q(rate__gt=0), name="offer_line_rate_positive"),
        ]

    def __str__(self):
        return f"{self.title}: {self.hours} h × ${self.rate}"
