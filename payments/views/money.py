"""The money pages (issue 9, item 6): an expert's balances, what this period's hours are
worth so far, history, statements and payout requests; staff's reconciliation status."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from payments.payout_forms import PayoutRequestForm
from payments.selectors.payouts import available_balance, money_overview
from payments.selectors.reconciliation import reconciliation_status
from payments.selectors.statements import period_worth, statement_detail, statements_of
from payments.services.payouts import payout_request
from softwaresupp.forms import apply_validation_error
from softwaresupp.tenancy import require_staff


@login_required
def money_home(request):
    """One's own balances, this period so far, history, statements and payout requests
    (staff see an expert's in admin)."""
    context = money_overview(user=request.user, page=request.GET.get("page"))
    context["period"] = period_worth(expert=request.user)
    context["statements"] = statements_of(expert=request.user)
    return render(request, "payments/money.html", context)


@login_required
def statement(request, settlement_id: int):
    """One period's statement: one's own lines (404 for a period without them)."""
    context = statement_detail(user=request.user, settlement_id=settlement_id)
    return render(request, "payments/money_statement.html", context)


@login_required
def reconciliation(request):
    """Staff: settlements against their entries, the ledger check, open payouts."""
    require_staff(request.user)
    context = reconciliation_status()
    return render(request, "payments/money_reconciliation.html", context)


@login_required
@reauthentication_required
def payout_new(request):
    """Moving money out asks for the password again (allauth re-authentication)."""
    form = PayoutRequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            payout = payout_request(expert=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"Payout of ${payout.amount} requested.")
            return redirect("payments:money")
    return render(
        request,
        "payments/payout_new.html",
        {"form": form, "available": available_balance(request.user)},
    )
