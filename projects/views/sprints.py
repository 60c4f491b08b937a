"""Sprint pages: the week's plan against what was done, estimates against hours."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

from projects.forms.sprints import SprintGoalForm
from projects.selectors.projects import project_access, project_get
from projects.selectors.sprints import sprint_get, sprint_list, sprint_report
from projects.services.sprints import sprint_goal_update, sprints_ensure
from projects.views.common import refusal_text
from softwaresupp.http import post_required_after_lookup


@login_required
def sprint_list_view(request, pk):
    project = project_get(user=request.user, pk=pk)
    current, _ = sprints_ensure(project=project)
    return render(
        request,
        "projects/sprint_list.html",
        {"project": project, "sprints": sprint_list(project=project), "current": current},
    )


@login_required
def sprint_detail(request, pk):
    sprint = sprint_get(user=request.user, pk=pk)
    project = sprint.project
    return render(
        request,
        "projects/sprint_detail.html",
        {
            "project": project,
            "sprint": sprint,
            "access": project_access(user=request.user, project=project),
            "report": sprint_report(sprint=sprint),
            "goal_form": SprintGoalForm(initial={"goal": sprint.goal}),
            "is_current": sprint.contains(project.local_today()),
        },
    )


@login_required
def sprint_goal(request, pk):
    sprint = sprint_get(user=request.user, pk=pk)
    if refused := post_required_after_lookup(request):
        return refused
    form = SprintGoalForm(request.POST)
    if form.is_valid():
        try:
            sprint_goal_update(actor=request.user, sprint=sprint, goal=form.cleaned_data["goal"])
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, refusal_text(error))
        else:
            messages.success(request, "The sprint goal is saved.")
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(sprint)
