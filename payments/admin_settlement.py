"""Settlements in Django admin: staff read each period's settlement and its lines; nothing
is added, edited or deleted here (``payments.services.settlement`` settles)."""

from django.contrib import admin

from payments.models import Settlement, SettlementLine, SettlementStatements
from softwaresupp.admin_tools import AppendOnlyAdmin, ViewOnlyAdmin

LINE_FIELDS = ["expert", "project", "hours", "rates", "amount"]


class SettlementLineInline(admin.TabularInline):
    model = SettlementLine
    fields = LINE_FIELDS
    readonly_fields = LINE_FIELDS
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("expert", "project")


@admin.register(Settlement)
class SettlementAdmin(AppendOnlyAdmin):
    list_display = ["__str__", "starts_on", "ends_on", "total", "settled_at"]
    list_filter = ["starts_on", "settled_at"]
    search_fields = ["lines__expert__email", "lines__expert__last_name", "lines__project__name"]
    date_hierarchy = "starts_on"
    inlines = [SettlementLineInline]

    def get_search_results(self, request, queryset, search_term):
        # Searching through lines may match a settlement several times.
        found, _ = super().get_search_results(request, queryset, search_term)
        return found, True


@admin.register(SettlementLine)
class SettlementLineAdmin(AppendOnlyAdmin):
    list_display = ["settlement", "expert", "project", "hours", "amount"]
    list_filter = ["settlement__starts_on", "project"]
    list_select_related = ["settlement", "expert", "project"]
    search_fields = ["expert__email", "expert__first_name", "expert__last_name", "project__name"]


@admin.register(SettlementStatements)
class SettlementStatementsAdmin(ViewOnlyAdmin):
    """Read-only: when each settlement's statement emails were queued (after it committed)."""

    list_display = ["settlement", "queued_at"]
    list_filter = ["queued_at"]
    list_select_related = ["settlement"]
    search_fields = ["settlement__starts_on"]
