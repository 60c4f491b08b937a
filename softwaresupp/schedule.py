"""The one beat schedule of the platform, in UTC.

Every job is a catch-up: it finds what is due and not yet done, so running it twice or
late gives the same result as running it once on time. Apps add their entries here.
"""

from celery.schedules import crontab

BEAT_SCHEDULE: dict[str, dict] = {}

# The outbox sweep: relays every email still pending and due, those whose on-commit relay
# never reached the broker, those waiting for a retry and those a dead worker had claimed.
BEAT_SCHEDULE["outbox-relay"] = {
    "task": "softwaresupp.tasks.outbox_relay_task",
    "schedule": crontab(),  # every minute
    "options": {"expires": 55},
}

# R-QUERY-1H: warnings 15 minutes before the first-response deadline, breach alerts at it.
BEAT_SCHEDULE["query-alerts"] = {
    "task": "projects.tasks.queries.query_alerts_task",
    "schedule": crontab(),  # every minute
    "options": {"expires": 55},
}

# R-SPRINT / R-SUMMARY: weeks end at midnight in each project's time zone, so these run every
# hour and act on the projects whose Sunday has just passed (both are catch-ups).
BEAT_SCHEDULE["sprints-roll-over"] = {
    "task": "projects.tasks.board.sprints_roll_over_task",
    "schedule": crontab(minute=2),
    "options": {"expires": 3000},
}
BEAT_SCHEDULE["weekly-summaries"] = {
    "task": "projects.tasks.board.weekly_summaries_send_task",
    "schedule": crontab(minute=17),
    "options": {"expires": 3000},
}

# R-HOURS / R-ESTIMATE: each expert once a day in their own morning (hence hourly), and the
# staff digest of the last complete week (daily, so a missed Monday is caught up).
BEAT_SCHEDULE["timesheet-reminders"] = {
    "task": "timesheets.tasks.remind_experts_task",
    "schedule": crontab(minute=11),
    "options": {"expires": 3000},
}
BEAT_SCHEDULE["timesheet-staff-digest"] = {
    "task": "timesheets.tasks.send_hours_digest_task",
    "schedule": crontab(hour=6, minute=41),
    "options": {"expires": 3600 * 6},
}

# R-NPS: the weekly survey goes out on Friday about that week (so the week's summary carries
# its link); it runs daily as a catch-up: a run finds the surveys of the latest surveyed
# week that are missing (none, once Friday's run went out), never older weeks.
BEAT_SCHEDULE["nps-surveys"] = {
    "task": "surveys.tasks.surveys_send_task",
    "schedule": crontab(hour=9, minute=23),
    "options": {"expires": 3600 * 6},
}

# R-SETTLE: every two-week period that ended (plus a day of grace) is settled once; daily,
# so a missed run is caught up the next day.
BEAT_SCHEDULE["settlements-run"] = {
    "task": "payments.tasks.settlements_run_task",
    "schedule": crontab(hour=2, minute=7),
    "options": {"expires": 3600 * 6},
}

# R-SETTLE: the statements of a settlement are queued after it commits; a crash in between
# is caught up here.
BEAT_SCHEDULE["settlement-statements"] = {
    "task": "payments.tasks.settlement_statements_task",
    "schedule": crontab(minute="*/15"),
    "options": {"expires": 600},
}

# Issue 9, item 4: each organization is invoiced once for a settled period's hours; daily,
# ten minutes after the settlement, so a period is invoiced the day it is settled.
BEAT_SCHEDULE["invoices-run"] = {
    "task": "payments.invoice_tasks.invoices_run_task",
    "schedule": crontab(hour=2, minute=17),
    "options": {"expires": 3600 * 6},
}

# R-PAYOUT: staff are alerted once about each payout request open for over 20 hours (the
# promise is 24).
BEAT_SCHEDULE["payouts-overdue-alert"] = {
    "task": "payments.payout_tasks.payouts_overdue_alert_task",
    "schedule": crontab(minute=29),
    "options": {"expires": 3000},
}

# R-MATCH: new postings reach the matching experts by email, once per posting and expert.
BEAT_SCHEDULE["postings-announce"] = {
    "task": "onboarding.tasks.postings_announce_task",
    "schedule": crontab(minute="*/5"),
    "options": {"expires": 280},
}

# R-LEAD: an expert is reminded of each lead unchanged for 7 days, once per lead per week
# (the reminder's key); daily, so a missed run is caught up the next day.
BEAT_SCHEDULE["lead-reminders"] = {
    "task": "leads.tasks.lead_reminders_task",
    "schedule": crontab(hour=8, minute=13),
    "options": {"expires": 3600 * 6},
}

# R-COMMISSION: commissions of paid invoices, cancellations and clawbacks of voided ones,
# credits after the hold period; daily after the invoices job (02:17), a catch-up.
BEAT_SCHEDULE["commissions-run"] = {
    "task": "leads.tasks.commissions_run_task",
    "schedule": crontab(hour=3, minute=37),
    "options": {"expires": 3600 * 6},
}
