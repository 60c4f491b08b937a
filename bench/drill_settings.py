"""Settings for the fault drills' app processes (``bench/drill_env.py``): the embedded
default's settings on the private PostgreSQL and Redis the drill starts, with a short outbox
claim so a killed worker's messages are retried within the drill."""

import os

from softwaresupp.settings.local import *  # noqa: F403
from softwaresupp.settings.local import DATABASES

OUTBOX_CLAIM_SECONDS = int(os.environ.get("OUTBOX_CLAIM_SECONDS", "600"))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # as in production
