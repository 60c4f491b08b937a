"""The board's rows in Django admin: sprints, tasks, comments, updates, releases and
weekly summaries, read-only where the board's services keep the rules."""

from django.contrib import admin

from projects.models import (
    BoardStamp,
    ProjectUpdate,
    Release,
    Sprint,
    Task,
    TaskAttachment,
    TaskComment,
    TaskHours,
    WeeklySummary,
)
from softwaresupp.admin_tools import AppendOnlyAdmin, ViewOnlyAdmin


@admin.register(Sprint)
class SprintAdmin(ViewOnlyAdmin):
    """Read-only: weeks are opened and closed by the rollover job (R-SPRINT) and their goal
    is set on the board, where the change is recorded."""

    list_display = ["project", "starts_on", "ends_on", "status", "rolled_over_count"]
    list_filter = ["status", "project__organization"]
    search_fields = ["project__name", "goal"]
    date_hierarchy = "starts_on"
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
class TaskCommentAdmin(AppendOnlyAdmin):
    """Read-only: comments are written on the board, which emails the people on the task."""

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


@admin.register(TaskHours)
class TaskHoursAdmin(AppendOnlyAdmin):
    """The hours rollup is derived from the time entries (``manage.py rollup_check``): staff
    read it, nobody edits it here."""

    list_display = ("day", "task", "expert", "hours")
    list_filter = ("day",)
    search_fields = ("task__title", "expert__email")
    list_select_related = ("task", "expert")
    date_hierarchy = "day"


@admin.register(TaskAttachment)
class TaskAttachmentAdmin(ViewOnlyAdmin):
    """Read-only: files are attached on the board and served by the task's scoped view."""

    list_display = ["name", "task", "size", "uploaded_by", "created_at"]
    list_filter = ["organization"]
    search_fields = ["name", "task__title"]
    list_select_related = ["task", "uploaded_by"]


@admin.register(BoardStamp)
class BoardStampAdmin(admin.ModelAdmin):
    """Read only: database triggers write the stamps (projects.board_stamp). Here to see
    whether a board's cached parts were renewed: the token changes with every change."""

    list_display = ["project_id", "token"]
    search_fields = ["=project_id", "token"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
