"""The credentials vault (R-SECRET): secrets encrypted at rest with the platform's field
keys (``softwaresupp.crypto``), revealed only to the project's current experts and staff."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organization
from projects.models import Assignment, Project


class CredentialQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Who sees that a credential exists (never its secret): staff, the organization's
        members, and experts currently assigned to its project. Deleted ones are gone."""
        live = self.filter(deleted_at__isnull=True)
        if not user.is_authenticated:
            return self.none()
        if user.sees_everything:
            return live
        return live.filter(
            Q(organization__memberships__user=user) | Q(project__in=_current_projects(user))
        ).distinct()

    def revealable_by(self, user):
        """R-SECRET: the secret itself, only to staff and to experts assigned to the project
        today; an ended assignment reveals nothing."""
        live = self.filter(deleted_at__isnull=True).exclude(secret_encrypted="")
        if not user.is_authenticated:
            return self.none()
        if user.sees_everything:
            return live
        return live.filter(project__in=_current_projects(user))

    def with_rotation_due(self):
        """``rotation_due``: an expert whose assignment on the project ended (before today)
        could see the current secret: it should be changed (R-SECRET). Computed, so a late
        or repeated look never disagrees with the assignments."""
        today = timezone.now().date()
        left = Assignment.objects.filter(
            project_id=OuterRef("project_id"),
            ends_on__lt=today,
            ends_on__gte=OuterRef("secret_changed_on"),
        )
        return self.annotate(rotation_due=Exists(left))


def _current_projects(user):
    return Assignment.objects.current().filter(expert=user).values("project_id")


class Credential(models.Model):
    """A login to one of the customer's tools. ``secret_encrypted`` holds the Fernet token of
    the username, password and notes; nothing else of the secret is stored."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="credentials"
    )
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="credentials")
    label = models.CharField(max_length=120, help_text="The tool, e.g. Shopify admin.")
    url = models.URLField(blank=True)
    secret_encrypted = models.TextField(blank=True)
    # The day the current secret was stored: experts who left on or after it knew it.
    secret_changed_on = models.DateField(default=timezone.localdate)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Deleting wipes the ciphertext and keeps the row, so the reveal log keeps its subject.
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = CredentialQuerySet.as_manager()

    class Meta:
        ordering = ["organization", "label", "id"]

    def __str__(self):
        return self.label

    def get_absolute_url(self):
        return reverse("onboarding:credential_detail", kwargs={"pk": self.pk})


def _request_token() -> str:
    return secrets.token_urlsafe(32)


def _request_expiry():
    return timezone.now() + timedelta(days=7)


class CredentialRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The link is one-time and for the customer: their organization's members (and
        staff, who may submit on the customer's behalf)."""
        if not user.is_authenticated:
            return self.none()
        if user.sees_everything:
            return self
        return self.filter(organization__memberships__user=user).distinct()


class CredentialRequest(models.Model):
    """An expert asks the customer for a login; the customer gets a one-time link to submit
    it through the secure form (R-SECRET)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"  # emailed to the customer, link not used yet
        FULFILLED = "fulfilled", "Fulfilled"  # the customer submitted the credential
        CANCELLED = "cancelled", "Cancelled"  # withdrawn; the link no longer works

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    label = models.CharField(max_length=120, help_text="The tool the expert needs.")
    note = models.TextField(blank=True)
    token = models.CharField(max_length=64, unique=True, default=_request_token, editable=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    credential = models.ForeignKey(
        Credential, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=_request_expiry)
    fulfilled_at = models.DateTimeField(null=True, blank=True)

    objects = CredentialRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.label} for {self.project}"

    def can_fulfil(self) -> bool:
        return self.status == self.Status.PENDING and self.expires_at > timezone.now()
