"""Commissions (R-COMMISSION): a share of each paid invoice of an attributed customer, for
the customer's lifetime, to the partner who referred it or the expert who passed its lead
to the pool. Held for a period, then credited to the beneficiary's balance in the ledger;
a voided invoice cancels a commission not yet credited, and claws back one that was."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Organization
from leads.models.referrals import Attribution


class CommissionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff all; everyone else the commissions they earn."""
        if not user.is_authenticated:
            return self.none()
        if user.sees_everything:
            return self
        return self.filter(beneficiary=user)


class Commission(models.Model):
    class Kind(models.TextChoices):
        COMMISSION = "commission", "Commission"  # the share of a paid invoice
        CLAWBACK = "clawback", "Clawback"  # its negative: the invoice was voided after credit

    class State(models.TextChoices):
        PENDING = "pending", "Pending"  # held until available_on (a clawback: until collected)
        CREDITED = "credited", "Credited"  # in the beneficiary's balance, paid out like any
        CANCELLED = "cancelled", "Cancelled"  # the invoice was voided before the credit

    invoice = models.ForeignKey("payments.Invoice", on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    attribution = models.ForeignKey(
        Attribution, on_delete=models.PROTECT, related_name="commissions"
    )
    beneficiary = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="commissions"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.COMMISSION)
    rate = models.DecimalField(max_digits=5, decimal_places=4)
    invoice_total = models.DecimalField(max_digits=14, decimal_places=2)
    # money(invoice_total × rate): rounded half-up once, here; negative for a clawback.
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    available_on = models.DateField(help_text="Credited from this day (the hold period).")
    clawback_of = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="clawback"
    )
    created_at = models.DateTimeField(default=timezone.now)
    credited_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = CommissionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One commission (and at most one clawback) per invoice and beneficiary, however
            # often or concurrently the job runs.
            models.UniqueConstraint(
                fields=["invoice", "beneficiary", "kind"], name="commission_once_per_invoice"
            ),
            models.CheckConstraint(
                condition=Q(kind="commission", amount__gt=0, clawback_of__isnull=True)
                | Q(kind="clawback", amount__lt=0, clawback_of__isnull=False),
                name="commission_sign_by_kind",
            ),
            models.CheckConstraint(
                condition=Q(state="credited", credited_at__isnull=False)
                | Q(state="cancelled", cancelled_at__isnull=False)
                | Q(state="pending"),
                name="commission_state_stamped",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ${self.amount} · {self.beneficiary}"
