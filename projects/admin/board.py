from django.contrib import admin
from django.db import models

from projects.models import (
    Assignment,
    Project,
    ProjectUpdate,
    Release,
    Sprint,
    Task,
    TaskComment,
    WeeklySummary,
)
from softwaresupp.admin_tools import ViewOnlyAdmin


class AssignmentInline(admin.TabularInline):
    """Shown, not edited: experts join and leave on the project's team page, whose service
    checks certification and overlaps, emails the expert and records the event."""

    model = Assignment
    extra = 0
    fields = ["expert", "role", "starts_on", "ends_on"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
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

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            # R-TENANT: tasks, queries and hours carry the organization copied from their
            # project; moving the project would leave them visible to the old tenant.
            return [*super().get_readonly_fields(request, obj), "organization"]
        return super().get_readonly_fields(request, obj)


@admin.register(Assignment)
class AssignmentAdmin(ViewOnlyAdmin):
    """Read-only for the reason given on ``AssignmentInline``."""

    list_display = ["expert", "project", "role", "starts_on", "ends_on"]
    list_filter = ["role", "project__organization"]
    search_fields = ["expert__email", "expert__last_name", "project__name"]
    autocomplete_fields = ["expert", "project"]
    exclude = ["organization"]


@admin.register(Sprint)
class SprintAdmin(admin.ModelAdmin):
    list_display = ["project", "starts_on", "ends_on", "status", "rolled_over_count"]
    list_filter = ["status", "project__organization"]
    search_fields = ["project__name", "goal"]
    date_hierarchy = "starts_on"
    # Weeks are opened and closed by the rollover job (R-SPRINT), not by hand.
    readonly_fields = [
        "project",
        "starts_on",
        "ends_on",
        "status",
        "closed_at",
        "rolled_over_count",
        "rolled_over_estimate_hours",
    ]
    exclude = ["organization"]


@admin.register(Task)
class TaskAdmin(ViewOnlyAdmin):
    """Read-only: tasks change on the board, where R-ESTIMATE and R-HOURS are checked and
    every change lands in the task's history."""

    list_display = ["title", "project", "kind", "status", "priority", "assignee", "estimate_hours"]
    list_filter = ["status", "kind", "priority", "project__organization"]
    search_fields = ["title", "description", "project__name"]
    autocomplete_fields = ["assignee", "project"]
    readonly_fields = ["first_estimate_hours", "author", "created_at"]
    exclude = ["organization"]


@admin.register(TaskComment)
class TaskCommentAdmin(admin.ModelAdmin):
    list_display = ["task", "author", "created_at"]
    list_filter = ["task__project__organization"]
    search_fields = ["body", "task__title"]
    raw_id_fields = ["task", "author"]
    exclude = ["organization"]


@admin.register(ProjectUpdate)
class ProjectUpdateAdmin(ViewOnlyAdmin):
    """Read-only: updates are posted on the board, where they are emailed (R-MILESTONE)."""

    list_display = ["task", "kind", "project", "author", "created_at"]
    list_filter = ["kind", "project__organization"]
    search_fields = ["body", "task__title"]


@admin.register(Release)
class ReleaseAdmin(ViewOnlyAdmin):
    """Read-only: each step is taken on the board so it lands in the log (R-RELEASE)."""

    list_display = ["title", "project", "stage", "stage_changed_at"]
    list_filter = ["stage", "project__organization"]
    search_fields = ["title", "notes", "project__name"]


@admin.register(WeeklySummary)
class WeeklySummaryAdmin(ViewOnlyAdmin):
    """Read-only: written and emailed once per project and week by the job (R-SUMMARY)."""

    list_display = ["project", "week_starts_on", "sent_at", "recipient_count"]
    list_filter = ["project__organization"]
    search_fields = ["project__name", "project__organization__name"]
    date_hierarchy = "week_starts_on"
