"""Rates, the ledger, settlements, invoices and payouts (R-RATE-MIN, R-SETTLE, R-PAYOUT)
arrive with their issue. The period lock they settle is ``timesheets.SettledPeriod``."""

from payments.models.invoices import Invoice, InvoiceLine, InvoiceSequence, InvoiceState
from payments.models.ledger import Account, AccountKind, LedgerEntry, LedgerTransaction
from payments.models.payouts import PayoutRequest, PayoutState
from payments.models.rates import AssignmentRate, ExpertRate
from payments.models.settlement import Settlement, SettlementLine, SettlementStatements

__all__ = [
    "Account",
    "AccountKind",
    "Invoice",
    "InvoiceLine",
    "InvoiceSequence",
    "InvoiceState",
    "LedgerEntry",
    "LedgerTransaction",
    "AssignmentRate",
    "ExpertRate",
    "PayoutRequest",
    "PayoutState",
    "Settlement",
    "SettlementLine",
    "SettlementStatements",
]
