"""The board page and the moves made on it (drag and drop with htmx, or plain forms)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.functional import SimpleLazyObject

from projects.forms.tasks import AssignForm, EstimateForm, MoveForm
from projects.models import Task
from projects.selectors.board import BoardFilters, board_get, board_updates
from projects.selectors.projects import (
    assignable_experts,
    project_access,
    project_get_with_access,
)
from projects.selectors.tasks import task_get
from projects.services.sprints import sprints_ensure
from projects.services.tasks import task_assign, task_estimate, task_move
from projects.views.cards import board_columns_render, csrf_fill
from projects.views.common import redirect_back, refusal_text
from projects.views.snapshot import BoardSnapshot, board_snapshot
from softwaresupp.http import post_required_after_lookup


def _board_context(
    request, project, filters: BoardFilters, *, access=None, error="", notice="", cached=False
):
    """The board page's context. The board and the filter's experts are lazy: a part served
    from the board's snapshot (``projects.views.snapshot``) never reads them. Only the
    board's own page is ``cached``: after a move the page shows the outcome of a write whose
    stamp changes at its commit."""
    access = access or project_access(user=request.user, project=project)
    query = urlencode(filters.as_query())
    board_url = project.get_absolute_url() + (f"?{query}" if query else "")

    def board_build():
        current, upcoming = sprints_ensure(project=project)
        board = board_get(
            project=project,
            sprint=current,
            next_sprint=upcoming,
            filters=filters,
            user=request.user,
        )
        board_columns_render(
            board, project=project, access=access, user=request.user, board_url=board_url
        )
        return board

    return {
        "project": project,
        "access": access,
        "board": SimpleLazyObject(board_build),
        "board_url": board_url,
        "filters": filters,
        "assignees": SimpleLazyObject(lambda: list(assignable_experts(project=project))),
        "kinds": Task.Kind.choices,
        "updates": SimpleLazyObject(lambda: board_updates(project=project)),
        "board_error": error,
        "board_notice": notice,
        "snapshot": board_snapshot(request, project=project, access=access, board_url=board_url)
        if cached
        else BoardSnapshot(),
    }


@login_required
def board(request, pk):
    project, access = project_get_with_access(user=request.user, pk=pk)
    filters = BoardFilters.from_query(request.GET)
    context = _board_context(request, project, filters, access=access, cached=True)
    if request.htmx and request.htmx.target == "board":
        return _board_response(request, "projects/_board.html", context)
    return _board_response(request, "projects/board.html", context)


def _board_response(request, template: str, context: dict) -> HttpResponse:
    html = render_to_string(template, context, request)
    context["snapshot"].save()
    return HttpResponse(csrf_fill(request, html))


def _after_move(request, task, *, error: str = "", done: str = ""):
    """htmx: the board again, with what happened in the board's status line (the refusal
    also above the columns); otherwise back with a message."""
    if request.htmx:
        filters = BoardFilters.from_query(request.POST)
        return _board_response(
            request,
            "projects/_board.html",
            _board_context(request, task.project, filters, error=error, notice=error or done),
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    return redirect_back(request, task.project)


@login_required
def task_move_view(request, pk):
    task = task_get(user=request.user, pk=pk)
    if refused := post_required_after_lookup(request):
        return refused
    form = MoveForm(request.POST)
    if not form.is_valid():
        return _after_move(request, task, error="That move is not one the board knows.")
    try:
        task = task_move(
            actor=request.user,
            task=task,
            status=form.cleaned_data["status"] or None,
            where=form.cleaned_data["where"] or None,
            before=form.cleaned_data["before"],
        )
    except (ValidationError, PermissionDenied) as error:
        return _after_move(request, task, error=f"“{task.title}” can't move: {refusal_text(error)}")
    return _after_move(request, task, done=f"“{task.title}” is now in {task.get_status_display()}.")


@login_required
def task_estimate_view(request, pk):
    task = task_get(user=request.user, pk=pk)
    if refused := post_required_after_lookup(request):
        return refused
    form = EstimateForm(request.POST)
    if not form.is_valid():
        return _after_move(
            request,
            task,
            error=f"“{task.title}”: an estimate is a number of hours greater than zero.",
        )
    try:
        task = task_estimate(
            actor=request.user, task=task, estimate_hours=form.cleaned_data["estimate_hours"]
        )
    except (ValidationError, PermissionDenied) as error:
        return _after_move(request, task, error=f"“{task.title}”: {refusal_text(error)}")
    return _after_move(
        request, task, done=f"“{task.title}” is estimated at {task.estimate_hours} h."
    )


@login_required
def task_assign_view(request, pk):
    """ "Assign to me" on a card: the expert takes the task."""
    task = task_get(user=request.user, pk=pk)
    if refused := post_required_after_lookup(request):
        return refused
    if not AssignForm(request.POST).is_valid():
        return _after_move(request, task, error="Only “assign to me” is offered here.")
    try:
        task = task_assign(actor=request.user, task=task, assignee=request.user)
    except (ValidationError, PermissionDenied) as error:
        return _after_move(request, task, error=f"“{task.title}”: {refusal_text(error)}")
    return _after_move(request, task, done=f"“{task.title}” is assigned to you.")
