"""NPS figures (R-NPS): overall, by week, per expert, per project and per organization.

NPS = % promoters (9-10) − % detractors (0-6) over the answered surveys; the response rate
is answered / sent. Both are computed by the database for every group at once
(``nps_aggregates``: conditional counts under one GROUP BY), so the page reads a fixed
number of queries however many surveys there are; ``rounded`` only turns the database's
number into the whole percent shown, or None where nothing was answered ("—").
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import reduce
from operator import and_

from django.db.models import Count, F, FloatField, Q
from django.db.models.functions import Cast, NullIf
from django.utils import timezone

from accounts.models import Organization, User
from projects.models import Project
from surveys.models import DETRACTOR_MAX, PROMOTER_MIN, Survey
from surveys.services.sending import survey_week

WEEKS = 12  # the trend and the tables cover the last 12 surveyed weeks
LATEST_COMMENTS = 10
CUSTOMER_SURVEYS = 52  # a year of one's own answers

ANSWERED = Q(score__isnull=False)
PROMOTER = Q(score__gte=PROMOTER_MIN)
DETRACTOR = Q(score__lte=DETRACTOR_MAX)
EXPERT_NAME = ("experts__first_name", "experts__last_name", "experts__email")


def _percent(part, whole):
    """part × 100 / whole in SQL; NULL where whole is 0 (nothing to divide by)."""
    return Cast(part, FloatField()) * 100 / NullIf(whole, 0)


def nps_aggregates(prefix: str = "", within: Q | None = None) -> dict:
    """The NPS aggregates of the rows of a query (or of each of its groups): sent,
    answered, nps and response_rate, keyed with ``prefix``; ``within`` narrows the rows
    counted (a week of the period), so several periods share one GROUP BY."""

    def count(condition=None):
        conditions = [c for c in (condition, within) if c is not None]
        return Count("pk", filter=reduce(and_, conditions) if conditions else None)

    return {
        f"{prefix}sent": count(),
        f"{prefix}answered": count(ANSWERED),
        f"{prefix}nps": _percent(count(PROMOTER) - count(DETRACTOR), count(ANSWERED)),
        f"{prefix}response_rate": _percent(count(ANSWERED), count()),
    }


def rounded(value: float | None) -> int | None:
    """The whole percent shown for a figure the database computed; None stays None ("—")."""
    if value is None:
        return None
    return int(Decimal(str(value)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class NpsFigure:
    sent: int = 0
    answered: int = 0
    nps: int | None = None
    response_rate: int | None = None

    @classmethod
    def of(cls, row: dict, prefix: str = "") -> "NpsFigure":
        return cls(
            sent=row[f"{prefix}sent"],
            answered=row[f"{prefix}answered"],
            nps=rounded(row[f"{prefix}nps"]),
            response_rate=rounded(row[f"{prefix}response_rate"]),
        )


@dataclass(frozen=True)
class NpsRow:
    pk: int
    label: str
    period: NpsFigure  # the last 12 weeks
    week: NpsFigure  # the latest week


@dataclass(frozen=True)
class NpsFilters:
    organization: int | None = None
    project: int | None = None
    expert: int | None = None


@dataclass
class NpsReport:
    weeks: list[date]
    filters: NpsFilters
    overall: NpsFigure
    latest_week: NpsFigure
    trend: list[tuple[date, NpsFigure]]
    experts: list[NpsRow]
    projects: list[NpsRow]
    organizations: list[NpsRow]
    comments: list[Survey]
    options: dict = field(default_factory=dict)  # what the filters may choose

    @property
    def week(self) -> date:
        return self.weeks[-1]


def last_weeks(today: date | None = None) -> list[date]:
    """The Mondays of the last 12 surveyed weeks, oldest first. The latest is the week the
    survey job last asked about (this week from its Friday on, else the week before), so
    "the latest week" is never an empty week not yet asked about."""
    latest = survey_week(today or timezone.localdate())
    return [latest - timedelta(weeks=n) for n in range(WEEKS - 1, -1, -1)]


def visible_surveys(user):
    """R-TENANT: the surveys whose answers the user may count, as a plain queryset (a
    subquery of ``visible_to``) so grouping through experts or projects counts each
    survey once per group."""
    return Survey.objects.filter(pk__in=Survey.objects.visible_to(user).values("pk"))


def filter_options(*, user, surveys) -> dict:
    """Organizations, projects and experts of the surveys the user sees: the only ids a
    filter may take. An expert (not staff) sees only themselves among the experts."""
    survey_ids = surveys.values("pk")
    experts = User.objects.filter(surveys_about__in=survey_ids).distinct()
    if not user.sees_everything:
        experts = experts.filter(pk=user.pk)
    return {
        "organization": list(
            Organization.objects.filter(pk__in=surveys.values("organization_id")).order_by("name")
        ),
        "project": list(Project.objects.filter(surveys__in=survey_ids).distinct().order_by("name")),
        "expert": list(experts.order_by("first_name", "last_name", "email")),
    }


def chosen_filters(params: dict, options: dict) -> NpsFilters:
    """The ids asked for that the user may see; anything else is ignored."""
    chosen = {}
    for name, choices in options.items():
        value = params.get(name)
        allowed = {str(choice.pk): choice.pk for choice in choices}
        chosen[name] = allowed.get(value) if value else None
    return NpsFilters(**chosen)


def _filtered(surveys, filters: NpsFilters):
    if filters.organization:
        surveys = surveys.filter(organization_id=filters.organization)
    if filters.project:
        through = Survey.projects.through.objects.filter(project_id=filters.project)
        surveys = surveys.filter(pk__in=through.values("survey_id"))
    if filters.expert:
        through = Survey.experts.through.objects.filter(user_id=filters.expert)
        surveys = surveys.filter(pk__in=through.values("survey_id"))
    return surveys


def _period_and_week(weeks: list[date]) -> dict:
    return {
        **nps_aggregates(within=Q(week_starts_on__gte=weeks[0])),
        **nps_aggregates("week_", within=Q(week_starts_on=weeks[-1])),
    }


def _rows(surveys, weeks, key: str, *label_fields: str) -> list[NpsRow]:
    """One row per ``key`` (expert, project or organization) in one GROUP BY."""
    grouped = (
        surveys.filter(week_starts_on__gte=weeks[0], week_starts_on__lte=weeks[-1])
        .values(key, *label_fields)
        .annotate(**_period_and_week(weeks))
        .order_by()
    )
    rows = [
        NpsRow(
            pk=row[key],
            label=_label(*(row[name] for name in label_fields)),
            period=NpsFigure.of(row),
            week=NpsFigure.of(row, "week_"),
        )
        for row in grouped
        if row[key] is not None
    ]
    return sorted(rows, key=lambda row: row.label.lower())


def _label(*parts: str) -> str:
    if len(parts) == 1:
        return parts[0]
    first, last, email = parts
    return f"{first} {last}".strip() or email


def nps_report(*, user, params: dict, today: date | None = None) -> NpsReport:
    """Staff (MFA-verified) every survey; an expert the surveys about them (their own
    row, and their projects' and organizations' within those surveys). Ten queries."""
    weeks = last_weeks(today)
    surveys = visible_surveys(user)
    options = filter_options(user=user, surveys=surveys)
    filters = chosen_filters(params, options)
    surveys = _filtered(surveys, filters)
    in_period = surveys.filter(week_starts_on__gte=weeks[0], week_starts_on__lte=weeks[-1])

    totals = in_period.aggregate(**_period_and_week(weeks))
    by_week = {
        row["week_starts_on"]: NpsFigure.of(row)
        for row in in_period.values("week_starts_on").annotate(**nps_aggregates()).order_by()
    }
    return NpsReport(
        weeks=weeks,
        filters=filters,
        overall=NpsFigure.of(totals),
        latest_week=NpsFigure.of(totals, "week_"),
        trend=[(week, by_week.get(week, NpsFigure())) for week in weeks],
        experts=[
            row
            for row in _rows(surveys, weeks, "experts", *EXPERT_NAME)
            # An expert's own row only: the others on their surveys are not theirs to see.
            if user.sees_everything or row.pk == user.pk
        ],
        projects=_rows(surveys, weeks, "projects", "projects__name"),
        organizations=_rows(surveys, weeks, "organization", "organization__name"),
        comments=latest_comments(in_period),
        options=options,
    )


def latest_comments(surveys) -> list[Survey]:
    """The latest answers with a comment, with their organization and projects."""
    return list(
        surveys.filter(ANSWERED)
        .exclude(comment="")
        .select_related("organization", "respondent")
        .prefetch_related("projects")
        .order_by(F("answered_at").desc(nulls_last=True), "-pk")[:LATEST_COMMENTS]
    )


def own_answers(*, user) -> list[Survey]:
    """A customer's own surveys, newest first: never another member's answers."""
    return list(
        Survey.objects.visible_to(user)
        .filter(respondent=user)
        .select_related("organization")
        .prefetch_related("projects")[:CUSTOMER_SURVEYS]
    )
