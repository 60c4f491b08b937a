"""Matching and onboarding: postings and offers (R-MATCH), the customer's onboarding
checklist (R-ACCESS) and the credentials vault (R-SECRET)."""

from onboarding.models.access import Stakeholder, ToolAccess
from onboarding.models.postings import Offer, Posting
from onboarding.models.vault import Credential, CredentialRequest

__all__ = ["Credential", "CredentialRequest", "Offer", "Posting", "Stakeholder", "ToolAccess"]
