"""Rates, the ledger, settlements, invoices and payouts (R-RATE-MIN, R-SETTLE, R-PAYOUT)
arrive with their issue. The period lock they settle is ``timesheets.SettledPeriod``."""
