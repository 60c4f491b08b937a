"""Demo money: customer rates on the demo assignments, the ended pay periods settled, and
the demo organizations invoiced for them, one invoice paid. Everything goes through the
services; idempotent (a rate is set only where none is, settling and invoicing are
catch-ups, and a payment is recorded only while no demo invoice is paid)."""

from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from payments.models import AssignmentRate, ExpertRate, Invoice
from payments.selectors.rates import expert_rate_on, region_minimum
from payments.services.invoices import invoice_pay, invoices_run
from payments.services.rates import assignment_rate_set, expert_rate_change
from payments.services.settlement import settlements_run
from projects.models import Assignment
from softwaresupp.money import money

# What demo customers pay above the region minimum (or the expert's rate, if higher).
MARKUP = Decimal("1.25")
# The demo experts' raise, from the day the demo is seeded.
RAISE = Decimal("1.04")


def _staff(world: dict) -> User:
    """The demo staff user, acting as in a session verified with MFA (the services check)."""
    staff = world.get("staff") or User.objects.filter(is_staff=True).order_by("pk").first()
    staff.mfa_verified = True
    return staff


def _customer_rates(staff: User) -> None:
    priced = AssignmentRate.objects.values("assignment_id")
    unpriced = Assignment.objects.exclude(pk__in=priced).select_related("expert__expert_profile")
    for assignment in unpriced.order_by("pk"):
        profile = getattr(assignment.expert, "expert_profile", None)
        if profile is None:
            continue
        floor = max(
            region_minimum(profile.region),
            expert_rate_on(assignment.expert, assignment.starts_on) or Decimal(0),
        )
        assignment_rate_set(
            actor=staff,
            assignment=assignment,
            customer_rate=money(floor * MARKUP),
            effective_from=assignment.starts_on,  # the first rate may start with it
        )


def _expert_rates(staff: User) -> None:
    """A raise from today for each demo expert still on their opening (profile) rate, so
    the rates admin shows a dated change and this period's hours show both rates. Under
    every customer rate they are paid by (MARKUP is higher); skipped once any is set."""
    changed = ExpertRate.objects.values("expert_id")
    experts = User.objects.filter(expert_profile__isnull=False).exclude(pk__in=changed)
    for expert in experts.select_related("expert_profile").order_by("pk"):
        expert_rate_change(
            actor=staff,
            expert=expert,
            hourly_rate=money(expert.expert_profile.hourly_rate * RAISE),
            effective_from=timezone.localdate(),
        )


def seed(world: dict) -> None:
    staff = _staff(world)
    _customer_rates(staff)
    _expert_rates(staff)
    settlements_run()
    invoices_run()
    if not Invoice.objects.filter(state=Invoice.State.PAID).exists():
        oldest = Invoice.objects.filter(state=Invoice.State.ISSUED).order_by("issued_at", "pk")
        if oldest.exists():
            invoice = oldest.first()
            invoice_pay(
                actor=staff,
                invoice=invoice,
                paid_on=invoice.issued_at.date(),
                reference="DEMO-TRANSFER-001",
            )
