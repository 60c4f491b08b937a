"""Template helpers of the queries area: the board and dashboard panels (each a fixed
number of SQL queries), deadlines as time left, durations in words."""

from datetime import timedelta

from django import template
from django.utils import timezone
from django.utils.dates import MONTHS_3

from projects.models import Query
from projects.models.queries import WARN_BEFORE_DEADLINE
from projects.selectors import queries as selectors

register = template.Library()

STATE_CLASSES = {
    Query.State.WAITING: "text-bg-warning",
    Query.State.ANSWERED: "text-bg-primary",
    Query.State.WAITING_ON_CUSTOMER: "text-bg-info",
    Query.State.RESOLVED: "text-bg-success",
}


@register.simple_tag
def query_board_panel(project, user, access=None):
    return selectors.panel_for_project(user=user, project=project, access=access or None)


@register.simple_tag
def query_dashboard_panel(user):
    return selectors.panel_for_user(user=user)


@register.filter
def query_state_class(state: str) -> str:
    return STATE_CLASSES.get(state, "text-bg-secondary")


@register.filter
def duration(value: timedelta | None) -> str:
    """``12 min``, ``1 h 05 min``, ``2 d 3 h``: short enough for a table cell."""
    if value is None:
        return "–"
    minutes = int(abs(value).total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min"


@register.inclusion_tag("queries/_deadline.html")
def query_deadline(query):
    """Time left to the deadline that comes next: the first response while the query waits
    (warning colour in its last 15 minutes, red once the hour is up), then the promised
    delivery."""
    now = timezone.now()
    if query.state == Query.State.WAITING:
        due, what = query.first_response_due_at, "response"
    else:
        due, what = getattr(query, "next_deadline", None), "delivery"
    if due is None or query.state == Query.State.RESOLVED:
        return {"due": None}
    left = due - now
    if left <= timedelta(0):
        css = "text-bg-danger"
    elif what == "response" and left <= WARN_BEFORE_DEADLINE:
        css = "text-bg-warning"
    else:
        css = "text-bg-light border"
    return {"due": due, "left": left, "overdue": left <= timedelta(0), "what": what, "css": css}


# The alert job's digests list up to 50 queries per message, each with two times, in the
# text and the HTML part: Django's ``date`` filter costs tens of microseconds a call, which
# made a wave of 10,000 alerts spend most of its second formatting. These two give the same
# text as ``date:"H:i T"`` and ``date:"j M, H:i T"`` (tested side by side) by strftime.


@register.filter(expects_localtime=True)
def clock(value) -> str:
    """``14:05 CET``: the time and zone of an aware datetime, in the current time zone."""
    if not value:
        return ""
    return f"{value:%H:%M} {value.tzname() or ''}".rstrip()


@register.filter(expects_localtime=True)
def day_clock(value) -> str:
    """``3 Mar, 14:05 CET``."""
    if not value:
        return ""
    return f"{value.day} {MONTHS_3[value.month].title()}, {clock(value)}"
