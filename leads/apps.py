from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "leads"

    def ready(self):
        from leads import receivers  # noqa: F401  (connects the sign-up receiver)
