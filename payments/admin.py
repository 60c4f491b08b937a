from django.contrib import admin

from payments.models import Settlement
from softwaresupp.admin_tools import AppendOnlyAdmin


@admin.register(Settlement)
class SettlementAdmin(AppendOnlyAdmin):
    """Read-only: a settlement is made by the settlement job, never by hand."""

    list_display = ["starts_on", "ends_on", "settled_at"]
    list_filter = ["settled_at"]
    search_fields = ["starts_on", "ends_on"]
    date_hierarchy = "starts_on"
