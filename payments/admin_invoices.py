"""Customer invoices in Django admin (issue 9, item 4): staff find invoices by state, year and
organization, read their lines, and record a payment or void one through actions that call
the services (``payments.services.invoices``). Nothing is added, edited or deleted here."""

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html

from payments.models import Invoice, InvoiceLine
from payments.models.invoices import InvoiceSequence
from payments.services import invoices as services
from softwaresupp.admin_tools import ServiceAdmin, ViewOnlyAdmin
from softwaresupp.forms import DayField

LINE_FIELDS = ["project", "expert", "hours", "customer_rate", "amount"]


class InvoicePaymentForm(forms.Form):
    paid_on = DayField(
        label="Paid on",
        initial=timezone.localdate,
        help_text="The day the money arrived (the invoice's issue day or later, not after today).",
    )
    reference = forms.CharField(
        required=False, max_length=200, help_text="The bank transfer's reference, if any."
    )


class InvoiceVoidForm(forms.Form):
    reason = forms.CharField(
        max_length=300,
        help_text="Why; the customer reads it in the email. A paid invoice's "
        "payment is reversed too.",
    )


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    fields = LINE_FIELDS
    readonly_fields = LINE_FIELDS
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("project", "expert")


@admin.register(Invoice)
class InvoiceAdmin(ServiceAdmin):
    list_display = [
        "number",
        "organization",
        "starts_on",
        "ends_on",
        "total",
        "state_shown",
        "issued_at",
        "paid_on",
    ]
    list_filter = ["state", "year", "organization"]
    list_select_related = ["organization"]
    search_fields = ["number", "organization__name", "billing_email", "payment_reference"]
    date_hierarchy = "issued_at"
    fields = [
        "number",
        "organization",
        "billed_to",
        "billing_email",
        "starts_on",
        "ends_on",
        "total",
        "state",
        "issued_at",
        "paid_at",
        "paid_on",
        "payment_reference",
        "voided_at",
        "void_reason",
    ]
    readonly_fields = fields
    inlines = [InvoiceLineInline]
    actions = ["record_payment", "void"]

    def has_delete_permission(self, request, obj=None):
        return False  # money history

    @admin.display(description="State", ordering="state")
    def state_shown(self, obj):
        colours = {"paid": "#146c43", "void": "#6c757d", "issued": "#997404"}
        return format_html(
            '<strong style="color:{}">{}</strong>', colours[obj.state], obj.get_state_display()
        )

    @admin.action(description="Record a payment of the selected invoices", permissions=["service"])
    def record_payment(self, request, queryset):
        def record_payment(invoice, paid_on, reference=""):
            services.invoice_pay(
                actor=request.user, invoice=invoice, paid_on=paid_on, reference=reference
            )

        return self.run_service(
            request,
            queryset,
            record_payment,
            done="Payment recorded",
            form_class=InvoicePaymentForm,
            title="Record payments",
        )

    @admin.action(description="Void the selected invoices", permissions=["service"])
    def void(self, request, queryset):
        def void(invoice, reason):
            services.invoice_void(actor=request.user, invoice=invoice, reason=reason)

        return self.run_service(
            request,
            queryset,
            void,
            done="Voided",
            form_class=InvoiceVoidForm,
            title="Void invoices",
        )


@admin.register(InvoiceSequence)
class InvoiceSequenceAdmin(ViewOnlyAdmin):
    """Read-only: the last invoice number of each year, moved only by issuing an invoice."""

    list_display = ["year", "last_number"]
    list_filter = ["year"]
    search_fields = ["year"]


@admin.register(InvoiceLine)
class InvoiceLineAdmin(ViewOnlyAdmin):
    """Read-only: lines are written once, when their invoice is issued."""

    list_display = ["invoice", "project", "expert", "hours", "customer_rate", "amount"]
    list_filter = ["invoice__state", "invoice__organization"]
    list_select_related = ["invoice", "project", "expert"]
    search_fields = ["invoice__number", "project__name", "expert__email"]
