"""Writes of matching and onboarding, split by area; every service is importable from here."""

from onboarding.services.access import (
    stakeholder_add,
    stakeholder_validate,
    tool_advance,
    tool_request,
)
from onboarding.services.postings import (
    offer_choose,
    offer_send,
    offer_shortlist_set,
    offer_suggest_set,
    offer_withdraw,
    posting_close,
    posting_create,
    postings_announce,
)
from onboarding.services.vault import (
    credential_delete,
    credential_replace,
    credential_request,
    credential_reveal,
    credential_store,
)

__all__ = [
    "credential_delete",
    "credential_replace",
    "credential_request",
    "credential_reveal",
    "credential_store",
    "offer_choose",
    "offer_send",
    "offer_shortlist_set",
    "offer_suggest_set",
    "offer_withdraw",
    "posting_close",
    "posting_create",
    "postings_announce",
    "stakeholder_add",
    "stakeholder_validate",
    "tool_advance",
    "tool_request",
]
