from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class Event(models.Model):
    """One row per change anywhere on the platform: who did what to which object, from → to.

    Task history, release logs, reveal logs and payout trails are views of this table.
    ``changes`` maps a field name to ``[from, to]`` (strings, for display).
    """

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # History outlives nothing it describes: a user or an organization with events cannot
    # be deleted (deactivate instead), so no cascade can erase or anonymise the log.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organization = models.ForeignKey(
        "accounts.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    verb = models.CharField(max_length=64)
    changes = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id", "created_at"])]

    def __str__(self):
        return f"{self.actor or 'system'} {self.verb} {self.target_type.model}#{self.target_id}"


class OutboxMessage(models.Model):
    """One email to one recipient, written in the same transaction as its cause and relayed
    after the commit (``softwaresupp.outbox``). ``key`` names the cause and the recipient,
    so queueing the same cause twice keeps one row."""

    class State(models.TextChoices):
        PENDING = "pending"
        SENT = "sent"
        FAILED = "failed"  # refused permanently, or temporarily too many times

    key = models.CharField(max_length=255, unique=True)
    template = models.CharField(max_length=100)
    to = models.EmailField()
    subject = models.TextField()
    text = models.TextField()
    html = models.TextField(blank=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    # When a relay may take it next: now for a new row, later after a temporary refusal,
    # and while a relay holds it (the claim lapses there if its worker dies).
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(state="pending"),
                name="outbox_due_idx",
            )
        ]
        permissions = [("resend_outboxmessage", "Can resend a failed email")]

    def __str__(self):
        return f"{self.subject} → {self.to}"


class FormSubmission(models.Model):
    """A create form's one-time token, claimed by the first post that carries it
    (``softwaresupp.submissions``): a replay of the same post finds the row it created
    instead of creating another."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token = models.UUIDField()
    target_type = models.ForeignKey(
        ContentType, null=True, on_delete=models.CASCADE, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(null=True)
    target = GenericForeignKey("target_type", "target_id")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "token"], name="form_submission_once")
        ]

    def __str__(self):
        return f"{self.token} by {self.user_id}"
