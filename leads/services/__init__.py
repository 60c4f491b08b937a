"""Writes for leads, referrals and commissions, split by area; every service is importable
from here."""

from leads.services.pipeline import (
    lead_advance,
    lead_create,
    lead_outcome_record,
    lead_reminders_send,
    lead_update,
)
from leads.services.plans import (
    offer_accept,
    offer_decline,
    offer_request,
    offer_send,
    plan_launch,
)
from leads.services.referrals import (
    attribution_from_referral,
    partner_join,
    partner_register,
)
from leads.services.summaries import summary_send

__all__ = [
    "attribution_from_referral",
    "lead_advance",
    "lead_create",
    "lead_outcome_record",
    "lead_reminders_send",
    "lead_update",
    "offer_accept",
    "offer_decline",
    "offer_request",
    "offer_send",
    "partner_join",
    "partner_register",
    "plan_launch",
    "summary_send",
]
