"""Writes for people and tenants, split by area; every service is importable from here."""

from accounts.services.experts import (
    expert_profile_certify,
    expert_profile_complete,
    expert_profile_create,
    expert_profile_uncertify,
    expert_profile_update,
    expert_rules_accept,
)
from accounts.services.members import (
    invitation_accept,
    invitation_accept_url,
    invitation_create,
    invitation_revoke,
    membership_remove,
    membership_role_set,
    organization_invite_owner,
)
from accounts.services.organizations import (
    organization_create,
    organization_open,
    organization_update,
)
from accounts.services.people import (
    user_access_change,
    user_create,
    user_deactivate,
    user_password_set,
    user_reactivate,
    user_update,
)

__all__ = [
    "expert_profile_certify",
    "expert_profile_complete",
    "expert_profile_create",
    "expert_profile_uncertify",
    "expert_profile_update",
    "expert_rules_accept",
    "invitation_accept",
    "invitation_accept_url",
    "invitation_create",
    "invitation_revoke",
    "membership_remove",
    "membership_role_set",
    "organization_create",
    "organization_invite_owner",
    "organization_open",
    "organization_update",
    "user_access_change",
    "user_create",
    "user_deactivate",
    "user_password_set",
    "user_reactivate",
    "user_update",
]
