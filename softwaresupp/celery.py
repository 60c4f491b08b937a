import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "softwaresupp.settings.local")

app = Celery("softwaresupp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _install_schedule(sender, **kwargs):
    from softwaresupp.schedule import BEAT_SCHEDULE

    sender.conf.beat_schedule = BEAT_SCHEDULE
