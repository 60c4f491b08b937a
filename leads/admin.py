from django.contrib import admin

from leads.models import (
    Attribution,
    Commission,
    HourlyPlan,
    Lead,
    Offer,
    OfferLine,
    PlannedWorkSummary,
    ReferralPartner,
)
from softwaresupp.admin_tools import AppendOnlyAdmin, ViewOnlyAdmin


@admin.register(Lead)
class LeadAdmin(ViewOnlyAdmin):
    """Read-only: experts move leads on their pages; staff record outcomes there too."""

    list_display = ["company", "expert", "stage", "handling", "organization", "changed_at"]
    list_filter = ["stage", "handling"]
    search_fields = ["company", "contact_name", "expert__email"]
    list_select_related = ["expert", "organization"]


@admin.register(PlannedWorkSummary)
class PlannedWorkSummaryAdmin(ViewOnlyAdmin):
    list_display = ["project", "organization", "lead", "created_at"]
    list_filter = ["created_at"]
    search_fields = ["project__name", "organization__name", "lead__company"]
    list_select_related = ["project", "organization", "lead"]
    exclude = ["invitation"]


@admin.register(HourlyPlan)
class HourlyPlanAdmin(ViewOnlyAdmin):
    list_display = ["project", "expert", "customer_rate", "weekly_hour_cap", "launched_at"]
    list_filter = ["launched_at"]
    search_fields = ["project__name", "expert__email", "organization__name"]
    list_select_related = ["project", "expert"]


class OfferLineInline(admin.TabularInline):
    model = OfferLine
    extra = 0
    can_delete = False
    fields = ["title", "hours", "rate", "amount", "task"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Offer)
class OfferAdmin(ViewOnlyAdmin):
    list_display = ["title", "plan", "state", "total", "requested_at"]
    list_filter = ["state"]
    search_fields = ["title", "plan__project__name"]
    list_select_related = ["plan__project"]
    inlines = [OfferLineInline]


@admin.register(OfferLine)
class OfferLineAdmin(ViewOnlyAdmin):
    list_display = ["title", "offer", "hours", "rate", "amount"]
    list_filter = ["offer__state"]
    search_fields = ["title", "offer__title"]
    list_select_related = ["offer"]


@admin.register(ReferralPartner)
class ReferralPartnerAdmin(ViewOnlyAdmin):
    list_display = ["user", "created_at"]
    list_filter = ["created_at"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    exclude = ["code"]


@admin.register(Attribution)
class AttributionAdmin(AppendOnlyAdmin):
    """Kept for the customer's lifetime: commissions are computed from it."""

    list_display = ["organization", "partner", "lead", "created_at"]
    list_filter = ["created_at"]
    search_fields = ["organization__name", "partner__user__email", "lead__company"]
    list_select_related = ["organization", "partner__user", "lead"]


@admin.register(Commission)
class CommissionAdmin(AppendOnlyAdmin):
    """Written by the daily commission job only; corrections are clawbacks, never edits."""

    list_display = [
        "beneficiary",
        "organization",
        "kind",
        "amount",
        "state",
        "available_on",
        "credited_at",
    ]
    list_filter = ["state", "kind"]
    search_fields = ["beneficiary__email", "organization__name"]
    list_select_related = ["beneficiary", "organization"]
