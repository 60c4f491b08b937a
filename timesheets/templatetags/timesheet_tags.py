from django import template

from projects.models import Task
from timesheets.forms import TimeEntryLogForm
from timesheets.models import format_hours
from timesheets.selectors import dashboard_hours, task_time_summary
from timesheets.selectors.grid import running_timer

register = template.Library()


@register.filter
def hours(value) -> str:
    """Hours without trailing zeros: 2.50 → 2.5."""
    return format_hours(value)


@register.filter
def signed_hours(value) -> str:
    """A variance: +1.5 over the estimate, −2 under it."""
    if value is None:
        return "—"
    text = format_hours(abs(value))
    if value > 0:
        return f"+{text}"
    if value < 0:
        return f"−{text}"
    return text


STATUS_LABELS = dict(Task.Status.choices)


@register.filter
def task_status(value) -> str:
    """A task status code as people read it: ``in_progress`` → "In progress"."""
    return STATUS_LABELS.get(value, value)


@register.simple_tag
def hours_dashboard_panel(user):
    return dashboard_hours(user=user)


@register.inclusion_tag("timesheets/_task_panel.html", takes_context=True)
def task_time_panel(context, task):
    """The task page's hours panel: logged against the estimate, the latest entries and,
    for an expert on the project, the quick "log hours" form."""
    request = context["request"]
    summary = task_time_summary(user=request.user, task=task)
    form = context.get("log_form") or TimeEntryLogForm(today=summary.today)
    return {
        "request": request,
        "task": task,
        "summary": summary,
        "form": form,
        "logged": context.get("logged"),
        "csrf_token": context.get("csrf_token"),
        # The expert's timer: a start button on this task, or the one running.
        "timer": running_timer(user=request.user) if summary.can_log else None,
        "timer_done": context.get("timer_done"),
        "timer_error": context.get("timer_error"),
    }
