"""Payments in Django admin: its models arrive with the payments issue."""
