from django.contrib import admin

from softwaresupp.admin_tools import AppendOnlyAdmin, ViewOnlyAdmin
from softwaresupp.models import Event, FormSubmission, OutboxMessage
from softwaresupp.outbox import outbox_resend


@admin.register(Event)
class EventAdmin(AppendOnlyAdmin):
    """The event log is append-only: readable here, never edited."""

    list_display = ["created_at", "actor", "verb", "target_type", "target_id", "organization"]
    list_filter = ["verb", "target_type", "organization"]
    search_fields = ["verb", "note", "actor__email"]
    date_hierarchy = "created_at"


@admin.register(OutboxMessage)
class OutboxMessageAdmin(AppendOnlyAdmin):
    """Every email the platform sent or will send; staff find the failed ones here and can
    resend one (through ``outbox_resend``, which records the request as an event)."""

    list_display = ["created_at", "to", "subject", "state", "attempts", "sent_at", "last_error"]
    list_filter = ["state", "template"]
    search_fields = ["to", "subject", "key"]
    date_hierarchy = "created_at"
    actions = ["resend"]

    @admin.action(description="Resend the selected failed emails", permissions=["resend"])
    def resend(self, request, queryset):
        failed = queryset.filter(state=OutboxMessage.State.FAILED)
        for message in failed:
            outbox_resend(actor=request.user, message=message)
        self.message_user(request, f"{len(failed)} failed email(s) queued again.")

    def has_resend_permission(self, request):
        return request.user.has_perm("core.resend_outboxmessage")


@admin.register(FormSubmission)
class FormSubmissionAdmin(ViewOnlyAdmin):
    """Create forms' one-time tokens and what each first post created: for tracing a
    replayed post; written only by the services that claim them."""

    list_display = ["created_at", "user", "token", "target_type", "target_id"]
    list_filter = ["target_type"]
    search_fields = ["user__email", "=token"]
    date_hierarchy = "created_at"
