"""The weekly survey job (R-NPS): one survey per customer member, organization and week.

Which week: the survey asks about the week it is sent in, on Friday (``SEND_WEEKDAY``), so
the weekly summary written when that week ends can carry its link and score (R-SUMMARY).
A run from Friday to Sunday creates the current week's missing surveys; a run from Monday
to Thursday the previous week's, the latest week whose survey day has passed. So after
downtime the job catches up that one week and never sends old weeks in bulk, and a late or
repeated run finds nothing missing: the unique constraint (organization, respondent, week)
refuses a second survey, even from a concurrent run.
"""

from datetime import date, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from projects.models import Assignment, Project
from softwaresupp.dates import monday_of
from softwaresupp.models import Event
from softwaresupp.notifications import absolute_url, notify
from softwaresupp.outbox import outbox_batch
from surveys.models import Survey, SurveyOptOut

SEND_WEEKDAY = 4  # Friday


def survey_week(day: date) -> date:
    """The Monday of the week a run on ``day`` surveys: this week from its Friday on, else
    the week before."""
    monday = monday_of(day)
    return monday if day.weekday() >= SEND_WEEKDAY else monday - timedelta(days=7)


def _teams(monday: date) -> dict[int, dict]:
    """Per organization, the active projects with an expert assigned during the week, and
    those experts: what the week's surveys are about (one query)."""
    assignments = (
        Assignment.objects.overlapping(monday, monday + timedelta(days=6))
        .filter(project__status=Project.Status.ACTIVE)
        .select_related("project", "expert")
        .order_by("project__name", "project_id", "expert_id")
    )
    teams: dict[int, dict] = {}
    for assignment in assignments:
        team = teams.setdefault(assignment.project.organization_id, {"projects": {}, "experts": {}})
        team["projects"][assignment.project_id] = assignment.project
        team["experts"][assignment.expert_id] = assignment.expert
    return teams


def _due_members(organization_ids, monday) -> list[Membership]:
    """Members of those organizations who receive the survey and have none for the week."""
    return list(
        Membership.objects.filter(organization_id__in=organization_ids, user__is_active=True)
        .exclude(
            Exists(
                SurveyOptOut.objects.filter(
                    organization_id=OuterRef("organization_id"), user_id=OuterRef("user_id")
                )
            )
        )
        .exclude(
            Exists(
                Survey.objects.filter(
                    organization_id=OuterRef("organization_id"),
                    respondent_id=OuterRef("user_id"),
                    week_starts_on=monday,
                )
            )
        )
        .select_related("user", "organization")
        .order_by("organization_id", "user_id")
    )


def _link_snapshots(surveys: list[Survey], teams: dict) -> None:
    """The week's projects and experts, fixed on each survey (two INSERTs)."""
    projects, experts = Survey.projects.through, Survey.experts.through
    projects.objects.bulk_create(
        projects(survey_id=s.pk, project_id=p)
        for s in surveys
        for p in teams[s.organization_id]["projects"]
    )
    experts.objects.bulk_create(
        experts(survey_id=s.pk, user_id=e)
        for s in surveys
        for e in teams[s.organization_id]["experts"]
    )


def _record_events(surveys: list[Survey]) -> None:
    survey_type = ContentType.objects.get_for_model(Survey)
    Event.objects.bulk_create(
        Event(
            organization_id=s.organization_id,
            target_type=survey_type,
            target_id=s.pk,
            verb="survey sent",
            note=s.week_starts_on.isoformat(),
        )
        for s in surveys
    )


def survey_email_context(survey: Survey, projects: list[Project]) -> dict:
    answer_url = absolute_url(reverse("surveys:answer", kwargs={"token": survey.token}))
    board = projects[0] if projects else None
    return {
        "survey": survey,
        "organization": survey.organization,
        "projects": projects,
        "scores": [(n, f"{answer_url}?score={n}") for n in range(11)],
        "answer_url": answer_url,
        "board_url": absolute_url(board.get_absolute_url()) if board else "",
        "opt_out_url": absolute_url(survey.organization.get_absolute_url()) + "#weekly-survey",
    }


def surveys_send(*, now=None) -> int:
    """R-NPS: create and email the missing surveys of the week ``survey_week`` names, for
    each member of an organization with an active project and an expert assigned that week
    (opted-out members excepted). Returns how many were sent. A fixed number of statements,
    however many organizations and members."""
    now = now or timezone.now()
    monday = survey_week(now.date())
    expires_at = now + timedelta(days=settings.SURVEY_EXPIRY_DAYS)
    with transaction.atomic():
        teams = _teams(monday)
        members = _due_members(teams, monday) if teams else []
        if not members:
            return 0
        drafts = [
            Survey(
                organization=m.organization,
                respondent=m.user,
                week_starts_on=monday,
                created_at=now,
                expires_at=expires_at,
            )
            for m in members
        ]
        # A concurrent run's rows win the constraint; ours are then not written, and only
        # the surveys this run wrote (found by their fresh tokens) are mailed.
        Survey.objects.bulk_create(drafts, ignore_conflicts=True)
        drafted = {d.token: d for d in drafts}
        surveys = []
        for pk, token in Survey.objects.filter(token__in=drafted).values_list("pk", "token"):
            drafted[token].pk = pk
            surveys.append(drafted[token])
        _link_snapshots(surveys, teams)
        _record_events(surveys)
        with outbox_batch():
            for survey in surveys:
                projects = list(teams[survey.organization_id]["projects"].values())
                notify(
                    template="nps_survey",
                    recipients=[survey.respondent],
                    key=f"nps_survey:{survey.pk}",
                    context=survey_email_context(survey, projects),
                )
    return len(surveys)
