"""The ledger in Django admin: staff read and search it; nothing is added, edited or deleted
here (postings go through ``payments.services.ledger``)."""

from django.contrib import admin

from payments.models import Account, LedgerEntry, LedgerTransaction
from softwaresupp.admin_tools import AppendOnlyAdmin


@admin.register(Account)
class AccountAdmin(AppendOnlyAdmin):
    list_display = ["__str__", "kind", "expert", "organization", "balance", "can_go_negative"]
    list_filter = ["kind", "can_go_negative"]
    list_select_related = ["expert", "organization"]
    search_fields = [
        "expert__email",
        "expert__first_name",
        "expert__last_name",
        "organization__name",
    ]


class LedgerEntryInline(admin.TabularInline):
    model = LedgerEntry
    fields = ["account", "amount", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(AppendOnlyAdmin):
    list_display = ["id", "memo", "idempotency_key", "source_type", "source_id", "created_at"]
    list_filter = ["source_type", "created_at"]
    search_fields = ["idempotency_key", "memo"]
    inlines = [LedgerEntryInline]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(AppendOnlyAdmin):
    list_display = ["id", "transaction", "account", "amount", "created_at"]
    list_filter = ["account__kind", "created_at"]
    list_select_related = ["transaction", "account__expert", "account__organization"]
    search_fields = ["transaction__idempotency_key", "transaction__memo", "account__expert__email"]
