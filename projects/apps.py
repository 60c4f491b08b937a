from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ProjectsConfig(AppConfig):
    name = "projects"

    def ready(self):
        from projects.board_stamp import install_board_stamp_triggers

        post_migrate.connect(install_board_stamp_triggers, sender=self)
