"""Payments in Django admin: its models arrive with the payments issue."""

from payments import admin_ledger  # noqa: F401  (registers the ledger's admin)
