"""The expert's payout request form (R-PAYOUT)."""

from decimal import Decimal

from django import forms

INVOICE_MAX_BYTES = 5 * 1024 * 1024


class PayoutRequestForm(forms.Form):
    amount = forms.DecimalField(
        label="Amount (USD)", min_value=Decimal("0.01"), max_digits=14, decimal_places=2
    )
    bank_details = forms.CharField(
        label="Bank details",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
        help_text="Account holder, IBAN or account number, SWIFT/BIC. Stored encrypted; "
        "shown afterwards only as its last 4 characters.",
    )
    invoice = forms.FileField(
        label="Invoice (PDF)",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
        help_text="A PDF of at most 5 MB.",
    )

    def clean_invoice(self):
        invoice = self.cleaned_data.get("invoice")
        if not invoice:
            return invoice
        if invoice.size > INVOICE_MAX_BYTES:
            raise forms.ValidationError("The invoice is larger than 5 MB.")
        head = invoice.read(5)
        invoice.seek(0)
        if not invoice.name.lower().endswith(".pdf") or head != b"%PDF-":
            raise forms.ValidationError("The invoice must be a PDF file.")
        return invoice

    def clean(self):
        cleaned = super().clean()
        missing = not cleaned.get("bank_details", "").strip() and not cleaned.get("invoice")
        if missing and "invoice" not in self.errors:
            self.add_error("bank_details", "Give your bank details or attach an invoice.")
        return cleaned
