"""Project pages: the list, create and edit, and the team (assignments)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from projects.forms.projects import AssignmentEndForm, AssignmentForm, ProjectForm
from projects.models import Project
from projects.selectors.projects import (
    organizations_for_new_project,
    project_access,
    project_get,
    project_list,
    project_team,
)
from projects.services.projects import (
    assignment_create,
    assignment_end,
    project_create,
    project_update,
)
from projects.views.common import refusal_text
from softwaresupp.forms import apply_validation_error
from softwaresupp.http import post_required_after_lookup


@login_required
def project_list_view(request):
    status = request.GET.get("status", "")
    if status not in Project.Status.values:
        status = ""
    organizations = organizations_for_new_project(user=request.user)
    return render(
        request,
        "projects/project_list.html",
        {
            "projects": project_list(user=request.user, status=status or None),
            "status": status,
            "statuses": Project.Status.choices,
            "can_create": organizations.exists(),
        },
    )


@login_required
def project_create_view(request):
    organizations = organizations_for_new_project(user=request.user)
    if not organizations:
        raise Http404("No organization you can create projects for.")
    form = ProjectForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            project = project_create(
                actor=request.user,
                organization=data.pop("organization"),
                skills=data.pop("skills"),
                **data,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"{project.name} is set up; its board is ready.")
            return redirect(project)
    return render(request, "projects/project_form.html", {"form": form, "project": None})


@login_required
def project_edit(request, pk):
    project = project_get(user=request.user, pk=pk)
    access = project_access(user=request.user, project=project)
    if not access.can_edit_project:
        raise PermissionDenied("Only the organization's owners and staff edit the project.")
    form = ProjectForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            project = project_update(
                actor=request.user, project=project, skills=data.pop("skills"), **data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "The project is saved.")
            return redirect(project)
    return render(request, "projects/project_form.html", {"form": form, "project": project})


@login_required
def project_team_view(request, pk):
    project = project_get(user=request.user, pk=pk)
    access = project_access(user=request.user, project=project)
    form = AssignmentForm(request.POST or None)
    if request.method == "POST":
        if not access.can_manage_team:
            raise PermissionDenied("Only SoftwareSupp staff assign experts.")
        if form.is_valid():
            try:
                assignment = assignment_create(
                    actor=request.user, project=project, **form.cleaned_data
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"{assignment.expert} joins {project.name}.")
                return redirect("projects:team", pk=project.pk)
    return render(
        request,
        "projects/team.html",
        {
            "project": project,
            "access": access,
            "team": project_team(project=project),
            "form": form,
        },
    )


@login_required
def assignment_end_view(request, pk, assignment_pk):
    project = project_get(user=request.user, pk=pk)
    assignment = get_object_or_404(project.assignments.select_related("expert"), pk=assignment_pk)
    if refused := post_required_after_lookup(request):
        return refused
    form = AssignmentEndForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Give the last day as a date.")
        assignment_end(
            actor=request.user, assignment=assignment, ends_on=form.cleaned_data["ends_on"]
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, f"{assignment.expert} leaves {project.name}.")
    return redirect("projects:team", pk=project.pk)
