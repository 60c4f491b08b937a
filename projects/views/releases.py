"""Release pages: the project's release log, a new release, and its next step."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

from projects.forms.releases import ReleaseAdvanceForm, ReleaseForm
from projects.selectors.projects import project_access, project_get
from projects.selectors.releases import (
    releasable_tasks,
    release_get,
    release_log,
    release_with_steps,
)
from projects.services.releases import release_advance, release_create
from projects.views.common import refusal_text
from softwaresupp.forms import apply_validation_error


@login_required
def release_list(request, pk):
    """The release log; experts put new work on staging from here."""
    project = project_get(user=request.user, pk=pk)
    access = project_access(user=request.user, project=project)
    form = ReleaseForm(request.POST or None, tasks=releasable_tasks(project=project))
    if request.method == "POST":
        if not access.can_triage:
            raise PermissionDenied("Only the project's experts put work on staging.")
        if form.is_valid():
            try:
                release = release_create(actor=request.user, project=project, **form.cleaned_data)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"“{release.title}” is on staging, ready to test.")
                return redirect(release)
    return render(
        request,
        "projects/release_list.html",
        {
            "project": project,
            "access": access,
            "releases": release_log(project=project),
            "form": form,
        },
    )


@login_required
def release_detail(request, pk):
    release = release_get(user=request.user, pk=pk)
    project = release.project
    access = project_access(user=request.user, project=project)
    form = ReleaseAdvanceForm(request.POST or None, initial={"to_stage": release.next_stage})
    if request.method == "POST" and form.is_valid():
        try:
            release = release_advance(actor=request.user, release=release, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            if isinstance(error, PermissionDenied):
                form.add_error(None, refusal_text(error))
            else:
                apply_validation_error(form, error)
        else:
            messages.success(request, f"“{release.title}”: {release.get_stage_display()}.")
            return redirect(release)
    return render(
        request,
        "projects/release_detail.html",
        {
            "project": project,
            "access": access,
            "release": release_with_steps(release),
            "tasks": list(release.tasks.select_related("assignee")),
            "form": form,
        },
    )
