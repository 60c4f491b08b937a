"""Payout requests (R-PAYOUT): an expert withdraws from the available balance; staff approve
and mark it paid in Django admin within 24 hours.

States only move forward: requested → approved → paid, or to rejected / failed from
requested or approved. The money moves in the ledger (``payments.services.payouts``); this
row is the request, its bank details (encrypted at rest) and its decisions.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from softwaresupp.crypto import decrypt

# The network promises payment within 24 hours; staff are alerted at 20.
PAYOUT_DEADLINE = timedelta(hours=24)
PAYOUT_ALERT_AFTER = timedelta(hours=20)


class PayoutState(models.TextChoices):
    REQUESTED = "requested", "Requested"
    APPROVED = "approved", "Approved"
    PAID = "paid", "Paid"
    REJECTED = "rejected", "Rejected"
    FAILED = "failed", "Failed"


# Where each state may go next; a final state goes nowhere, so no state comes back.
PAYOUT_TRANSITIONS = {
    PayoutState.REQUESTED: {PayoutState.APPROVED, PayoutState.REJECTED, PayoutState.FAILED},
    PayoutState.APPROVED: {PayoutState.PAID, PayoutState.REJECTED, PayoutState.FAILED},
}
OPEN_STATES = (PayoutState.REQUESTED, PayoutState.APPROVED)


class PayoutQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff (MFA-verified) see every request; an expert sees their own."""
        if user.sees_everything:
            return self
        if not user.is_authenticated:
            return self.none()
        return self.filter(expert=user)


class PayoutRequest(models.Model):
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payout_requests"
    )
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    state = models.CharField(
        max_length=16, choices=PayoutState.choices, default=PayoutState.REQUESTED
    )
    # Fernet ciphertext (softwaresupp.crypto); only the last four characters are kept plain,
    # for the masked display.
    bank_details_encrypted = models.TextField(blank=True)
    bank_details_last4 = models.CharField(max_length=4, blank=True)
    invoice = models.FileField(upload_to="payouts/invoices/%Y/%m/", blank=True)
    requested_at = models.DateTimeField(default=timezone.now, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    # Set in the same transaction as the staff alert's outbox rows, so each request alerts once.
    overdue_alerted_at = models.DateTimeField(null=True, blank=True)

    objects = PayoutQuerySet.as_manager()

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payout_amount_positive"),
            models.CheckConstraint(
                condition=Q(state__in=PayoutState.values), name="payout_state_known"
            ),
        ]

    def __str__(self):
        return f"Payout #{self.pk} · {self.amount} · {self.expert}"

    def can_transition(self, to: str) -> bool:
        return to in PAYOUT_TRANSITIONS.get(self.state, set())

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def due_at(self):
        return self.requested_at + PAYOUT_DEADLINE

    @property
    def age(self) -> timedelta:
        return timezone.now() - self.requested_at

    @property
    def masked_bank_details(self) -> str:
        return f"•••• {self.bank_details_last4}" if self.bank_details_encrypted else ""

    def bank_details(self) -> str:
        """The plain bank details, for staff paying the request."""
        return decrypt(self.bank_details_encrypted) if self.bank_details_encrypted else ""
