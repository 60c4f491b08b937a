"""The weekly summaries kept on the board (R-SUMMARY)."""

from csp.decorators import csp_update
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from projects.selectors.projects import project_get
from projects.selectors.summaries import summary_get, summary_list


@login_required
def summary_list_view(request, pk):
    project = project_get(user=request.user, pk=pk)
    return render(
        request,
        "projects/summary_list.html",
        {"project": project, "summaries": summary_list(project=project)},
    )


# The summary's body is the email's, whose styles must be inline for mail clients: this page
# alone takes style attributes (scripts stay refused).
@csp_update({"style-src-attr": ["'unsafe-inline'"]})
@login_required
def summary_detail(request, pk):
    summary = summary_get(user=request.user, pk=pk)
    return render(
        request,
        "projects/summary_detail.html",
        {"project": summary.project, "summary": summary, "data": summary.data},
    )
