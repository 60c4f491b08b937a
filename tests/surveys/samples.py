"""Tenant A's answered survey (its comment carries the marker) for the tenancy sweep."""

from surveys.models import SurveyOptOut
from surveys.selectors.figures import last_weeks
from tests.surveys.figures_data import survey
from tests.tenancy import MARKER, Sample


def populate(world):
    world.extra["survey_a"] = survey(
        world.owner_a,
        world.org_a,
        last_weeks()[-1],
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
    # Owners choose who receives the survey; a member only for themselves (owner A here).
    "surveys:receiver_set": Sample(
        kwargs=lambda w: {"slug": w.org_a.slug, "user_id": w.owner_a.pk},
        payload=lambda w: {"receives": "0"},
        refused={"member_a": 403},
        done=lambda w: SurveyOptOut.objects.filter(user=w.owner_a).exists(),
    ),
}
