"""Referral partners and the attribution of a customer organization to whoever brought it
(R-COMMISSION): a partner's link, or a lead passed to the pool."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Organization
from leads.models.leads import Lead


def _referral_code() -> str:
    return secrets.token_urlsafe(9)


class ReferralPartner(models.Model):
    """Someone who refers customers by a link and earns a lifetime commission on them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referral_partner"
    )
    code = models.CharField(max_length=32, unique=True, default=_referral_code, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Referral partner {self.user}"


class AttributionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff all; a partner the customers they referred; an expert the customers of
        their leads."""
        if not user.is_authenticated:
            return self.none()
        if user.sees_everything:
            return self
        return self.filter(Q(partner__user=user) | Q(lead__expert=user))


class Attribution(models.Model):
    """Who brought a customer organization: a referral partner's link or an expert's lead.
    One per organization: the first attribution wins and is kept for the customer's
    lifetime."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="attribution"
    )
    partner = models.ForeignKey(
        ReferralPartner,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attributions",
    )
    lead = models.ForeignKey(
        Lead, null=True, blank=True, on_delete=models.PROTECT, related_name="attributions"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = AttributionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(partner__isnull=True, lead__isnull=False)
                | Q(partner__isnull=False, lead__isnull=True),
                name="attribution_one_source",
            ),
        ]

    def __str__(self):
        return f"{self.organization} via {self.partner or self.lead}"

    @property
    def beneficiary_id(self) -> int | None:
        """Who earns the commission (R-COMMISSION): the partner, or the expert who passed
        the lead to the pool; an expert who kept the customer earns priority instead."""
        if self.partner_id:
            return self.partner.user_id
        if self.lead.handling == Lead.Handling.POOL:
            return self.lead.expert_id
        return None
