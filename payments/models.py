from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class Settlement(models.Model):
    """A settled pay period (R-SETTLE). Time entries that point at a settlement are locked
    (R-TIMESHEET): the hours were paid and invoiced, so they can no longer change.

    Only the link the timesheets need lives here for now; the payments area adds rates,
    amounts and ledger entries.
    """

    starts_on = models.DateField(help_text="First day of the period.")
    ends_on = models.DateField(help_text="Last day of the period (inclusive).")
    settled_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="settlement_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"Settlement {self.starts_on:%d %b %Y} – {self.ends_on:%d %b %Y}"

    def covers(self, day) -> bool:
        return self.starts_on <= day <= self.ends_on
