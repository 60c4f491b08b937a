"""Reads of the surveys app, scoped to what the user may see (R-TENANT)."""
