from django.contrib import admin

from projects.models import Query


@admin.register(Query)
class QueryAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "project",
        "state",
        "asked_at",
        "first_response_due_at",
        "first_responded_at",
    ]
    list_filter = ["state", "project__organization"]
    search_fields = ["title", "body", "project__name"]
    date_hierarchy = "asked_at"
    exclude = ["organization"]
