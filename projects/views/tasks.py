"""Task pages: submit, read (comments, updates, history), edit, comment, milestone updates."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render

from projects.forms.tasks import (
    AttachmentForm,
    CommentForm,
    CustomerTaskCreateForm,
    CustomerTaskForm,
    MilestoneUpdateForm,
    MoveForm,
    TaskCreateForm,
    TaskForm,
)
from projects.models import Task
from projects.selectors.projects import assignable_experts, project_access, project_get
from projects.selectors.tasks import task_attachment_get, task_get, task_page
from projects.services.comments import task_comment_add
from projects.services.sprints import sprints_ensure
from projects.services.tasks import (
    BACKLOG,
    CURRENT,
    NEXT,
    task_attachments_add,
    task_create,
    task_update,
)
from projects.services.updates import milestone_update_post
from projects.views.common import refusal_text
from softwaresupp.forms import apply_validation_error
from softwaresupp.http import post_required_after_lookup


@login_required
def task_create_view(request, pk):
    project = project_get(user=request.user, pk=pk)
    access = project_access(user=request.user, project=project)
    if access.can_triage:
        form = TaskCreateForm(
            request.POST or None,
            request.FILES or None,
            assignees=assignable_experts(project=project),
            initial={"where": request.GET.get("where", CURRENT)},
        )
    else:
        form = CustomerTaskCreateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        where = data.pop("where", CURRENT)
        try:
            task = task_create(
                actor=request.user,
                project=project,
                backlog=where == BACKLOG,
                sprint=_next_sprint(project) if where == NEXT else None,
                **data,
            )
        except (ValidationError, PermissionDenied) as error:
            _form_error(form, error)
        else:
            if access.can_triage:
                messages.success(request, f"“{task.title}” is on the board.")
            else:
                messages.success(
                    request,
                    f"Thanks: “{task.title}” is on the board. An expert will estimate it and "
                    "plan it shortly.",
                )
            return redirect(project)
    return render(
        request,
        "projects/task_form.html",
        {"project": project, "form": form, "access": access, "task": None},
    )


def _next_sprint(project):
    return sprints_ensure(project=project)[1]


def _form_error(form, error):
    if isinstance(error, PermissionDenied):
        form.add_error(None, refusal_text(error))
    else:
        apply_validation_error(form, error)


PANEL = "task-panel"


def _wants_panel(request) -> bool:
    """The board opens a card in its side panel (htmx); the same URL is the task's page."""
    return bool(request.htmx and request.htmx.target == PANEL)


def _task_context(request, task, **extra) -> dict:
    project = task.project
    return {
        "task": task,
        "project": project,
        "access": project_access(user=request.user, project=project),
        "comment_form": CommentForm(),
        "attachment_form": AttachmentForm(),
        "update_form": MilestoneUpdateForm(),
        "move_form": MoveForm(),
        "statuses": Task.Status.choices,
        **task_page(task=task),
        **extra,
    }


def _panel(request, task, **extra):
    return render(request, "projects/_task_panel.html", _task_context(request, task, **extra))


@login_required
def task_detail(request, pk):
    task = task_get(user=request.user, pk=pk)
    if _wants_panel(request):
        return _panel(request, task)
    return render(request, "projects/task_detail.html", _task_context(request, task))


def _can_edit(access, task, user) -> bool:
    return access.can_triage or (
        access.is_customer and task.author_id == user.pk and task.status == Task.Status.NEW
    )


@login_required
def task_edit(request, pk):
    task = task_get(user=request.user, pk=pk)
    project = task.project
    access = project_access(user=request.user, project=project)
    if not _can_edit(access, task, request.user):
        raise PermissionDenied("You can't change this task; add a comment instead.")
    initial = {
        "title": task.title,
        "description": task.description,
        "kind": task.kind,
        "priority": task.priority,
        "due_on": task.due_on,
        "estimate_hours": task.estimate_hours,
        "assignee": task.assignee_id,
    }
    if access.can_triage:
        form = TaskForm(
            request.POST or None,
            initial=initial,
            assignees=assignable_experts(project=project),
            with_plan=False,
        )
    else:
        form = CustomerTaskForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            task = task_update(actor=request.user, task=task, **changed)
        except (ValidationError, PermissionDenied) as error:
            _form_error(form, error)
        else:
            messages.success(request, "The task is saved.")
            return redirect(task)
    return render(
        request,
        "projects/task_form.html",
        {"project": project, "form": form, "access": access, "task": task},
    )


@login_required
def task_comment(request, pk):
    task = task_get(user=request.user, pk=pk)
    if refused := post_required_after_lookup(request):
        return refused
    form = CommentForm(request.POST)
    error, done = "", ""
    if form.is_valid():
        try:
            task_comment_add(actor=request.user, task=task, body=form.cleaned_data["body"])
        except (ValidationError, PermissionDenied) as refusal:
            error = refusal_text(refusal)
        else:
            done = "Your comment is posted."
    else:
        error = "Write a comment first."
    if _wants_panel(request):
        return _panel(request, task, panel_error=error, panel_done=done)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    return redirect(f"{task.get_absolute_url()}#comments")


@login_required
def task_attachments(request, pk):
    """Add files to a task (its page, or the board's side panel)."""
    task = task_get(user=request.user, pk=pk)
    if refused := post_required_after_lookup(request):
        return refused
    form = AttachmentForm(request.POST, request.FILES)
    error, done = "", ""
    if form.is_valid():
        try:
            attached = task_attachments_add(
                actor=request.user, task=task, files=form.cleaned_data["files"]
            )
        except (ValidationError, PermissionDenied) as refusal:
            error = refusal_text(refusal)
        else:
            done = f"{len(attached)} file{'s' if len(attached) != 1 else ''} attached."
    else:
        error = " ".join(e for errors in form.errors.values() for e in errors)
    if _wants_panel(request):
        return _panel(request, task, panel_error=error, panel_done=done)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    return redirect(f"{task.get_absolute_url()}#files")


@login_required
def task_attachment(request, pk, file_pk):
    """A task's file, served like a query's: always downloaded, typed as bytes, sandboxed."""
    attachment = task_attachment_get(user=request.user, task_pk=pk, pk=file_pk)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type="application/octet-stream",
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
def milestone_update(request, pk):
    task = task_get(user=request.user, pk=pk)
    if refused := post_required_after_lookup(request):
        return refused
    form = MilestoneUpdateForm(request.POST)
    if form.is_valid():
        try:
            milestone_update_post(actor=request.user, task=task, body=form.cleaned_data["body"])
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, refusal_text(error))
        else:
            messages.success(request, "The update is on the board and on its way to the customer.")
    else:
        messages.error(request, "Write what changed on this milestone.")
    return redirect(task)
