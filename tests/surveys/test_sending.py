"""R-NPS: the weekly job creates one survey per customer member and week and emails it;
repeated, late and concurrent-looking runs never send two in one week."""

from datetime import timedelta

import pytest

from projects.models import Project
from softwaresupp.models import OutboxMessage
from surveys.models import Survey, SurveyOptOut
from surveys.services import survey_week, surveys_send
from tests.factories.accounts import OrganizationFactory, customer
from tests.factories.projects import ProjectFactory
from tests.query_counts import queries_undone
from tests.surveys.worlds import FRIDAY, MONDAY, organization_with_team

pytestmark = pytest.mark.django_db


def _sent():
    return OutboxMessage.objects.filter(template="nps_survey")


def test_the_surveyed_week_is_this_one_from_friday_and_the_last_one_before():
    assert survey_week(FRIDAY.date()) == MONDAY
    assert survey_week((FRIDAY + timedelta(days=2)).date()) == MONDAY  # Sunday
    assert survey_week((FRIDAY + timedelta(days=3)).date()) == MONDAY  # next Monday: catch-up
    assert survey_week((FRIDAY + timedelta(days=6)).date()) == MONDAY  # next Thursday
    assert survey_week((FRIDAY + timedelta(days=7)).date()) == MONDAY + timedelta(days=7)
    assert survey_week((FRIDAY - timedelta(days=1)).date()) == MONDAY - timedelta(days=7)


def test_each_member_gets_one_survey_with_the_weeks_projects_and_experts():
    team = organization_with_team(3)
    assert surveys_send(now=FRIDAY) == 3
    surveys = list(Survey.objects.order_by("respondent__email"))
    assert {s.respondent for s in surveys} == set(team["people"])
    for survey in surveys:
        assert survey.week_starts_on == MONDAY
        assert survey.expires_at == FRIDAY + timedelta(days=14)
        assert list(survey.projects.all()) == [team["project"]]
        assert list(survey.experts.all()) == [team["lead"]]
        assert len(survey.token) >= 40
    assert _sent().count() == 3


@pytest.mark.parametrize(
    "later",
    [timedelta(0), timedelta(hours=1), timedelta(days=1), timedelta(days=3), timedelta(days=6)],
)
def test_repeated_and_late_runs_never_send_twice_in_a_week(later):
    organization_with_team(2)
    surveys_send(now=FRIDAY)
    assert surveys_send(now=FRIDAY + later) == 0
    assert Survey.objects.count() == 2
    assert _sent().count() == 2


def test_after_downtime_only_the_latest_week_is_caught_up():
    """Down from before Friday until the next Tuesday: one week's surveys, not two."""
    organization_with_team(2, starts_on=MONDAY - timedelta(days=60))
    assert surveys_send(now=FRIDAY + timedelta(days=4)) == 2
    assert set(Survey.objects.values_list("week_starts_on", flat=True)) == {MONDAY}
    assert surveys_send(now=FRIDAY + timedelta(days=7)) == 2  # the next week, on time
    assert Survey.objects.count() == 4


def test_the_celery_task_runs_the_job():
    import time_machine

    from surveys.tasks import surveys_send_task

    organization_with_team(2)
    with time_machine.travel(FRIDAY, tick=False):
        assert surveys_send_task.delay().get() == 2
        assert surveys_send_task.delay().get() == 0


def test_a_member_who_joins_later_in_the_week_gets_theirs_once():
    team = organization_with_team(1)
    surveys_send(now=FRIDAY)
    newcomer = customer(team["organization"], email="new@acme.example")
    assert surveys_send(now=FRIDAY + timedelta(days=1)) == 1
    assert Survey.objects.filter(respondent=newcomer).count() == 1


def test_opted_out_members_get_none():
    team = organization_with_team(2)
    SurveyOptOut.objects.create(organization=team["organization"], user=team["people"][1])
    assert surveys_send(now=FRIDAY) == 1
    assert list(_sent().values_list("to", flat=True)) == ["owner@acme.example"]


def test_no_survey_without_an_active_project_with_an_expert_that_week():
    idle = OrganizationFactory(slug="idle")
    customer(idle, email="owner@idle.example")
    ProjectFactory(organization=idle)  # active, but nobody assigned
    paused = organization_with_team(1, slug="paused")
    Project.objects.filter(pk=paused["project"].pk).update(status=Project.Status.PAUSED)
    organization_with_team(1, slug="later", starts_on=MONDAY + timedelta(days=7))
    assert surveys_send(now=FRIDAY) == 0


def test_the_email_asks_the_question_with_eleven_score_links_and_the_board():
    team = organization_with_team(1)
    surveys_send(now=FRIDAY)
    survey = Survey.objects.get()
    message = _sent().get()
    assert "How likely are you to recommend us to a friend?" in message.subject
    for part in (message.text, message.html):
        for score in range(11):
            assert f"http://testserver/nps/{survey.token}/?score={score}" in part
        assert f"http://testserver/projects/{team['project'].pk}/" in part
        assert "http://testserver/orgs/acme/#weekly-survey" in part
    assert message.key == f"nps_survey:{survey.pk}:owner@acme.example"


def test_query_count_does_not_grow_with_organizations_or_members(django_assert_num_queries):
    organization_with_team(2, slug="one")

    def send():
        assert surveys_send(now=FRIDAY) > 0

    queries_undone(send)  # warm caches (content types)
    small = queries_undone(send)
    organization_with_team(12, slug="two")
    organization_with_team(5, slug="three")
    with django_assert_num_queries(len(small)):
        send()
    assert Survey.objects.count() == 19
