"""Leads, planned-work summaries, hourly plans and offers, referral partners, attribution
and commissions (R-LEAD, R-LEAD-SUMMARY, R-PLAN, R-COMMISSION), by area."""

from leads.models.commissions import Commission
from leads.models.leads import OPEN_STAGES, STAGE_ORDER, Lead
from leads.models.plans import HourlyPlan, Offer, OfferLine, PlannedWorkSummary
from leads.models.referrals import Attribution, ReferralPartner

__all__ = [
    "OPEN_STAGES",
    "STAGE_ORDER",
    "Attribution",
    "Commission",
    "HourlyPlan",
    "Lead",
    "Offer",
    "OfferLine",
    "PlannedWorkSummary",
    "ReferralPartner",
]
