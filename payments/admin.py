from django.contrib import admin

from payments.models import Settlement


@admin.register(Settlement)
class SettlementAdmin(admin.ModelAdmin):
    """Read-only: a settlement is made by the settlement job, never by hand."""

    list_display = ["starts_on", "ends_on", "settled_at"]
    list_filter = ["settled_at"]
    search_fields = ["starts_on", "ends_on"]
    date_hierarchy = "starts_on"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
