"""Customer invoices (issue 9, item 4): for each settled two-week period, each organization
is billed once for its hours × the customer rate, in lines per project, expert and rate.

An invoice's number is gapless per year ("2026-0001", "2026-0002", …): it is taken from the
year's ``InvoiceSequence`` row, locked, in the same transaction that writes the invoice, so a
rolled-back issue gives its number back and two issuing at once wait for each other.
Lines and amounts never change once issued; the state moves issued → paid or void (see
``payments.services.invoices``), and every money movement is in the ledger.
"""

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership


class InvoiceState(models.TextChoices):
    ISSUED = "issued", "Issued"  # billed, the receivable is open: awaiting payment
    PAID = "paid", "Paid"  # staff recorded the customer's payment; commissions build on it
    VOID = "void", "Void"  # cancelled (from issued or paid): its ledger postings are reversed


# Where each state may go next. A paid invoice may still be voided (a refund or a billing
# mistake found later): its payment is reversed too, and the leads' commission on it is
# cancelled or clawed back. Void is final.
INVOICE_TRANSITIONS = {
    InvoiceState.ISSUED: {InvoiceState.PAID, InvoiceState.VOID},
    InvoiceState.PAID: {InvoiceState.VOID},
}


def invoice_number(year: int, sequence: int) -> str:
    return f"{year}-{sequence:04d}"


class InvoiceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff (MFA-verified) see every invoice; an organization's owners see its
        invoices (owners manage billing: ``Membership.Role``); members and experts none."""
        if not user.is_authenticated:
            return self.none()
        if user.sees_everything:
            return self
        owned = Membership.objects.filter(user=user, role=Membership.Role.OWNER)
        return self.filter(organization_id__in=owned.order_by().values("organization_id"))


class InvoiceSequence(models.Model):
    """The last number issued in a year. Its row is locked by each issue, so numbers are
    handed out one at a time, in order, and a rolled-back issue leaves no gap."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year}: {self.last_number} issued"


class Invoice(models.Model):
    State = InvoiceState

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="invoices"
    )
    # The settled period whose hours are billed: the same entries the settlement locked.
    period = models.ForeignKey(
        "timesheets.SettledPeriod", on_delete=models.PROTECT, related_name="invoices"
    )
    starts_on = models.DateField(help_text="The period's first day.")
    ends_on = models.DateField(help_text="The period's last day.")
    year = models.PositiveSmallIntegerField(help_text="The year of the number.")
    sequence = models.PositiveIntegerField(help_text="The number within its year, from 1.")
    number = models.CharField(max_length=16, unique=True)
    state = models.CharField(max_length=8, choices=InvoiceState.choices, default="issued")
    total = models.DecimalField(max_digits=14, decimal_places=2)
    # Snapshots at issue: the invoice reads as it was sent, whatever changes later.
    billed_to = models.CharField(max_length=200)
    billing_email = models.EmailField(blank=True)
    issued_at = models.DateTimeField(default=timezone.now)
    paid_at = models.DateTimeField(null=True, blank=True)
    paid_on = models.DateField(null=True, blank=True, help_text="The day the money arrived.")
    payment_reference = models.CharField(max_length=200, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.CharField(max_length=300, blank=True)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["organization", "-issued_at"])]
        constraints = [
            # An organization is invoiced once per period.
            models.UniqueConstraint(fields=["organization", "period"], name="invoice_once"),
            models.UniqueConstraint(fields=["year", "sequence"], name="invoice_number_once"),
            models.CheckConstraint(condition=Q(sequence__gte=1), name="invoice_sequence_from_1"),
            models.CheckConstraint(condition=Q(total__gte=0), name="invoice_total_not_negative"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="invoice_ends_after_start"
            ),
            models.CheckConstraint(
                condition=(
                    Q(state=InvoiceState.ISSUED, paid_at__isnull=True, voided_at__isnull=True)
                    | Q(state=InvoiceState.PAID, paid_at__isnull=False, voided_at__isnull=True)
                    | Q(state=InvoiceState.VOID, voided_at__isnull=False)
                ),
                name="invoice_state_stamped",
            ),
        ]
        triggers = [
            pgtrigger.Protect(name="invoice_kept", operation=pgtrigger.Delete),
        ]

    def __str__(self):
        return f"Invoice {self.number}"

    def get_absolute_url(self):
        return reverse("payments:invoice", kwargs={"pk": self.pk})

    def can_become(self, state: str) -> bool:
        return state in INVOICE_TRANSITIONS.get(self.state, set())


class InvoiceLine(models.Model):
    """One expert's hours on one project at one customer rate. ``amount`` is
    ``money(hours × customer_rate)``: rounded half-up to cents ONCE per line, never per entry
    or day; the invoice's total is the sum of its lines."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="lines")
    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, related_name="invoice_lines"
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="invoice_lines"
    )
    hours = models.DecimalField(max_digits=10, decimal_places=2)
    customer_rate = models.DecimalField(max_digits=10, decimal_places=2)
    amount = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["invoice", "project__name", "expert__last_name", "customer_rate", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["invoice", "project", "expert", "customer_rate"], name="invoice_line_once"
            ),
            models.CheckConstraint(condition=Q(hours__gt=0), name="invoice_line_hours_positive"),
            models.CheckConstraint(
                condition=Q(customer_rate__gt=0), name="invoice_line_rate_positive"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="invoice_line_amount_not_negative"
            ),
        ]
        triggers = [
            pgtrigger.Protect(
                name="invoice_line_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            ),
        ]

    def __str__(self):
        return f"{self.project} · {self.expert}: {self.hours} h × ${self.customer_rate}"
