"""The customer's onboarding checklist (R-ACCESS): stakeholders and the tools the experts
need access to, each given one of three ways."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Organization
from projects.models import Assignment


class OrganizationScopedQuerySet(models.QuerySet):
    def visible_to(self, user):
        """R-TENANT: staff all; the organization's members; experts while an assignment of
        theirs on one of its projects covers today."""
        if not user.is_authenticated:
            return self.none()
        if user.sees_everything:
            return self
        assigned = Assignment.objects.current().filter(expert=user).values("organization_id")
        return self.filter(
            Q(organization__memberships__user=user) | Q(organization_id__in=assigned)
        ).distinct()


class Stakeholder(models.Model):
    """A person at the customer the experts may contact (R-ACCESS)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="stakeholders"
    )
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=120)
    email = models.EmailField()
    phone = models.CharField(max_length=40, blank=True)
    # Confirmed by an assigned expert or staff: the contact was reached and is right.
    validated_at = models.DateTimeField(null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = OrganizationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["organization", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "email"], name="stakeholder_unique_email_per_org"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.role})"

    @property
    def is_validated(self) -> bool:
        return self.validated_at is not None


class ToolAccess(models.Model):
    """One tool the experts need, how access is given, and how far it got."""

    class Method(models.TextChoices):
        EXPERT_MAILBOX = "expert_mailbox", "The expert's mailbox address added as admin"
        SUPPORT_ADDRESS = "support_address", "The support address added as admin"
        VAULT = "vault", "Credentials through the vault"

    class State(models.TextChoices):
        REQUESTED = "requested", "Requested"  # on the checklist, waiting for the customer
        PROVIDED = "provided", "Provided"  # the customer says access is given
        VERIFIED = "verified", "Verified"  # an assigned expert (or staff) checked it works

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="tools")
    name = models.CharField(max_length=120)
    url = models.URLField(blank=True)
    method = models.CharField(max_length=20, choices=Method.choices)
    state = models.CharField(max_length=16, choices=State.choices, default=State.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    provided_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = OrganizationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["organization", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name", "method"], name="tool_unique_per_org_method"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_method_display()})"
