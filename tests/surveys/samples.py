"""Tenant A's answered survey (its comment carries the marker) for the tenancy sweep."""

from django.utils import timezone

from softwaresupp.dates import monday_of
from tests.surveys.figures_data import survey
from tests.tenancy import MARKER, Sample


def populate(world):
    world.extra["survey_a"] = survey(
        world.owner_a,
        world.org_a,
        monday_of(timezone.localdate()),
        score=3,
        comment=f"Comment {MARKER}",
        projects=[world.project_a],
        experts=[world.expert_a],
    )


def _figure_filters(w):
    return {"organization": w.org_a.pk, "project": w.project_a.pk, "expert": w.expert_a.pk}


ROUTES = {
    # Staff see A's comment with A's ids as filters; anyone else's filters drop them.
    "surveys:figures": Sample(query=_figure_filters, writer="staff"),
}
