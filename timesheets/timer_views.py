"""The timer on a task: start it, stop it (its time is logged, rounded up to the quarter
hour) or discard it. Plain forms that come back to where they were posted from; the task
panel swaps itself in place through htmx."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from softwaresupp.http import post_required_after_lookup, safe_next_url
from timesheets import selectors, services
from timesheets.models import format_hours
from timesheets.selectors.grid import running_timer

PANEL = "task-time-panel"


def _refusal(error) -> str:
    if isinstance(error, PermissionDenied):
        return str(error) or "You cannot do that."
    return " ".join(error.messages)


def _answer(request, task, *, done: str = "", error: str = ""):
    if request.htmx and request.htmx.target == PANEL and task is not None:
        return render(
            request,
            "timesheets/task_log_panel.html",
            {"task": task, "project": task.project, "timer_done": done, "timer_error": error},
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    return redirect(safe_next_url(request, reverse("timesheets:week")))


@login_required
def timer_start(request, pk):
    task = selectors.task_loggable_get(user=request.user, pk=pk)
    if refused := post_required_after_lookup(request):
        return refused
    try:
        services.timer_start(actor=request.user, task=task)
    except (ValidationError, PermissionDenied) as error:
        return _answer(request, task, error=_refusal(error))
    return _answer(request, task, done=f"The timer runs on “{task.title}”.")


@login_required
def timer_stop(request):
    timer = running_timer(user=request.user)
    task = timer.task if timer else None
    if refused := post_required_after_lookup(request):
        return refused
    discard = bool(request.POST.get("discard"))
    try:
        entry = services.timer_stop(
            actor=request.user,
            description=(request.POST.get("description") or "")[:2000],
            discard=discard,
        )
    except (ValidationError, PermissionDenied) as error:
        return _answer(request, task, error=_refusal(error))
    if entry is None:
        done = "The timer is stopped; nothing was logged."
    else:
        done = (
            f"Logged {format_hours(entry.hours)} h on “{entry.task.title}” ({entry.day:%a %d %b})."
        )
    return _answer(request, task, done=done)
