"""The customer's onboarding checklist page (R-ACCESS): stakeholders, tools and the vault's
entries, for the organization's members, its assigned experts and staff."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from onboarding import selectors
from onboarding.forms import StakeholderForm, ToolForm
from onboarding.models import Stakeholder, ToolAccess
from onboarding.services import stakeholder_add, stakeholder_validate, tool_advance, tool_request
from onboarding.services.access import is_assigned_expert, is_member
from projects.models import Assignment, Project
from softwaresupp.forms import apply_validation_error
from softwaresupp.http import post_required_after_lookup
from softwaresupp.tenancy import get_visible_or_404


def _page(request, organization, *, stakeholder_form=None, tool_form=None):
    user = request.user
    return render(
        request,
        "onboarding/checklist.html",
        {
            "organization": organization,
            **selectors.checklist(user=user, organization=organization),
            "is_member": is_member(user, organization),
            "is_expert": is_assigned_expert(user, organization),
            "stakeholder_form": stakeholder_form or StakeholderForm(),
            "tool_form": tool_form or ToolForm(),
            "support_email": settings.SUPPORT_EMAIL,
            # Where an assigned expert may ask for a login (R-SECRET).
            "expert_projects": Project.objects.filter(
                organization=organization,
                pk__in=Assignment.objects.current().filter(expert=user).values("project_id"),
            ),
        },
    )


@login_required
def checklist(request, slug):
    organization = selectors.checklist_organization(user=request.user, slug=slug)
    return _page(request, organization)


def _add_to_checklist(request, slug, *, form_class, service, form_name, done):
    """A checklist form posted: saved through ``service``, or shown again with its errors
    beside the fields (the rest of the page as it was)."""
    organization = selectors.checklist_organization(user=request.user, slug=slug)
    if refused := post_required_after_lookup(request):
        return refused
    form = form_class(request.POST)
    if form.is_valid():
        try:
            service(actor=request.user, organization=organization, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, done)
            return redirect("onboarding:checklist", slug=organization.slug)
    return _page(request, organization, **{form_name: form})


@login_required
def stakeholder_add_view(request, slug):
    return _add_to_checklist(
        request,
        slug,
        form_class=StakeholderForm,
        service=stakeholder_add,
        form_name="stakeholder_form",
        done="Stakeholder added.",
    )


@login_required
def stakeholder_validate_view(request, pk):
    stakeholder = get_visible_or_404(
        Stakeholder.objects.select_related("organization"), request.user, pk=pk
    )
    if refused := post_required_after_lookup(request):
        return refused
    try:
        stakeholder_validate(actor=request.user, stakeholder=stakeholder)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{stakeholder.name} is validated.")
    return redirect("onboarding:checklist", slug=stakeholder.organization.slug)


@login_required
def tool_add(request, slug):
    return _add_to_checklist(
        request,
        slug,
        form_class=ToolForm,
        service=tool_request,
        form_name="tool_form",
        done="Tool added to the checklist.",
    )


@login_required
def tool_advance_view(request, pk):
    tool = get_visible_or_404(
        ToolAccess.objects.select_related("organization"), request.user, pk=pk
    )
    if refused := post_required_after_lookup(request):
        return refused
    try:
        tool = tool_advance(actor=request.user, tool=tool)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{tool.name}: {tool.get_state_display().lower()}.")
    return redirect("onboarding:checklist", slug=tool.organization.slug)
