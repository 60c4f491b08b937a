"""Celery tasks of the projects app, one module per area (autodiscovery imports this)."""

from projects.tasks import board, queries  # noqa: F401
