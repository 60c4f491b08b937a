"""Pages of customer queries: ask, respond with an estimate, reply, the internal community
thread, turn into a task, resolve; figures; the staff list of open queries by time left."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify

from projects.forms.queries import (
    FiguresPeriodForm,
    QueryAskForm,
    QueryNoteForm,
    QueryReplyForm,
    QueryResponseForm,
    QueryTaskForm,
)
from projects.models import Project, Query
from projects.selectors import queries as selectors
from projects.selectors.query_figures import query_figures
from projects.services import queries as services
from projects.services import query_threads
from softwaresupp.exports import csv_cell
from softwaresupp.forms import apply_validation_error
from softwaresupp.http import post_required_after_lookup
from softwaresupp.templatetags.when import whentext
from softwaresupp.tenancy import require_staff

PAGE_SIZE = 25
NO_EXPERT_ASKED = (
    "Your question is in. No expert is assigned to this project yet, so SoftwareSupp staff "
    "have it and will reply; there is no one-hour promise until an expert joins."
)
STATE_TABS = [
    ("open", "Open"),
    ("waiting", "Waiting for first response"),
    ("resolved", "Resolved"),
    ("all", "All"),
]


def _state(request) -> str:
    state = request.GET.get("state", "open")
    return state if state in selectors.STATE_FILTERS else "open"


@login_required
def query_list(request):
    state = _state(request)
    page = Paginator(selectors.query_list(user=request.user, state=state), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "queries/list.html",
        {
            "page": page,
            "state": state,
            "state_tabs": STATE_TABS,
            "projects": selectors.project_list(user=request.user)[:50],
        },
    )


@login_required
def project_list(request, pk):
    project = selectors.project_get(user=request.user, pk=pk)
    state = _state(request)
    page = Paginator(
        selectors.query_list(user=request.user, project=project, state=state), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "queries/project_list.html",
        {
            "project": project,
            "page": page,
            "state": state,
            "state_tabs": STATE_TABS,
            "can_ask": selectors.can_ask(user=request.user, project=project),
            "has_expert": selectors.has_current_expert(project),
        },
    )


@login_required
def ask(request, pk):
    project = selectors.project_get(user=request.user, pk=pk)
    if not selectors.can_ask(user=request.user, project=project):
        if project.status == Project.Status.CLOSED:
            messages.info(request, "This project is closed. Ask your question on an active one.")
        else:
            messages.info(request, "Questions are asked by the customer's team; experts answer.")
        return redirect("queries:project_list", pk=project.pk)
    form = QueryAskForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            query = services.query_ask(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            if selectors.has_current_expert(project):
                due = whentext(query.first_response_due_at, "short")
                messages.success(request, f"Your question is in. An expert responds by {due}.")
            else:
                messages.success(request, NO_EXPERT_ASKED)
            return redirect(query)
    return render(
        request,
        "queries/ask.html",
        {"project": project, "form": form, "has_expert": selectors.has_current_expert(project)},
    )


@login_required
def project_export(request, pk):
    project = selectors.project_get(user=request.user, pk=pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="queries-{slugify(project.name) or project.pk}.csv"'
    )
    writer = csv.writer(response)
    for row in selectors.query_export_rows(user=request.user, project=project):
        writer.writerow([csv_cell(value) for value in row])
    return response


def _render_detail(request, query: Query, status: int = 200, **forms):
    user = request.user
    on_team = selectors.can_see_internal(user=user, query=query)
    is_member = selectors.is_customer(user=user, project=query.project)
    context = {
        "query": query,
        "has_expert": selectors.has_current_expert(query.project),
        "thread": selectors.query_thread(query),
        "on_team": on_team,
        "is_member": is_member,
        "notes": list(selectors.query_notes(user=user, query=query)) if on_team else [],
        "respond_form": forms.get("respond_form") or QueryResponseForm(),
        "reply_form": forms.get("reply_form") or QueryReplyForm(),
        "note_form": forms.get("note_form") or QueryNoteForm(),
        "task_form": forms.get("task_form")
        or (QueryTaskForm(initial=selectors.query_task_initial(query)) if on_team else None),
    }
    return render(request, "queries/detail.html", context, status=status)


@login_required
def detail(request, pk):
    query = selectors.query_get(user=request.user, pk=pk)
    return _render_detail(request, query)


def _post_form(request, pk, form_class, form_name, service, success):
    """Look the query up first (404 for anyone who may not see it, on every method), then
    run one service; a refusal is shown beside the field, with what was typed kept."""
    query = selectors.query_get(user=request.user, pk=pk)
    if refused := post_required_after_lookup(request):
        return refused
    form = form_class(request.POST)
    if form.is_valid():
        try:
            service(query, form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, success)
            return redirect(query)
    return _render_detail(request, query, status=400, **{form_name: form})


@login_required
def respond(request, pk):
    return _post_form(
        request,
        pk,
        QueryResponseForm,
        "respond_form",
        lambda query, data: services.query_respond(actor=request.user, query=query, **data),
        "Your response is sent to the customer, with its estimate.",
    )


@login_required
def reply(request, pk):
    return _post_form(
        request,
        pk,
        QueryReplyForm,
        "reply_form",
        lambda query, data: query_threads.query_reply(actor=request.user, query=query, **data),
        "Your reply is sent to the experts.",
    )


@login_required
def note(request, pk):
    return _post_form(
        request,
        pk,
        QueryNoteForm,
        "note_form",
        lambda query, data: query_threads.query_note_add(actor=request.user, query=query, **data),
        "Posted on the internal thread.",
    )


@login_required
def create_task(request, pk):
    return _post_form(
        request,
        pk,
        QueryTaskForm,
        "task_form",
        lambda query, data: services.query_task_create(actor=request.user, query=query, **data),
        "The task is on the board, linked to this query.",
    )


@login_required
def resolve(request, pk):
    """GET asks "resolve this query?" (a page of its own, so it works without JavaScript);
    the page's POST resolves."""
    query = selectors.query_get(user=request.user, pk=pk)
    if request.method == "GET":
        on_team = selectors.can_see_internal(user=request.user, query=query)
        if not query.is_open or not (
            on_team or selectors.is_customer(user=request.user, project=query.project)
        ):
            return redirect(query)
        return render(request, "queries/resolve.html", {"query": query, "on_team": on_team})
    if refused := post_required_after_lookup(request):
        return refused
    try:
        services.query_resolve(actor=request.user, query=query)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The query is resolved.")
    return redirect(query)


