"""The customer's side: the planned work, launching the hourly plan, offers (R-PLAN)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from accounts.models import Membership
from leads.forms import OfferRequestForm, OfferSendForm, PlanLaunchForm
from leads.models import Offer
from leads.selectors import offer_get, plan_get, summary_get
from leads.services import offer_accept, offer_decline, offer_request, offer_send, plan_launch
from leads.services.plans import plan_experts
from payments.selectors.rates import region_minimum
from softwaresupp.forms import apply_validation_error
from softwaresupp.http import post_required_after_lookup


def _is_owner(user, organization_id) -> bool:
    return Membership.objects.of(user, organization_id).owners().exists()


@login_required
def summary_detail(request, pk):
    summary = summary_get(user=request.user, pk=pk)
    return render(
        request,
        "leads/summary_detail.html",
        {"summary": summary, "is_owner": _is_owner(request.user, summary.organization_id)},
    )


@login_required
def plan_new(request, pk):
    summary = summary_get(user=request.user, pk=pk)
    if summary.launched_plan:
        return redirect(summary.launched_plan)
    experts = list(plan_experts(summary))
    minimum = min((region_minimum(p.region) for p in experts), default=None)
    form = PlanLaunchForm(request.POST or None, experts=experts, initial={"customer_rate": minimum})
    if request.method == "POST" and form.is_valid():
        try:
            plan = plan_launch(actor=request.user, summary=summary, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Your hourly plan is running: the board is open.")
            return redirect(plan.project)
    return render(
        request,
        "leads/plan_form.html",
        {
            "form": form,
            "summary": summary,
            "experts": experts,
            "is_owner": _is_owner(request.user, summary.organization_id),
        },
    )


@login_required
def plan_detail(request, pk):
    plan = plan_get(user=request.user, pk=pk)
    return render(
        request,
        "leads/plan_detail.html",
        {
            "plan": plan,
            "is_customer": Membership.objects.of(request.user, plan.organization_id).exists(),
        },
    )


@login_required
def offer_new(request, pk):
    plan = plan_get(user=request.user, pk=pk)
    form = OfferRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            offer = offer_request(actor=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Offer requested: your expert will estimate it.")
            return redirect(offer)
    return render(request, "leads/offer_request.html", {"form": form, "plan": plan})


@login_required
def offer_detail(request, pk):
    offer = offer_get(user=request.user, pk=pk)
    return render(
        request,
        "leads/offer_detail.html",
        {
            "offer": offer,
            "is_owner": _is_owner(request.user, offer.organization_id),
            "is_expert": offer.plan.expert_id == request.user.pk,
        },
    )


@login_required
def offer_estimate(request, pk):
    offer = offer_get(user=request.user, pk=pk)
    if offer.state != Offer.State.REQUESTED:
        return redirect(offer)
    form = OfferSendForm(request.POST or None, initial={"rate": offer.plan.customer_rate})
    if request.method == "POST" and form.is_valid():
        try:
            offer_send(actor=request.user, offer=offer, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Offer sent to the customer.")
            return redirect(offer)
    return render(
        request,
        "leads/offer_estimate.html",
        {"form": form, "offer": offer, "is_expert": offer.plan.expert_id == request.user.pk},
    )


@login_required
def offer_decide(request, pk):
    offer = offer_get(user=request.user, pk=pk)
    if refused := post_required_after_lookup(request):
        return refused
    decision = request.POST.get("decision")
    service = {"accept": offer_accept, "decline": offer_decline}.get(decision)
    if service is None:
        messages.error(request, "Choose to accept or decline the offer.")
        return redirect(offer)
    try:
        service(actor=request.user, offer=offer)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            "Offer accepted: its lines are tasks on the board."
            if decision == "accept"
            else "Offer declined.",
        )
    return redirect(offer)
