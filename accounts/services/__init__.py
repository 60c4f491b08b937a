"""Writes for people and tenants, split by area; every service is importable from here."""

from accounts.services.experts import expert_profile_create
from accounts.services.members import (
    invitation_accept,
    invitation_create,
    invitation_revoke,
    membership_remove,
    membership_role_set,
)
from accounts.services.organizations import organization_create
from accounts.services.people import user_update

__all__ = [
    "expert_profile_create",
    "invitation_accept",
    "invitation_create",
    "invitation_revoke",
    "membership_remove",
    "membership_role_set",
    "organization_create",
    "user_update",
]
