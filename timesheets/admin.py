from django.contrib import admin

from timesheets.models import TimeEntry


@admin.register(TimeEntry)
class TimeEntryAdmin(admin.ModelAdmin):
    list_display = ["day", "expert", "task", "project", "hours"]
    list_filter = ["day", "project__organization"]
    search_fields = ["expert__email", "task__title", "description"]
    date_hierarchy = "day"
    raw_id_fields = ["task", "expert"]
    exclude = ["project", "organization"]
