from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from projects.models import Task
from softwaresupp.admin_tools import AppendOnlyAdmin, ViewOnlyAdmin
from timesheets import services
from timesheets.models import Reminder, RunningTimer, SettledPeriod, TimeEntry


class SettledFilter(admin.SimpleListFilter):
    """Settled means the entry's day lies in a settled period (the lock is by day)."""

    title = "settled"
    parameter_name = "settled"

    def lookups(self, request, model_admin):
        return [("yes", "Settled"), ("no", "Open")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.settled()
        if self.value() == "no":
            return queryset.unsettled()
        return queryset


@admin.register(TimeEntry)
class TimeEntryAdmin(admin.ModelAdmin):
    """Staff correct hours here through the same services as everyone else; a settled entry
    is shown read-only and cannot be deleted, alone or in a bulk action (R-TIMESHEET)."""

    list_display = ["day", "expert", "task", "project", "hours", "settled"]
    list_filter = [SettledFilter, "day", "project__organization"]
    list_select_related = ["expert", "task", "project"]
    search_fields = ["expert__email", "task__title", "description"]
    date_hierarchy = "day"
    raw_id_fields = ["task", "expert"]
    exclude = ["project", "organization"]
    readonly_fields = ["settled", "created_at", "updated_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_settlement()

    @admin.display(boolean=True, ordering="settlement_id")
    def settled(self, obj):
        return obj.is_settled

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            # Moving hours to another person or task is a new entry, not an edit.
            return [*self.readonly_fields, "expert", "task"]
        return self.readonly_fields

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_settled:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_settled:
            return False
        if obj is not None and obj.task.status == Task.Status.DONE:
            # R-HOURS: a done task keeps at least one entry.
            others = TimeEntry.objects.filter(task_id=obj.task_id).exclude(pk=obj.pk)
            if not others.exists():
                return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            services.time_entry_update(
                actor=request.user,
                entry=obj,
                day=obj.day,
                hours=obj.hours,
                description=obj.description,
            )
        else:
            entry = services.time_entry_log(
                actor=request.user,
                expert=obj.expert,
                task=obj.task,
                day=obj.day,
                hours=obj.hours,
                description=obj.description,
            )
            obj.pk = entry.pk

    def delete_model(self, request, obj):
        services.time_entry_delete(actor=request.user, entry=obj)

    def delete_queryset(self, request, queryset):
        for entry in queryset.select_related("expert", "task"):
            try:
                services.time_entry_delete(actor=request.user, entry=entry)
            except ValidationError as error:
                self.message_user(request, f"{entry}: {' '.join(error.messages)}", messages.ERROR)


@admin.register(Reminder)
class ReminderAdmin(ViewOnlyAdmin):
    """A record of what the reminder jobs sent; written by the jobs only."""

    list_display = ["day", "kind", "recipient", "sent_at"]
    list_filter = ["kind", "day"]
    search_fields = ["recipient__email"]
    date_hierarchy = "day"


@admin.register(SettledPeriod)
class SettledPeriodAdmin(AppendOnlyAdmin):
    """Read-only: a period is settled by the settlement job, never by hand."""

    list_display = ["starts_on", "ends_on", "settled_at"]
    list_filter = ["settled_at"]
    search_fields = ["starts_on", "ends_on"]
    date_hierarchy = "starts_on"


@admin.register(RunningTimer)
class RunningTimerAdmin(ViewOnlyAdmin):
    """Read-only: experts start and stop their timer; stopping logs through the services."""

    list_display = ["expert", "task", "started_at"]
    list_filter = ["started_at", "task__project__organization"]
    list_select_related = ["expert", "task"]
    search_fields = ["expert__email", "task__title"]
