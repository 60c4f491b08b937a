"""The customer's billing pages (issue 9, item 6): invoices (a printable page and a PDF) and
what the current period's hours will cost so far. Owners see their organizations' invoices,
MFA-verified staff all of them; anyone else gets 404 (``Invoice.objects.visible_to``)."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from payments.invoice_pdf import invoice_pdf
from payments.selectors.invoices import invoice_get, invoice_list, period_cost_so_far


@login_required
def billing_home(request):
    invoices = invoice_list(user=request.user, page=request.GET.get("page"))
    return render(
        request,
        "payments/billing.html",
        {"invoices": invoices, "periods": period_cost_so_far(user=request.user)},
    )


@login_required
def invoice_detail(request, pk):
    invoice = invoice_get(user=request.user, pk=pk)
    context = {"invoice": invoice, "site_name": settings.SITE_NAME}
    return render(request, "payments/billing_invoice.html", context)


@login_required
def invoice_download(request, pk):
    invoice = invoice_get(user=request.user, pk=pk)
    response = HttpResponse(invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="invoice-{invoice.number}.pdf"'
    return response
