"""The payouts queue in Django admin (R-PAYOUT): open requests oldest first, with their age
and the 24-hour deadline; staff decide through actions that call the services."""

from datetime import timedelta

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode

from payments.models import PayoutRequest
from payments.selectors.payouts import available_and_pending
from payments.services import payouts as services
from softwaresupp.admin_tools import ServiceAdmin


class PayoutNoteForm(forms.Form):
    note = forms.CharField(
        required=False, max_length=300, help_text="Why; the expert reads it in the email."
    )


def _hours(delta) -> str:
    hours = int(delta.total_seconds() // 3600)
    return f"{hours} h" if abs(hours) < 48 else f"{hours // 24} d"


@admin.register(PayoutRequest)
class PayoutRequestAdmin(ServiceAdmin):
    list_display = ["id", "expert", "amount", "state", "requested_at", "age", "deadline"]
    list_filter = ["state"]
    search_fields = ["id", "expert__email", "expert__first_name", "expert__last_name"]
    list_select_related = ["expert"]
    ordering = ["requested_at", "id"]
    fields = [
        "expert",
        "amount",
        "state",
        "requested_at",
        "deadline",
        "bank_details_shown",
        "expert_money",
        "invoice",
        "decided_by",
        "decided_at",
        "note",
        "overdue_alerted_at",
    ]
    readonly_fields = fields
    actions = ["approve", "mark_paid", "reject", "mark_failed"]

    def has_delete_permission(self, request, obj=None):
        return False  # money history

    @admin.display(description="Age")
    def age(self, obj):
        return _hours(obj.age)

    @admin.display(description="Due (24 h)")
    def deadline(self, obj):
        if obj.is_open and obj.due_at <= timezone.now() + timedelta(hours=4):
            return format_html('<strong style="color:#b02a37">{}</strong>', obj.due_at)
        return obj.due_at

    @admin.display(description="Expert's balances")
    def expert_money(self, obj):
        """The expert's available and pending balances, linked to their ledger accounts
        (the staff view of an expert's money page)."""
        balances = available_and_pending(obj.expert)
        url = (
            reverse("admin:payments_account_changelist") + "?" + urlencode({"q": obj.expert.email})
        )
        return format_html(
            '${} available, ${} pending · <a href="{}">ledger accounts</a>', *balances, url
        )

    @admin.display(description="Bank details")
    def bank_details_shown(self, obj):
        return obj.bank_details() or "—"

    @admin.action(description="Approve the selected payouts", permissions=["service"])
    def approve(self, request, queryset):
        def approve(payout):
            services.payout_approve(actor=request.user, payout=payout)

        return self.run_service(request, queryset, approve, done="Approved")

    @admin.action(description="Mark the selected payouts paid", permissions=["service"])
    def mark_paid(self, request, queryset):
        def mark_paid(payout):
            services.payout_mark_paid(actor=request.user, payout=payout)

        return self.run_service(request, queryset, mark_paid, done="Marked paid")

    @admin.action(description="Reject the selected payouts", permissions=["service"])
    def reject(self, request, queryset):
        def reject(payout, note=""):
            services.payout_reject(actor=request.user, payout=payout, note=note)

        return self.run_service(
            request,
            queryset,
            reject,
            done="Rejected",
            form_class=PayoutNoteForm,
            title="Reject payouts",
        )

    @admin.action(description="Mark the selected payouts failed", permissions=["service"])
    def mark_failed(self, request, queryset):
        def mark_failed(payout, note=""):
            services.payout_mark_failed(actor=request.user, payout=payout, note=note)

        return self.run_service(
            request,
            queryset,
            mark_failed,
            done="Marked failed",
            form_class=PayoutNoteForm,
            title="Mark payouts failed",
        )
