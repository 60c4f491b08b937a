"""Postings, offers and the customer's choice (R-MATCH, R-WELCOME)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from accounts.models import Membership
from onboarding import selectors
from onboarding.forms import (
    OfferForm,
    PostingCloseForm,
    PostingForm,
    ShortlistForm,
    SuggestForm,
)
from onboarding.models import Offer
from onboarding.services import (
    offer_choose,
    offer_send,
    offer_shortlist_set,
    offer_suggest_set,
    offer_withdraw,
    posting_close,
    posting_create,
)
from softwaresupp.forms import apply_validation_error
from softwaresupp.http import post_required_after_lookup


@login_required
def posting_list(request):
    user = request.user
    profile = getattr(user, "expert_profile", None)
    return render(
        request,
        "onboarding/posting_list.html",
        {
            "postings": selectors.posting_list(user=user),
            "expert_profile": profile,
            "onboarded": profile.is_onboarded if profile else None,
            "organizations": Membership.objects.filter(user=user).select_related("organization"),
        },
    )


@login_required
def posting_new(request, slug):
    organization = selectors.posting_organization(user=request.user, slug=slug)
    form = PostingForm(request.POST or None, user=request.user, organization=organization)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            posting = posting_create(actor=request.user, organization=organization, **data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            if posting.on_behalf:
                messages.success(
                    request,
                    f"Posted for {organization.name}: its owners are told, matching experts "
                    "emailed shortly, and the customer chooses.",
                )
            else:
                messages.success(request, "Posted: matching experts will be emailed shortly.")
            return redirect(posting)
    is_member = Membership.objects.of(request.user, organization).exists()
    return render(
        request,
        "onboarding/posting_new.html",
        {
            "form": form,
            "organization": organization,
            "on_behalf": not (is_member or request.user.sees_everything),
        },
    )


def _detail(request, posting, *, offer_form=None, close_form=None):
    user = request.user
    offers = list(selectors.offers_for(user=user, posting=posting))
    own = next((o for o in offers if o.expert_id == user.pk), None)
    is_customer = Membership.objects.of(user, posting.organization).exists()
    is_owner = Membership.objects.of(user, posting.organization).owners().exists()
    if offer_form is None and getattr(user, "expert_profile", None) and not is_customer:
        offer_form = OfferForm(instance=own) if own else OfferForm()
    return render(
        request,
        "onboarding/posting_detail.html",
        {
            "posting": posting,
            "offers": [o for o in offers if o.expert_id != user.pk or is_customer],
            "own_offer": own,
            "offer_form": offer_form,
            "can_offer": bool(offer_form)
            and posting.is_open
            and (own is None or own.status in (Offer.Status.SENT, Offer.Status.WITHDRAWN)),
            "is_customer": is_customer,
            "is_owner": is_owner,
            "close_form": (close_form or PostingCloseForm())
            if posting.is_open and (is_owner or user.sees_everything)
            else None,
        },
    )


@login_required
def posting_detail(request, pk):
    posting = selectors.posting_get(user=request.user, pk=pk)
    return _detail(request, posting)


@login_required
def offer_send_view(request, pk):
    posting = selectors.posting_get(user=request.user, pk=pk)
    if refused := post_required_after_lookup(request):
        return refused
    own = Offer.objects.filter(posting=posting, expert=request.user).first()
    form = OfferForm(request.POST, instance=own)
    if form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            offer_send(actor=request.user, posting=posting, **fields)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Your offer is sent; you can change it until the choice.")
            return redirect(posting)
    return _detail(request, posting, offer_form=form)


@login_required
def offer_withdraw_view(request, pk):
    offer = selectors.offer_get(user=request.user, pk=pk)
    if refused := post_required_after_lookup(request):
        return refused
    if offer.expert_id != request.user.pk:
        raise Http404("No offer found.")
    try:
        offer_withdraw(actor=request.user, offer=offer)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Your offer is withdrawn.")
    return redirect(offer.posting)


@login_required
def offer_shortlist(request, pk):
    offer = selectors.offer_get(user=request.user, pk=pk)
    if refused := post_required_after_lookup(request):
        return refused
    form = ShortlistForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose whether the offer is on the shortlist.")
        return redirect(offer.posting)
    try:
        offer_shortlist_set(
            actor=request.user, offer=offer, shortlisted=form.cleaned_data["shortlisted"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(offer.posting.get_absolute_url() + "#offers")


@login_required
def offer_suggest(request, pk):
    offer = selectors.offer_get(user=request.user, pk=pk)
    if refused := post_required_after_lookup(request):
        return refused
    form = SuggestForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose whether to suggest the offer.")
        return redirect(offer.posting)
    try:
        offer_suggest_set(actor=request.user, offer=offer, suggested=form.cleaned_data["suggested"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(offer.posting.get_absolute_url() + "#offers")


@login_required
def offer_choose_view(request, pk):
    offer = selectors.offer_get(user=request.user, pk=pk)
    if refused := post_required_after_lookup(request):
        return refused
    try:
        offer_choose(actor=request.user, offer=offer)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{offer.expert} is your expert: you both get a welcome email.")
    return redirect(offer.posting)


@login_required
def posting_close_view(request, pk):
    """R-MATCH: the customer closes the posting without choosing; the offers are declined."""
    posting = selectors.posting_of_customer(user=request.user, pk=pk)
    if refused := post_required_after_lookup(request):
        return refused
    form = PostingCloseForm(request.POST)
    if form.is_valid():
        try:
            posting_close(actor=request.user, posting=posting, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                apply_validation_error(form, error)
            else:
                messages.error(request, " ".join(error.messages))
                return redirect(posting)
        else:
            messages.success(request, "Closed without a choice: the experts who offered are told.")
            return redirect(posting)
    posting = selectors.posting_get(user=request.user, pk=pk)
    return _detail(request, posting, close_form=form)
