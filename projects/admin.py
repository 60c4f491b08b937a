from django.contrib import admin

from projects.models import Assignment, Project, Sprint, Task


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    fields = ["expert", "role", "starts_on", "ends_on"]
    autocomplete_fields = ["expert"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "organization",
        "status",
        "engagement_type",
        "time_zone",
        "communication_channel",
    ]
    list_filter = ["status", "engagement_type", "communication_channel", "organization"]
    search_fields = ["name", "description", "organization__name"]
    filter_horizontal = ["skills"]
    inlines = [AssignmentInline]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["expert", "project", "role", "starts_on", "ends_on"]
    list_filter = ["role", "project__organization"]
    search_fields = ["expert__email", "expert__last_name", "project__name"]
    autocomplete_fields = ["expert", "project"]
    exclude = ["organization"]


@admin.register(Sprint)
class SprintAdmin(admin.ModelAdmin):
    list_display = ["project", "starts_on", "ends_on", "status"]
    list_filter = ["status", "project__organization"]
    search_fields = ["project__name", "goal"]
    date_hierarchy = "starts_on"


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["title", "project", "kind", "status", "priority", "assignee", "estimate_hours"]
    list_filter = ["status", "kind", "priority", "project__organization"]
    search_fields = ["title", "description", "project__name"]
    autocomplete_fields = ["assignee", "project"]
    readonly_fields = ["first_estimate_hours", "author", "created_at"]
    exclude = ["organization"]


# Queries keep their admin beside their other modules; imported here for autodiscovery.
from projects import admin_queries  # noqa: E402, F401
