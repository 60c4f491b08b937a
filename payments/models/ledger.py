"""The append-only double-entry ledger (issue 9, item 2).

Every movement of money is a ``LedgerTransaction`` whose ``LedgerEntry`` amounts sum to zero.
Sign convention: a positive amount raises the account's balance, a negative one lowers it.
Nothing is updated or deleted: a correction is a reversing transaction. On PostgreSQL the
database keeps both rules itself (pgtrigger triggers below, installed by migrations); on the
embedded SQLite default ``payments.apps`` adds plain UPDATE/DELETE refusals.
"""

import pgtrigger
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone


class AccountKind(models.TextChoices):
    EXPERT_AVAILABLE = "expert_available", "Expert available balance"  # earned, withdrawable
    EXPERT_PAYOUTS_PENDING = "expert_payouts_pending", "Expert payouts pending"  # requested
    PLATFORM_REVENUE = "platform_revenue", "Platform revenue"  # one for the platform
    PLATFORM_CASH = "platform_cash", "Platform cash (bank)"  # payouts paid out of it
    CUSTOMER_RECEIVABLE = "customer_receivable", "Customer receivable"  # billed, unpaid
    COMMISSIONS_PAYABLE = "commissions_payable", "Commissions payable"  # owed to partners


EXPERT_KINDS = (AccountKind.EXPERT_AVAILABLE, AccountKind.EXPERT_PAYOUTS_PENDING)
# An expert never withdraws or has pending more than they earned.
NON_NEGATIVE_KINDS = EXPERT_KINDS


class AccountQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff (MFA-verified) see every account; an expert sees their own; others none."""
        if user.sees_everything:
            return self
        if not user.is_authenticated:
            return self.none()
        return self.filter(expert=user)


class Account(models.Model):
    kind = models.CharField(max_length=32, choices=AccountKind.choices)
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_accounts",
    )
    organization = models.ForeignKey(
        "accounts.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_accounts",
    )
    can_go_negative = models.BooleanField(default=True)
    # The running balance: the sum of this account's entries, updated in the same database
    # transaction as they are written, so reading it is O(1). ``ledger_check`` proves it.
    balance = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    created_at = models.DateTimeField(default=timezone.now)

    objects = AccountQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(expert__isnull=True, organization__isnull=True),
                name="ledger_account_one_unowned_per_kind",
            ),
            models.UniqueConstraint(
                fields=["kind", "expert"],
                condition=Q(expert__isnull=False),
                name="ledger_account_one_per_kind_and_expert",
            ),
            models.UniqueConstraint(
                fields=["kind", "organization"],
                condition=Q(organization__isnull=False),
                name="ledger_account_one_per_kind_and_organization",
            ),
            models.CheckConstraint(
                condition=Q(expert__isnull=True) | Q(organization__isnull=True),
                name="ledger_account_one_owner",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=EXPERT_KINDS) | Q(expert__isnull=False),
                name="ledger_account_expert_kinds_have_an_expert",
            ),
            models.CheckConstraint(
                condition=Q(can_go_negative=True) | Q(balance__gte=0),
                name="ledger_account_not_overdrawn",
            ),
        ]
        triggers = [
            pgtrigger.Protect(name="ledger_account_kept", operation=pgtrigger.Delete),
        ]

    def __str__(self):
        owner = self.expert or self.organization or "platform"
        return f"{self.get_kind_display()} · {owner}"


class LedgerTransaction(models.Model):
    # Where the money movement comes from (a settlement line, an invoice, a payout, a
    # commission): a generic link, since those models arrive with later items.
    source_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    # A caller retrying the same posting gets the first transaction back, never a second.
    idempotency_key = models.CharField(max_length=200, unique=True)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    memo = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["source_type", "source_id"])]
        triggers = [
            pgtrigger.Protect(
                name="ledger_transaction_append_only",
                operation=pgtrigger.Update | pgtrigger.Delete,
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.memo or self.idempotency_key}"


class LedgerEntry(models.Model):
    transaction = models.ForeignKey(
        LedgerTransaction, on_delete=models.PROTECT, related_name="entries"
    )
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "ledger entries"
        indexes = [models.Index(fields=["account", "-created_at", "-id"])]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="ledger_entry_not_zero"),
        ]
        triggers = [
            pgtrigger.Protect(
                name="ledger_entry_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            ),
            # Balanced per statement: the rows one INSERT adds to each transaction must sum
            # to zero, so every transaction sums to zero after every statement (nothing is
            # updated or deleted), not only at COMMIT. One query over the inserted rows (a
            # transition table) per statement, where a deferred check per entry cost a
            # settlement 4,000 lookups at COMMIT. ``ledger_post_many`` writes all the entries
            # of its transactions in one statement; writing one transaction's entries in
            # parts that do not balance each is refused (docs/benchmarks.md, Settlement).
            pgtrigger.Trigger(
                name="ledger_transaction_balanced",
                when=pgtrigger.After,
                operation=pgtrigger.Insert,
                level=pgtrigger.Statement,
                referencing=pgtrigger.Referencing(new="inserted"),
                declare=[("unbalanced", "bigint")],
                func="""
                    SELECT transaction_id INTO unbalanced FROM inserted
                    GROUP BY transaction_id HAVING SUM(amount) <> 0 LIMIT 1;
                    IF FOUND THEN
                        RAISE EXCEPTION 'ledger transaction % does not sum to zero',
                            unbalanced USING ERRCODE = 'check_violation';
                    END IF;
                    RETURN NULL;
                """,
            ),
        ]

    def __str__(self):
        return f"{self.amount} → {self.account}"
