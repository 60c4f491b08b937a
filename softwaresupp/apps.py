from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared pieces: the event log, notifications, tenancy helpers, health, start."""

    name = "softwaresupp"
    label = "core"
    verbose_name = "Platform"
