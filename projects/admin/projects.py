"""Projects and their teams in Django admin: view-only, changed through the services."""

from django.contrib import admin
from django.db import models

from projects.models import Assignment, Project
from projects.services.projects import PROJECT_FIELDS, project_update
from softwaresupp.admin_tools import ServiceAdmin, ViewOnlyAdmin, service_form


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
class ProjectAdmin(ServiceAdmin):
    """Projects are created on the pages by their owners or staff; here they are read, and
    edited through the same service (events, unique names, sprints opened when active).
    The organization is never changed (R-TENANT): tasks, queries and hours carry it."""

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
    list_select_related = ["organization"]
    inlines = [AssignmentInline]
    edit_form = service_form(Project, [*PROJECT_FIELDS, "skills"])

    def edit_save(self, request, obj, data):
        project_update(actor=request.user, project=obj, **data)


@admin.register(Assignment)
class AssignmentAdmin(ViewOnlyAdmin):
    """Read-only for the reason given on ``AssignmentInline``."""

    list_display = ["expert", "project", "role", "starts_on", "ends_on"]
    list_filter = ["role", "project__organization"]
    search_fields = ["expert__email", "expert__last_name", "project__name"]
    autocomplete_fields = ["expert", "project"]
    exclude = ["organization"]
