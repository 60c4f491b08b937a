"""Projects in Django admin, split by area; importing the modules registers them."""

from projects.admin import board, projects, queries  # noqa: F401
