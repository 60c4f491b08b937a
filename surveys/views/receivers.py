"""Who receives an organization's weekly survey (R-NPS): a member for themselves, an owner
for anyone, from the organization page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect

from accounts.models import Membership
from accounts.selectors import organization_get
from softwaresupp.http import post_required_after_lookup
from surveys.forms import ReceiverForm
from surveys.services import survey_opt_out_set


@login_required
def receiver_set(request, slug, user_id):
    organization = organization_get(user=request.user, slug=slug)
    membership = get_object_or_404(
        Membership.objects.select_related("user"), organization=organization, user_id=user_id
    )
    if refused := post_required_after_lookup(request):
        return refused
    form = ReceiverForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose whether the member receives the survey.")
        return redirect(organization)
    receives = form.cleaned_data["receives"]
    # A member choosing for someone else is refused there (PermissionDenied: 403).
    survey_opt_out_set(
        actor=request.user, organization=organization, user=membership.user, receives=receives
    )
    who = "You" if membership.user == request.user else membership.user.email
    verb = "receive" if who == "You" else "receives"
    if receives:
        messages.success(request, f"{who} {verb} the weekly survey.")
    else:
        messages.success(request, f"{who} no longer {verb} the weekly survey.")
    return redirect(organization.get_absolute_url() + "#weekly-survey")
