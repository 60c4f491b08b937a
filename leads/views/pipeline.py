"""The expert's leads and the staff pipeline (R-LEAD), and sending the planned work
(R-LEAD-SUMMARY)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from accounts.models import User
from leads.forms import AdvanceForm, LeadForm, OutcomeForm, SummaryForm
from leads.models import Lead
from leads.selectors import (
    PipelineFilters,
    lead_get,
    lead_is_stale,
    lead_list,
    pipeline_counts,
    pipeline_list,
)
from leads.services import (
    lead_advance,
    lead_create,
    lead_outcome_record,
    lead_update,
    summary_send,
)
from softwaresupp.events import event_list_for
from softwaresupp.forms import apply_validation_error
from softwaresupp.http import post_required_after_lookup
from softwaresupp.tenancy import require_staff


@login_required
def lead_index(request):
    """An expert's own leads; staff go to the whole pipeline."""
    if request.user.sees_everything:
        return redirect("leads:pipeline")
    leads = list(lead_list(user=request.user))
    return render(
        request,
        "leads/lead_list.html",
        {"leads": leads, "is_expert": request.user.is_expert},
    )


@login_required
def lead_new(request):
    form = LeadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lead = lead_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"Lead {lead.company} registered.")
            return redirect(lead)
    return render(
        request, "leads/lead_form.html", {"form": form, "is_expert": request.user.is_expert}
    )


def _detail_context(request, lead, **forms):
    can_move = lead.expert_id == request.user.pk and lead.is_open
    return {
        "lead": lead,
        "is_stale": lead_is_stale(lead),
        "can_move": can_move,
        "can_record": lead.is_open
        and (request.user.sees_everything or lead.expert_id == request.user.pk),
        "summary": getattr(lead, "summary", None),
        # R-MATCH: the lead's expert posts a project needing an expert for the customer.
        "can_post_for_customer": lead.expert_id == request.user.pk and lead.may_post_for_customer,
        "advance_form": forms.get("advance_form") or AdvanceForm(initial={"to": lead.next_stage}),
        "outcome_form": forms.get("outcome_form") or OutcomeForm(),
        "history": event_list_for(lead)[:30],
        "stages": Lead.Stage,
    }


@login_required
def lead_detail(request, pk):
    lead = lead_get(user=request.user, pk=pk)
    return render(request, "leads/lead_detail.html", _detail_context(request, lead))


@login_required
def lead_edit(request, pk):
    lead = lead_get(user=request.user, pk=pk)
    initial = {
        "company": lead.company,
        "contact_name": lead.contact_name,
        "contact_email": lead.contact_email,
        "need": lead.need,
        "technology": list(lead.technology.all()),
        "handling": lead.handling,
    }
    form = LeadForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            lead_update(actor=request.user, lead=lead, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Lead updated.")
            return redirect(lead)
    return render(request, "leads/lead_form.html", {"form": form, "lead": lead, "is_expert": True})


@login_required
def lead_move(request, pk):
    lead = lead_get(user=request.user, pk=pk)
    if refused := post_required_after_lookup(request):
        return refused
    form = AdvanceForm(request.POST)
    if form.is_valid():
        try:
            lead_advance(
                actor=request.user,
                lead=lead,
                to=form.cleaned_data["to"],
                meeting_at=form.cleaned_data["meeting_at"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Lead moved on.")
            return redirect(lead)
    lead = lead_get(user=request.user, pk=pk)
    context = _detail_context(request, lead, advance_form=form)
    return render(request, "leads/lead_detail.html", context, status=400)


@login_required
def lead_outcome(request, pk):
    lead = lead_get(user=request.user, pk=pk)
    if refused := post_required_after_lookup(request):
        return refused
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            lead_outcome_record(actor=request.user, lead=lead, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Outcome recorded.")
            return redirect(lead)
    lead = lead_get(user=request.user, pk=pk)
    context = _detail_context(request, lead, outcome_form=form)
    return render(request, "leads/lead_detail.html", context, status=400)


@login_required
def summary_new(request, pk):
    lead = lead_get(user=request.user, pk=pk)
    if getattr(lead, "summary", None) is not None:
        return redirect(lead.summary)
    form = SummaryForm(
        request.POST or None, initial={"project_name": f"{lead.company}: planned work"}
    )
    if request.method == "POST" and form.is_valid():
        try:
            summary = summary_send(actor=request.user, lead=lead, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"Planned work sent to {lead.contact_email}.")
            return redirect(summary)
    return render(
        request,
        "leads/summary_form.html",
        {"form": form, "lead": lead, "can_send": lead.expert_id == request.user.pk},
    )


@login_required
def pipeline(request):
    """Staff: every lead, filtered by stage, expert, handling, standing still, or text."""
    require_staff(request.user)
    filters = PipelineFilters.from_query(request.GET)
    leads = list(pipeline_list(user=request.user, filters=filters))
    for lead in leads:
        lead.is_stale = lead_is_stale(lead)
    experts = User.objects.filter(leads__isnull=False).distinct().order_by("email")
    return render(
        request,
        "leads/pipeline.html",
        {
            "leads": leads,
            "filters": filters,
            "counts": pipeline_counts(user=request.user),
            "experts": list(experts),
            "stages": Lead.Stage.choices,
            "handlings": Lead.Handling.choices,
        },
    )
