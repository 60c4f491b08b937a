"""Payments in Django admin. Rates are added, never edited: a change is a new row from a
day on, saved through the service that checks R-RATE-MIN and records the event."""

from django.contrib import admin
from django.utils import timezone

from payments import (
    admin_invoices,  # noqa: F401  (registers the invoices' admin)
    admin_ledger,  # noqa: F401  (registers the ledger's admin)
    admin_payouts,  # noqa: F401  (registers the payouts queue)
    admin_settlement,  # noqa: F401  (registers the settlement's admin)
)
from payments.forms import AssignmentRateForm, ExpertRateForm
from payments.models import AssignmentRate, ExpertRate
from payments.selectors.rates import region_minimum
from payments.services import rates as services
from projects.models import Assignment
from softwaresupp.admin_tools import ServiceAdmin


class RateAdmin(ServiceAdmin):
    """Staff (MFA-verified) add a rate; rows are money history, so none is deleted."""

    def has_add_permission(self, request, obj=None):
        return self.has_service_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        return {"effective_from": timezone.localdate(), **initial}


@admin.register(ExpertRate)
class ExpertRateAdmin(RateAdmin):
    form = ExpertRateForm
    list_display = ["expert", "hourly_rate", "effective_from", "created_by", "created_at"]
    list_filter = ["effective_from", "expert__expert_profile__region"]
    list_select_related = ["expert", "created_by"]
    search_fields = ["expert__email", "expert__first_name", "expert__last_name"]
    date_hierarchy = "effective_from"

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        rate = services.expert_rate_change(
            actor=request.user,
            expert=data["expert"],
            hourly_rate=data["hourly_rate"],
            effective_from=data["effective_from"],
        )
        obj.pk = rate.pk


@admin.register(AssignmentRate)
class AssignmentRateAdmin(RateAdmin):
    """Staff set an assignment's customer rate here; ``?assignment=<id>`` pre-fills the
    region's minimum."""

    form = AssignmentRateForm
    list_display = ["assignment", "customer_rate", "effective_from", "minimum_rate", "created_by"]
    list_filter = ["effective_from", "assignment__expert__expert_profile__region"]
    list_select_related = ["assignment__expert", "assignment__project", "created_by"]
    search_fields = ["assignment__project__name", "assignment__expert__email"]
    date_hierarchy = "effective_from"

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        chosen = str(initial.get("assignment", ""))
        assignments = Assignment.objects.select_related("expert__expert_profile")
        assignment = assignments.filter(pk=chosen).first() if chosen.isdigit() else None
        profile = getattr(assignment and assignment.expert, "expert_profile", None)
        if profile is not None:
            initial["customer_rate"] = region_minimum(profile.region)
        return initial

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        rate = services.assignment_rate_set(
            actor=request.user,
            assignment=data["assignment"],
            customer_rate=data["customer_rate"],
            effective_from=data["effective_from"],
        )
        obj.pk = rate.pk
