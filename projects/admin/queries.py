"""Queries in Django admin: read-mostly. Responses, promises and the alert stamps are the
record of the 1-hour promise, so they are shown, not edited; writes go through the pages
(and their services)."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from projects.models import (
    Query,
    QueryAttachment,
    QueryNote,
    QueryPromise,
    QueryReply,
    QueryResponse,
)
from projects.services.queries import query_resolve
from softwaresupp.admin_tools import ViewOnlyAdmin


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class QueryResponseInline(ReadOnlyInline):
    model = QueryResponse
    fields = ["created_at", "author", "kind", "estimate_hours", "deliver_by", "body"]


class QueryPromiseInline(ReadOnlyInline):
    model = QueryPromise
    fields = ["made_at", "expert", "due_at", "state", "settled_at"]


class QueryNoteInline(ReadOnlyInline):
    model = QueryNote
    fields = ["created_at", "author", "asks_community", "body"]


class QueryAttachmentInline(ReadOnlyInline):
    model = QueryAttachment
    fields = ["name", "size", "uploaded_by", "created_at"]


@admin.register(Query)
class QueryAdmin(ViewOnlyAdmin):
    list_display = [
        "title",
        "project",
        "state",
        "asked_at",
        "first_response_due_at",
        "first_responded_at",
        "breach_alerted_at",
    ]
    list_filter = ["state", "project__organization"]
    search_fields = ["title", "body", "project__name"]
    date_hierarchy = "asked_at"
    list_select_related = ["project"]
    exclude = ["organization"]
    readonly_fields = ["unassigned_alerted_at", "warned_at", "breach_alerted_at"]
    inlines = [QueryAttachmentInline, QueryResponseInline, QueryPromiseInline, QueryNoteInline]
    actions = ["resolve"]

    @admin.action(description="Resolve the selected queries (settles their promises)")
    def resolve(self, request, queryset):
        done = 0
        for query in queryset.select_related("project"):
            try:
                query_resolve(actor=request.user, query=query)
            except ValidationError as error:
                self.message_user(request, f"{query}: {' '.join(error.messages)}", messages.WARNING)
            else:
                done += 1
        self.message_user(request, f"{done} queries resolved.")


@admin.register(QueryResponse)
class QueryResponseAdmin(ViewOnlyAdmin):
    list_display = ["query", "author", "kind", "estimate_hours", "deliver_by", "created_at"]
    list_filter = ["kind", "waiting_on_customer", "organization"]
    search_fields = ["body", "query__title", "author__email"]
    list_select_related = ["query", "author"]


@admin.register(QueryPromise)
class QueryPromiseAdmin(ViewOnlyAdmin):
    list_display = ["query", "expert", "made_at", "due_at", "state", "settled_at"]
    list_filter = ["state", "organization"]
    search_fields = ["query__title", "expert__email"]
    list_select_related = ["query", "expert"]


@admin.register(QueryReply)
class QueryReplyAdmin(ViewOnlyAdmin):
    list_display = ["query", "author", "created_at"]
    list_filter = ["organization"]
    search_fields = ["body", "query__title", "author__email"]
    list_select_related = ["query", "author"]


@admin.register(QueryNote)
class QueryNoteAdmin(ViewOnlyAdmin):
    list_display = ["query", "author", "asks_community", "created_at"]
    list_filter = ["asks_community", "organization"]
    search_fields = ["body", "query__title", "author__email"]
    list_select_related = ["query", "author"]


@admin.register(QueryAttachment)
class QueryAttachmentAdmin(ViewOnlyAdmin):
    list_display = ["name", "query", "size", "uploaded_by", "created_at"]
    list_filter = ["organization"]
    search_fields = ["name", "query__title"]
    list_select_related = ["query", "uploaded_by"]
