"""The expert's onboarding checklist (R-EXPERT-ONBOARD): profile, certification, mailbox
and the network's rules, each step shown done or to do."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.models import NETWORK_RULES, NETWORK_RULES_VERSION, ONBOARDING_STEP_LABELS
from accounts.services import expert_profile_complete, expert_rules_accept
from onboarding.forms import ExpertProfileForm, RulesForm
from onboarding.selectors import expert_stages
from softwaresupp.forms import apply_validation_error


def _own_profile(request):
    profile = getattr(request.user, "expert_profile", None)
    if profile is None:
        raise Http404("Only experts have an onboarding checklist.")
    return profile


def _page(request, profile, *, profile_form=None, rules_form=None):
    steps = profile.onboarding_steps()
    return render(
        request,
        "onboarding/expert_checklist.html",
        {
            "profile": profile,
            "steps": [(ONBOARDING_STEP_LABELS[step], done) for step, done in steps.items()],
            "onboarded": all(steps.values()),
            "profile_form": profile_form
            or ExpertProfileForm(
                initial={"skills": list(profile.skills.all()), "availability": profile.availability}
            ),
            "rules_form": rules_form or RulesForm(),
            "rules": NETWORK_RULES,
            "rules_version": NETWORK_RULES_VERSION,
        },
    )


@login_required
def expert_checklist(request):
    """An expert's own checklist; for staff, every expert's stage."""
    if request.user.sees_everything and not hasattr(request.user, "expert_profile"):
        return render(
            request,
            "onboarding/expert_stages.html",
            {"experts": expert_stages(), "labels": ONBOARDING_STEP_LABELS},
        )
    return _page(request, _own_profile(request))


@login_required
@require_POST
def expert_profile_save(request):
    profile = _own_profile(request)
    form = ExpertProfileForm(request.POST)
    if form.is_valid():
        try:
            expert_profile_complete(actor=request.user, profile=profile, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Your profile is saved.")
            return redirect("onboarding:expert_checklist")
    return _page(request, profile, profile_form=form)


@login_required
@require_POST
def expert_rules_accept_view(request):
    profile = _own_profile(request)
    form = RulesForm(request.POST)
    if form.is_valid():
        try:
            expert_rules_accept(actor=request.user, profile=profile)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "You accepted the network's rules.")
            return redirect("onboarding:expert_checklist")
    return _page(request, profile, rules_form=form)
