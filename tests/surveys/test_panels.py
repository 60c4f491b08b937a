"""R-NPS on the board and R-SUMMARY: the signed-in customer's survey of the week on the
project board, and each recipient's survey link and the week's score in the summary."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from projects.models import WeeklySummary
from projects.services.summaries import weekly_summaries_send
from softwaresupp.models import OutboxMessage
from surveys.models import Survey
from surveys.services import survey_answer, surveys_send
from tests.factories.projects import current_sprint
from tests.surveys.worlds import FRIDAY, organization_with_team

pytestmark = pytest.mark.django_db

SATURDAY = FRIDAY + timedelta(days=1)
AFTER_WEEK = datetime(2026, 3, 9, 6, tzinfo=UTC)  # Monday morning in Warsaw


@pytest.fixture
def team():
    team = organization_with_team(2)
    current_sprint(team["project"], now=FRIDAY)
    surveys_send(now=FRIDAY)
    return team


def _board(client, team):
    return client.get(reverse("projects:board", kwargs={"pk": team["project"].pk}))


def _mine(person):
    return Survey.objects.get(respondent=person)


class TestBoard:
    def test_the_customer_sees_this_weeks_survey_and_whether_answered(self, client, team):
        owner = team["people"][0]
        client.force_login(owner)
        with time_machine.travel(SATURDAY, tick=False):
            html = _board(client, team).content.decode()
            assert 'data-testid="board-nps"' in html and "not answered yet" in html
            assert reverse("surveys:answer", kwargs={"token": _mine(owner).token}) in html
            survey_answer(survey=_mine(owner), score=8)
            html = _board(client, team).content.decode()
        assert 'data-testid="board-nps-score">8<' in html

    def test_experts_see_no_survey_panel(self, client, team):
        client.force_login(team["lead"])
        with time_machine.travel(SATURDAY, tick=False):
            assert 'data-testid="board-nps"' not in _board(client, team).content.decode()

    def test_last_weeks_survey_shows_until_the_next_one_is_sent(self, client, team):
        owner = team["people"][0]
        client.force_login(owner)
        with time_machine.travel(FRIDAY + timedelta(days=5), tick=False):  # Wednesday
            assert 'data-testid="board-nps"' in _board(client, team).content.decode()
        with time_machine.travel(FRIDAY + timedelta(days=7), tick=False):  # next Friday
            assert 'data-testid="board-nps"' not in _board(client, team).content.decode()


class TestSummary:
    def test_each_recipient_gets_their_own_link_and_the_weeks_score(self, team):
        owner, member = team["people"]
        survey_answer(survey=_mine(owner), score=9, now=SATURDAY)
        with time_machine.travel(AFTER_WEEK, tick=False):
            assert weekly_summaries_send() == 1
        messages = OutboxMessage.objects.filter(template="project_weekly_summary")
        by_recipient = {m.to: m for m in messages}
        for person, other in ((owner, member), (member, owner)):
            message = by_recipient[person.email]
            for part in (message.text, message.html):
                assert f"http://testserver/nps/{_mine(person).token}/" in part
                assert _mine(other).token not in part
                assert "NPS +100" in part and "1 answer" in part
        assert "You answered 9" in by_recipient[owner.email].text
        assert "You answered" not in by_recipient[member.email].text

    def test_the_summary_page_shows_the_readers_link(self, client, team):
        member = team["people"][1]
        client.force_login(member)
        with time_machine.travel(AFTER_WEEK, tick=False):
            weekly_summaries_send()
            page = client.get(WeeklySummary.objects.get().get_absolute_url()).content.decode()
        assert reverse("surveys:answer", kwargs={"token": _mine(member).token}) in page


def test_the_summary_job_reads_the_weeks_surveys_once_however_many_members(
    django_assert_num_queries,
):
    from tests.factories.accounts import customer
    from tests.query_counts import queries_undone

    team = organization_with_team(2)
    current_sprint(team["project"], now=FRIDAY)

    def send():
        with time_machine.travel(AFTER_WEEK, tick=False):
            assert weekly_summaries_send() == 1

    surveys_send(now=FRIDAY)
    queries_undone(send)  # warm caches (content types)
    small = queries_undone(send)
    for n in range(6):
        customer(team["organization"], email=f"late{n}@acme.example")
    surveys_send(now=FRIDAY + timedelta(days=1))
    assert Survey.objects.count() == 8
    with django_assert_num_queries(len(small)):
        send()
