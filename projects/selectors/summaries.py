"""Reads for the weekly summaries kept on the board (R-SUMMARY)."""

from projects.models import WeeklySummary
from softwaresupp.tenancy import get_visible_or_404


def summary_list(*, project):
    return project.summaries.order_by("-week_starts_on")


def summary_get(*, user, pk: int) -> WeeklySummary:
    return get_visible_or_404(
        WeeklySummary.objects.select_related("project", "project__organization"), user, pk=pk
    )
