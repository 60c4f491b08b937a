from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        from django.db.models.signals import post_migrate

        from accounts import mfa  # noqa: F401  (connects the MFA session receivers)
        from accounts.staff_group import sync_after_migrate

        post_migrate.connect(sync_after_migrate, sender=self, dispatch_uid="staff_group_sync")