@login_required
def attachment(request, pk, file_pk):
    """A customer's file, always downloaded, never shown: typed as bytes rather than by its
    name, so an uploaded .html or .svg cannot run as a page of the platform."""
    attachment = selectors.attachment_get(user=request.user, query_pk=pk, pk=file_pk)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type="application/octet-stream",
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _figures_page(request, *, staff_page: bool):
    today = timezone.localdate()
    form = FiguresPeriodForm(request.GET or None, today=today)
    start_day, end_day = form.period()
    start, end = selectors.period_bounds(start_day, end_day, request.user.time_zone)
    report = query_figures(user=request.user, start=start, end=end)
    return render(
        request,
        "queries/figures.html",
        {
            "form": form,
            "report": report,
            "start_day": start_day,
            "end_day": end_day,
            "staff_page": staff_page,
        },
    )


@login_required
def figures(request):
    if request.user.sees_everything:
        return redirect("queries:staff_figures")
    return _figures_page(request, staff_page=False)


@login_required
def staff_figures(request):
    require_staff(request.user)
    return _figures_page(request, staff_page=True)


@login_required
def staff_open(request):
    require_staff(request.user)
    queries = selectors.query_open_list(user=request.user)
    page = Paginator(queries, 100).get_page(request.GET.get("page"))
    return render(request, "queries/staff_open.html", {"page": page})
