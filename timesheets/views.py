from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from softwaresupp.dates import monday_of
from softwaresupp.forms import apply_validation_error, parse_day, parse_id
from softwaresupp.http import post_required_after_lookup, safe_next_url
from timesheets import exports, selectors, services
from timesheets.forms import (
    HoursField,
    ReportFilterForm,
    TimeEntryForm,
    TimeEntryLogForm,
    choice_options,
)
from timesheets.models import format_hours, local_today
from timesheets.selectors import GROUPS
from timesheets.selectors.grid import rows_to_copy

REPORT_PAGE_SIZE = 100
SEARCH_PARAMS = ("organization_q", "project_q", "expert_q")


def _safe_next(request, fallback: str) -> str:
    return safe_next_url(request, fallback)


def _refusal(error) -> str:
    if isinstance(error, PermissionDenied):
        return str(error) or "You cannot do that."
    return " ".join(error.messages)


# --- the weekly grid -------------------------------------------------------------------


def _requested_monday(request, today: date) -> date:
    day = parse_day(request.GET.get("week")) or today
    return monday_of(min(day, today))


def _add_task_ids(request) -> list[int]:
    ids = (parse_id(value) for value in request.GET.getlist("add"))
    return [pk for pk in ids if pk is not None][:50]


def _post_url(monday: date, add: list[int], day: date | None = None) -> str:
    params = {"week": monday.isoformat(), "add": add}
    if day is not None:
        params["day"] = day.isoformat()
    return f"{reverse('timesheets:week')}?{urlencode(params, doseq=True)}"


NOTE_MAX = 2000


def _parse_cells(request) -> list[tuple[int, date, str, str | None]]:
    """The posted cells: (task id, day, typed hours, typed note or None when the cell's
    note was not posted)."""
    cells = []
    for key, value in request.POST.items():
        if not key.startswith("cell-"):
            continue
        task_id, _, raw_day = key.removeprefix("cell-").partition("-")
        task_pk, day = parse_id(task_id), parse_day(raw_day)
        if task_pk is not None and day is not None:
            note = request.POST.get(f"note-{task_id}-{raw_day}")
            cells.append((task_pk, day, value, None if note is None else note[:NOTE_MAX]))
    return cells


def _save_cells(request, grid) -> dict[str, tuple[str, str, str | None]]:
    """Save every cell whose hours or note changed (the note is the entry's description);
    returns ``{cell name: (typed, error, typed note)}`` for the cells that were refused, so
    the grid can show them with what was typed."""
    errors = {}
    field = HoursField(required=False)
    for task_id, day, typed, note in _parse_cells(request):
        name = f"cell-{task_id}-{day.isoformat()}"
        try:
            hours = field.clean(typed)
        except ValidationError as error:
            errors[name] = (typed, _refusal(error), note)
            continue
        row = grid.row_for(task_id)
        current = next((c for c in row.cells if c.day == day), None) if row else None
        note_changed = note is not None and note.strip() != (current.note if current else "")
        if current is not None and current.hours == hours and not note_changed:
            continue
        task = selectors.grid_task_get(expert=request.user, pk=task_id)
        try:
            services.time_entry_cell_set(
                actor=request.user, task=task, day=day, hours=hours, description=note
            )
        except (ValidationError, PermissionDenied) as error:
            errors[name] = (typed, _refusal(error), note)
    return errors


def _apply_errors(grid, errors) -> None:
    for row in grid.rows:
        for cell in row.cells:
            if cell.name in errors:
                cell.typed, cell.error, cell.typed_note = errors[cell.name]


def _copy_rows(request, monday: date, add: list[int], day: date | None):
    """ "Copy last week's rows": the most recent earlier week's tasks join this week's grid
    (as rows to fill; nothing is logged until hours are typed)."""
    source, task_ids = rows_to_copy(expert=request.user, monday=monday)
    new = [pk for pk in task_ids if pk not in add]
    if source is None:
        messages.info(request, "There is no earlier week with your hours to copy rows from.")
    elif not task_ids:
        messages.info(
            request,
            f"None of the tasks of the week of {source:%d %b} take hours any more "
            "(done, cancelled or no longer yours).",
        )
    else:
        messages.success(
            request,
            f"Copied {len(task_ids)} row{'s' if len(task_ids) != 1 else ''} from the week of "
            f"{source:%d %b}. Type the hours; a row with none stays empty.",
        )
    return redirect(_post_url(monday, add + new, day))


