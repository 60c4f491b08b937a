from django.contrib import admin

from softwaresupp.admin_tools import AppendOnlyAdmin
from softwaresupp.models import Event


@admin.register(Event)
class EventAdmin(AppendOnlyAdmin):
    """The event log is append-only: readable here, never edited."""

    list_display = ["created_at", "actor", "verb", "target_type", "target_id", "organization"]
    list_filter = ["verb", "target_type", "organization"]
    search_fields = ["verb", "note", "actor__email"]
    date_hierarchy = "created_at"
