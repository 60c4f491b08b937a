from django.contrib import admin

from softwaresupp.models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """The event log is append-only: readable here, never edited."""

    list_display = ["created_at", "actor", "verb", "target_type", "target_id", "organization"]
    list_filter = ["verb", "target_type", "organization"]
    search_fields = ["verb", "note", "actor__email"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
