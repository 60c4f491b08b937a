from decimal import Decimal

from payments.models import PayoutRequest
from tests.payments.invoice_helpers import invoice_for
from tests.payments.payout_helpers import fund
from tests.tenancy import MARKER, Sample


def populate(world):
    """Expert A has earned money and asked for part of it, so their pages show A's rows."""
    from payments.services.payouts import payout_request

    fund(world.expert_a, "500.00", key="sweep", memo=f"Earned on {MARKER}")
    world.extra["payout_a"] = payout_request(
        expert=world.expert_a, amount=Decimal("25.00"), bank_details=f"{MARKER} 1234"
    )
    world.extra["invoice_a"] = invoice_for(world.org_a, project_name=f"Invoiced {MARKER}")


ROUTES = {
    # One's own balances, history and payouts: no ids, so outsiders see only their own.
    "payments:money": Sample(query=lambda w: {"page": "1"}, writer="expert_a"),
    # Requests come from the expert's own balance: an outsider with none is refused.
    "payments:payout_new": Sample(
        payload=lambda w: {"amount": "10.00", "bank_details": "NL91 ABNA 0417 1643 00"},
        writer="expert_a",
        done=lambda w: PayoutRequest.objects.filter(
            expert=w.expert_a, amount=Decimal("10.00")
        ).exists(),
    ),
    # Invoices: A's owners (and verified staff) see them; the list takes its page.
    "payments:billing": Sample(query=lambda w: {"page": "1"}, writer="owner_a"),
    "payments:invoice": Sample(kwargs=lambda w: {"pk": w.invoice_a.pk}),
    "payments:invoice_pdf": Sample(kwargs=lambda w: {"pk": w.invoice_a.pk}),
}
