"""Sign-up through a referral link ties the new organization to the partner. Accounts'
sign-up knows nothing of leads: leads listen to allauth's ``user_signed_up`` and read the
attribution the link's visit left in a signed cookie."""

from allauth.account.signals import user_signed_up
from django.dispatch import receiver

from accounts.models import Membership, Organization
from leads.models import ReferralPartner
from leads.services.referrals import (
    REFERRAL_COOKIE,
    REFERRAL_SALT,
    attribution_from_referral,
    referral_window,
)


def referral_code(request) -> str | None:
    """The partner code of the visit that still attributes this browser: at most
    ``REFERRAL_WINDOW_DAYS`` old (the signature's timestamp says when), else None."""
    if request is None:
        return None
    return request.get_signed_cookie(
        REFERRAL_COOKIE,
        default=None,
        salt=REFERRAL_SALT,
        max_age=referral_window().total_seconds(),
    )


@receiver(user_signed_up, dispatch_uid="leads.attribute_signup")
def attribute_signup(sender, request, user, **kwargs):
    code = referral_code(request)
    partner = ReferralPartner.objects.filter(code=code).first() if code else None
    if partner is None:
        return
    owned = Organization.objects.filter(
        memberships__user=user, memberships__role=Membership.Role.OWNER
    )
    for organization in owned:
        attribution_from_referral(partner=partner, organization=organization, user=user)
