from django.urls import path

from payments.views import billing, money

app_name = "payments"

urlpatterns = [
    path("money/", money.money_home, name="money"),
    path("money/payouts/new/", money.payout_new, name="payout_new"),
    path("money/statements/<int:settlement_id>/", money.statement, name="statement"),
    path("money/reconciliation/", money.reconciliation, name="reconciliation"),
    path("billing/", billing.billing_home, name="billing"),
    path("billing/invoices/<int:pk>/", billing.invoice_detail, name="invoice"),
    path("billing/invoices/<int:pk>/pdf/", billing.invoice_download, name="invoice_pdf"),
]
