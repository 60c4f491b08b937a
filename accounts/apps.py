from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        from accounts import mfa  # noqa: F401  (connects the MFA session receivers)
