"""The NPS figures page (R-NPS): staff every survey, experts the surveys about them,
customers their own answers."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from surveys.selectors.figures import nps_report, own_answers


@login_required
def figures(request):
    user = request.user
    if not (user.sees_everything or user.is_expert):
        return render(
            request,
            "surveys/figures_own.html",
            {"surveys": own_answers(user=user), "now": timezone.now()},
        )
    params = {name: request.GET.get(name) for name in ("organization", "project", "expert")}
    report = nps_report(user=user, params=params)
    return render(request, "surveys/figures.html", {"report": report})
