"""Calendar weeks, Monday to Sunday: sprints, the timesheet grid, reminders and digests all
count weeks this way (R-SPRINT, R-TIMESHEET)."""

from datetime import date, timedelta


def monday_of(day: date) -> date:
    """The Monday of the week that holds ``day``."""
    return day - timedelta(days=day.weekday())


def week_of(day: date) -> tuple[date, date]:
    """The Monday and the Sunday of the week that holds ``day``."""
    monday = monday_of(day)
    return monday, monday + timedelta(days=6)