@login_required
def week(request):
    """The expert's week: tasks × days, typed inline. Each cell saves on its own through
    htmx; without JavaScript the whole week is one form."""
    if not request.user.is_expert:
        return redirect("timesheets:report")
    today = local_today(request.user)
    monday = _requested_monday(request, today)
    add = _add_task_ids(request)
    day = parse_day(request.GET.get("day"))
    if request.method in ("GET", "HEAD") and request.GET.get("copy"):
        return _copy_rows(request, monday, add, day)
    grid = selectors.week_grid(expert=request.user, monday=monday, add_task_ids=add, day=day)
    if request.method == "POST":
        errors = _save_cells(request, grid)
        if request.htmx:
            return _cell_response(request, monday, add, day, errors)
        if not errors:
            messages.success(request, "Your week is saved.")
            return redirect(_post_url(monday, add, day))
        grid = selectors.week_grid(expert=request.user, monday=monday, add_task_ids=add, day=day)
        _apply_errors(grid, errors)
        messages.error(request, "Some hours were not saved: see the cells marked in red.")
    elif request.method not in ("GET", "HEAD"):
        return post_required_after_lookup(request)
    return render(
        request,
        "timesheets/week.html",
        {"grid": grid, "add": add, "post_url": _post_url(monday, add, day)},
    )


def _cell_response(request, monday, add, day, errors):
    """The saved (or refused) cell, saying which, with its row's, day's and week's totals
    swapped in out of band."""
    name = request.htmx.trigger_name or next(iter(errors), "")
    name = "cell-" + name.removeprefix("note-").removeprefix("cell-")
    grid = selectors.week_grid(expert=request.user, monday=monday, add_task_ids=add, day=day)
    _apply_errors(grid, errors)
    row = cell = None
    for candidate in grid.rows:
        for candidate_cell in candidate.cells:
            if candidate_cell.name == name:
                row, cell = candidate, candidate_cell
    if cell is not None and not cell.error:
        cell.saved = True
    return render(
        request,
        "timesheets/_cell_response.html",
        {"grid": grid, "row": row, "cell": cell, "post_url": _post_url(monday, add, day)},
    )


# --- one task, one entry ---------------------------------------------------------------


@login_required
def task_log(request, pk):
    """Quick "log hours" on a task: the task page's panel posts here; the same page works
    on its own without JavaScript."""
    task = selectors.task_loggable_get(user=request.user, pk=pk)
    today = local_today(request.user)
    form = TimeEntryLogForm(request.POST or None, today=today)
    if request.method == "POST":
        if form.is_valid():
            try:
                entry = services.time_entry_log(actor=request.user, task=task, **form.cleaned_data)
            except (ValidationError, PermissionDenied) as error:
                if isinstance(error, PermissionDenied):
                    error = ValidationError(_refusal(error))
                apply_validation_error(form, error)
            else:
                if request.htmx:
                    # The panel is swapped in place and says so itself; a flash message
                    # would only show up on the next page.
                    return render(
                        request,
                        "timesheets/task_log_panel.html",
                        {"task": task, "project": task.project, "logged": entry},
                    )
                messages.success(request, f"Logged {format_hours(entry.hours)} h on “{task}”.")
                return redirect(_safe_next(request, task.get_absolute_url()))
        if request.htmx:
            return render(
                request,
                "timesheets/task_log_panel.html",
                {"task": task, "project": task.project, "log_form": form},
            )
    elif request.method not in ("GET", "HEAD"):
        return post_required_after_lookup(request)
    return render(
        request,
        "timesheets/task_log.html",
        {"task": task, "project": task.project, "log_form": form},
    )


@login_required
def entry_edit(request, pk):
    entry = selectors.time_entry_get_for_edit(user=request.user, pk=pk)
    fallback = f"{reverse('timesheets:report')}?group=entry"
    initial = {
        "day": entry.day,
        "hours": format_hours(entry.hours),
        "description": entry.description,
    }
    form = TimeEntryForm(request.POST or None, initial=initial, today=local_today(entry.expert))
    if request.method == "POST":
        if form.is_valid():
            try:
                services.time_entry_update(actor=request.user, entry=entry, **form.cleaned_data)
            except (ValidationError, PermissionDenied) as error:
                apply_validation_error(form, ValidationError(_refusal(error)))
            else:
                messages.success(request, "The entry is saved.")
                return redirect(_safe_next(request, fallback))
    elif request.method not in ("GET", "HEAD"):
        return post_required_after_lookup(request)
    return render(
        request,
        "timesheets/entry_edit.html",
        {"entry": entry, "form": form, "next": _safe_next(request, fallback)},
    )


