"""Referral partners (R-COMMISSION): anyone may become one and share a link; a visit
attributes for 90 days (the first link wins), and a customer who signs up through it is
the partner's for the customer's lifetime. Nobody refers themselves."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Membership, Organization, User
from leads.models import Attribution, ReferralPartner
from softwaresupp.events import event_record

REFERRAL_COOKIE = "ss_referral"
REFERRAL_SALT = "leads.referral"


def referral_window() -> timedelta:
    return timedelta(days=settings.REFERRAL_WINDOW_DAYS)


@transaction.atomic
def partner_join(*, user: User) -> ReferralPartner:
    """A signed-in person becomes a referral partner and gets a link; joining twice gives
    the same link."""
    partner, created = ReferralPartner.objects.get_or_create(user=user)
    if created:
        event_record(actor=user, target=partner, verb="referral partner joined")
    return partner


@transaction.atomic
def partner_register(
    *, email: str, password: str, first_name: str, last_name: str
) -> ReferralPartner:
    """An outside referrer signs up: an account (its address to be verified like any
    sign-up) and a referral partner in one step."""
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            {"email": "An account with this address exists: sign in and join from your menu."}
        )
    user = User.objects.create_user(
        email=email, password=password, first_name=first_name.strip(), last_name=last_name.strip()
    )
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
    return partner_join(user=user)


def _is_self_referral(partner: ReferralPartner, organization: Organization, user: User) -> bool:
    return (
        partner.user_id == user.pk
        or Membership.objects.filter(organization=organization, user_id=partner.user_id).exists()
    )


@transaction.atomic
def attribution_from_referral(
    *, partner: ReferralPartner, organization: Organization, user: User
) -> Attribution | None:
    """The organization ``user`` just signed up with becomes the partner's referred customer,
    unless it is the partner's own (no self-referral) or something brought it first (the
    first attribution wins). None when nothing was attributed."""
    Organization.objects.select_for_update().filter(pk=organization.pk).values_list("pk").get()
    if _is_self_referral(partner, organization, user):
        event_record(
            actor=user,
            target=partner,
            verb="self-referral refused",
            organization=organization,
        )
        return None
    if Attribution.objects.filter(organization=organization).exists():
        return None
    attribution = Attribution(organization=organization, partner=partner)
    attribution.full_clean()
    attribution.save()
    event_record(
        actor=user,
        target=attribution,
        verb="customer referred",
        organization=organization,
        note=str(partner.user),
    )
    return attribution
