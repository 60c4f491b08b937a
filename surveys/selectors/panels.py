"""The survey panels other areas' pages show (R-NPS): the board's, the organization page's
and the weekly summary's. Each a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.models import Membership
from surveys.models import DETRACTOR_MAX, PROMOTER_MIN, Survey, SurveyOptOut
from surveys.services.sending import survey_week


def board_survey(*, user, organization_id) -> Survey | None:
    """The signed-in customer's survey of the week now being asked about (one query)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Survey.objects.filter(
        respondent=user,
        organization_id=organization_id,
        week_starts_on=survey_week(timezone.now().date()),
    ).first()


@dataclass
class Receiver:
    membership: object
    receives: bool
    can_change: bool


def survey_receivers(*, user, organization) -> list[Receiver]:
    """Who receives the organization's survey, and whom ``user`` may change it for: the
    organization's prefetched members and one query for the opt-outs."""
    opted_out = set(
        SurveyOptOut.objects.filter(organization=organization).values_list("user_id", flat=True)
    )
    memberships = list(organization.memberships.all())
    mine = next((m for m in memberships if m.user_id == user.pk), None)
    is_owner = mine is not None and mine.role == mine.Role.OWNER
    return [
        Receiver(
            membership=m,
            receives=m.user_id not in opted_out,
            can_change=mine is not None and (is_owner or m.user_id == user.pk),
        )
        for m in memberships
    ]


def own_receiver_choices(*, user) -> list[Membership]:
    """The user's memberships, each with ``receives`` (whether they get its survey): one
    query, for the profile page."""
    if not getattr(user, "is_authenticated", False):
        return []
    opted_out = SurveyOptOut.objects.filter(
        organization_id=OuterRef("organization_id"), user_id=OuterRef("user_id")
    )
    return list(
        Membership.objects.filter(user=user)
        .annotate(opted_out=Exists(opted_out))
        .select_related("organization")
        .order_by("organization__name")
    )


@dataclass
class WeekScore:
    survey: Survey | None  # the reader's own survey of the week, if any
    answered: int
    nps: int | None  # % promoters − % detractors over the week's answers


def week_score(*, summary, email: str) -> WeekScore:
    """The summary's week in the survey: the reader's survey and the organization's NPS.
    Loaded once per summary (one query) and kept on it, so the email rendered for each
    member costs no more."""
    surveys = getattr(summary, "_week_surveys", None)
    if surveys is None:
        surveys = list(
            Survey.objects.filter(
                organization_id=summary.organization_id, week_starts_on=summary.week_starts_on
            ).select_related("respondent")
        )
        summary._week_surveys = surveys
    scores = [s.score for s in surveys if s.score is not None]
    nps = None
    if scores:
        promoters = sum(1 for score in scores if score >= PROMOTER_MIN)
        detractors = sum(1 for score in scores if score <= DETRACTOR_MAX)
        nps = round(100 * (promoters - detractors) / len(scores))
    own = next((s for s in surveys if s.respondent.email.lower() == (email or "").lower()), None)
    return WeekScore(survey=own, answered=len(scores), nps=nps)
