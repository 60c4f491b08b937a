"""People and tenants in Django admin, split by area; importing the modules registers them.

Everything here is view-only: actions and small forms call the services, so the rules hold
and every change lands in the event log."""

from accounts.admin import experts, people, tenants  # noqa: F401
