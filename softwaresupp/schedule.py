"""The one beat schedule of the platform, in UTC.

Every job is a catch-up: it finds what is due and not yet done, so running it twice or
late gives the same result as running it once on time. Apps add their entries here.
"""

from celery.schedules import crontab  # noqa: F401  (used by the entries apps add)

BEAT_SCHEDULE: dict[str, dict] = {}
