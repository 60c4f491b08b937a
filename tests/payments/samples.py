from datetime import date
from decimal import Decimal

from payments.models import PayoutRequest, Settlement, SettlementLine
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
    world.extra["settlement_a"] = _settled_line_of_expert_a(world)
    world.extra["invoice_a"] = invoice_for(world.org_a, project_name=f"Invoiced {MARKER}")


def _settled_line_of_expert_a(world) -> Settlement:
    """A period long ago in which expert A earned on a project of A (their statement)."""
    from tests.factories.projects import ProjectFactory
    from timesheets.models import SettledPeriod

    starts_on, ends_on = date(2024, 1, 1), date(2024, 1, 14)
    period = SettledPeriod.objects.create(starts_on=starts_on, ends_on=ends_on)
    settlement = Settlement.objects.create(
        starts_on=starts_on, ends_on=ends_on, period=period, total=Decimal("80.00")
    )
    SettlementLine.objects.create(
        settlement=settlement,
        expert=world.expert_a,
        project=ProjectFactory(organization=world.org_a, name=f"Statement {MARKER}"),
        hours=Decimal("2.00"),
        amount=Decimal("80.00"),
        rates=[["40.00", "2.00"]],
    )
    return settlement


ROUTES = {
    # One's own balances, history and payouts: no ids, so outsiders see only their own.
    "payments:money": Sample(query=lambda w: {"page": "1"}, writer="expert_a"),
    # One's own lines of a period (staff: every expert's); others get 404.
    "payments:statement": Sample(
        kwargs=lambda w: {"settlement_id": w.settlement_a.pk}, writer="expert_a"
    ),
    # Staff only (404 to everyone else); no ids, no query.
    "payments:reconciliation": Sample(writer="staff"),
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