@login_required
def entry_delete(request, pk):
    entry = selectors.time_entry_get_for_edit(user=request.user, pk=pk)
    if refused := post_required_after_lookup(request):
        return refused
    fallback = f"{reverse('timesheets:report')}?group=entry"
    try:
        services.time_entry_delete(actor=request.user, entry=entry)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _refusal(error))
        return redirect(reverse("timesheets:entry_edit", kwargs={"pk": entry.pk}))
    messages.success(
        request, f"The entry of {format_hours(entry.hours)} h on {entry.day:%d %b} is deleted."
    )
    return redirect(_safe_next(request, fallback))


# --- reports and export ----------------------------------------------------------------


def _report_form(request) -> ReportFilterForm:
    user = request.user
    return ReportFilterForm(
        request.GET or None,
        organizations=selectors.report_organizations(user=user),
        projects=selectors.report_projects(user=user),
        experts=selectors.report_experts(user=user),
        today=local_today(user),
    )


@login_required
@require_safe
def report_choices(request):
    """The report filter's search (htmx): the options matching the typed text, swapped
    into the filter's select. Only choices the user may see."""
    field = request.GET.get("field", "")
    queryset = selectors.report_choices(user=request.user, field=field)
    text = (request.GET.get(f"{field}_q") or "").strip()[:100]
    chosen = parse_id(request.GET.get(field))
    options = selectors.report_choice_list(queryset, field=field, text=text, chosen=chosen)
    empty = ReportFilterForm.base_fields[field].empty_label
    return render(
        request,
        "timesheets/_choices.html",
        {
            "empty_label": empty,
            "options": choice_options(field, options),
            "chosen": chosen,
        },
    )


@login_required
def report(request):
    """Hours by project, sprint, expert, task or entry for a date range, with estimates
    against actuals: customers their organizations', experts their own, staff everyone's."""
    form = _report_form(request)
    report_filter = form.report()
    group = form.selected_group
    summary, page = selectors.report_figures(
        user=request.user,
        report=report_filter,
        group=group,
        page_number=request.GET.get("page"),
        page_size=REPORT_PAGE_SIZE,
    )
    query = request.GET.copy()
    query.pop("page", None)
    for typed in SEARCH_PARAMS:  # a filter's typed search is not part of the report
        query.pop(typed, None)
    query.pop("group", None)
    ranges = []
    for label, start, end in form.quick_ranges():
        ranged = query.copy()
        ranged["start"], ranged["end"] = start.isoformat(), end.isoformat()
        ranged["group"] = group
        active = (start, end) == (report_filter.start, report_filter.end)
        ranges.append((label, ranged.urlencode(), active))
    export_query = request.GET.copy()
    export_query.pop("page", None)
    for typed in SEARCH_PARAMS:
        export_query.pop(typed, None)
    export_query["start"] = report_filter.start.isoformat()
    export_query["end"] = report_filter.end.isoformat()
    export_query["group"] = group
    entries_query = export_query.copy()
    entries_query["group"] = "entry"
    return render(
        request,
        "timesheets/report.html",
        {
            "form": form,
            "report": report_filter,
            "group": group,
            "groups": GROUPS,
            "page": page,
            "summary": summary,
            "query": query.urlencode(),
            "ranges": ranges,
            "export_query": export_query.urlencode(),
            "entries_query": entries_query.urlencode(),
        },
    )


@login_required
def export(request):
    """The report's rows (or every entry) as CSV, streamed (by COPY on PostgreSQL)."""
    form = _report_form(request)
    report_filter = form.report()
    group = form.selected_group
    filename = f"hours-{group}-{report_filter.start:%Y%m%d}-{report_filter.end:%Y%m%d}.csv"
    response = StreamingHttpResponse(
        exports.export_chunks(user=request.user, report_filter=report_filter, group=group),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
