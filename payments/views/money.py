"""The expert's money pages (issue 9, item 6): balances, history, payout requests."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from payments.payout_forms import PayoutRequestForm
from payments.selectors.payouts import available_balance, money_overview
from payments.services.payouts import payout_request
from softwaresupp.forms import apply_validation_error


@login_required
def money_home(request):
    """One's own balances, history and payout requests (staff see an expert's in admin)."""
    context = money_overview(user=request.user, page=request.GET.get("page"))
    return render(request, "payments/money.html", context)


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
