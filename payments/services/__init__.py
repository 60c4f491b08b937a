"""Writes for money: rates, the ledger, settlements, invoices and payouts."""
