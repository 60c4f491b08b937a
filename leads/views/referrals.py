"""Referral partners: the link, its visits, joining and signing up, the partner page."""

from allauth.account import app_settings as allauth_settings
from allauth.account.utils import complete_signup
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse

from leads.forms import PartnerSignupForm
from leads.models import ReferralPartner
from leads.receivers import referral_code
from leads.selectors import partner_page
from leads.services import partner_join, partner_register
from leads.services.referrals import REFERRAL_COOKIE, REFERRAL_SALT, referral_window
from payments.selectors.payouts import available_balance
from softwaresupp.forms import apply_validation_error
from softwaresupp.notifications import absolute_url


def referral_visit(request, code):
    """Public: the partner's link. The first link a browser followed attributes it for the
    window (a signed cookie whose signature carries the time); the partner's own visit
    attributes nothing. Writes nothing, then shows the sign-up."""
    response = redirect("account_signup")
    partner = ReferralPartner.objects.filter(code=code).only("pk", "user_id").first()
    if partner is None or referral_code(request) is not None:
        return response
    if request.user.is_authenticated and request.user.pk == partner.user_id:
        return response
    response.set_signed_cookie(
        REFERRAL_COOKIE,
        code,
        salt=REFERRAL_SALT,
        max_age=int(referral_window().total_seconds()),
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


@login_required
def partner_home(request):
    page = partner_page(user=request.user)
    link = (
        absolute_url(reverse("leads:referral_visit", kwargs={"code": page.partner.code}))
        if page.partner
        else ""
    )
    return render(
        request,
        "leads/partner.html",
        {
            "page": page,
            "link": link,
            "balance": available_balance(request.user),
            "window_days": settings.REFERRAL_WINDOW_DAYS,
            "hold_days": settings.COMMISSION_HOLD_DAYS,
        },
    )


@login_required
def partner_join_view(request):
    if request.method != "POST":
        return redirect("leads:partner")
    partner_join(user=request.user)
    messages.success(request, "You are a referral partner: share your link.")
    return redirect("leads:partner")


def partner_signup(request):
    """Public: an outside referrer signs up (their address verified like any sign-up)."""
    if request.user.is_authenticated:
        return redirect("leads:partner")
    form = PartnerSignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                partner = partner_register(
                    email=data["email"],
                    password=data["password1"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                )
                return complete_signup(
                    request,
                    partner.user,
                    allauth_settings.EMAIL_VERIFICATION,
                    reverse("leads:partner"),
                )
        except ValidationError as error:
            apply_validation_error(form, error)
    return render(request, "leads/partner_signup.html", {"form": form})
