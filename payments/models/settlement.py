"""The two-week settlement (R-SETTLE): what each expert earned per project in a period,
credited to their available balance once. One ``Settlement`` per period (unique start),
pointing at the ``timesheets.SettledPeriod`` that locks the period's hours."""

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class Settlement(models.Model):
    starts_on = models.DateField(unique=True, help_text="The period's first day, a Monday.")
    ends_on = models.DateField(help_text="The period's last day, its second Sunday.")
    period = models.OneToOneField(
        "timesheets.SettledPeriod", on_delete=models.PROTECT, related_name="payment_settlement"
    )
    total = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    settled_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="settlement_ends_after_start"
            ),
        ]
        triggers = [
            pgtrigger.Protect(
                name="settlement_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            ),
        ]

    def __str__(self):
        return f"Settlement {self.starts_on:%d %b %Y} – {self.ends_on:%d %b %Y}"


class SettlementLineQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff (MFA-verified) see every line; an expert sees their own."""
        if user.sees_everything:
            return self
        if not user.is_authenticated:
            return self.none()
        return self.filter(expert=user)


class SettlementLine(models.Model):
    """One expert's hours on one project in the period and what they earned for them:
    ``amount`` is rounded to cents once, on the line (see ``services.settlement``);
    ``rates`` keeps the hours at each rate in force, ``[[rate, hours], …]``."""

    settlement = models.ForeignKey(Settlement, on_delete=models.PROTECT, related_name="lines")
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="settlement_lines"
    )
    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, related_name="settlement_lines"
    )
    hours = models.DecimalField(max_digits=10, decimal_places=2)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    rates = models.JSONField(default=list)

    objects = SettlementLineQuerySet.as_manager()

    class Meta:
        ordering = ["settlement", "expert", "project"]
        constraints = [
            models.UniqueConstraint(
                fields=["settlement", "expert", "project"], name="settlement_line_once"
            ),
        ]
        triggers = [
            pgtrigger.Protect(
                name="settlement_line_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            ),
        ]

    def __str__(self):
        return f"{self.expert} · {self.project}: {self.hours} h = ${self.amount}"


class SettlementStatements(models.Model):
    """The settlement's statement emails were queued (one per expert, in the outbox). They
    are rendered after the settlement commits, by ``settlement_statements_send``: a
    settlement without this row is the durable note that they are still due, so a crash
    in between only delays them, and the outbox keys make a repeat send nothing twice."""

    settlement = models.OneToOneField(
        Settlement, on_delete=models.PROTECT, related_name="statements_queued"
    )
    queued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "settlement statements"

    def __str__(self):
        return f"Statements of {self.settlement} queued {self.queued_at:%d %b %Y %H:%M}"
