"""R-NPS: answering without a login. A GET on a score link records nothing (link scanners);
the POST records one answer, changeable until the survey expires; expired and unknown
tokens get a clear page; bad input a message beside the field."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from softwaresupp.models import Event, OutboxMessage
from surveys.models import Survey
from surveys.services import survey_answer, surveys_send
from tests.surveys.worlds import FRIDAY, organization_with_team
from tests.tenancy import database_fingerprint

pytestmark = pytest.mark.django_db

LATER = FRIDAY + timedelta(days=1)


@pytest.fixture
def survey():
    organization_with_team(1)
    surveys_send(now=FRIDAY)
    return Survey.objects.get()


def _checked(html) -> list[str]:
    return re.findall(r'name="score" value="(\d+)"[^>]* checked', html)


def _url(survey):
    return reverse("surveys:answer", kwargs={"token": survey.token})


def test_a_score_link_shows_the_score_chosen_and_records_nothing(client, survey):
    before = database_fingerprint()
    with time_machine.travel(LATER, tick=False):
        response = client.get(_url(survey), {"score": "7"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "How likely are you to recommend us to a friend?" in html
    assert _checked(html) == ["7"]
    assert "csrfmiddlewaretoken" in html
    assert database_fingerprint() == before
    survey.refresh_from_db()
    assert survey.score is None


@pytest.mark.parametrize("score", ["11", "-1", "seven", "", "7.5"])
def test_a_bad_score_in_the_link_preselects_nothing(client, survey, score):
    with time_machine.travel(LATER, tick=False):
        response = client.get(_url(survey), {"score": score})
    assert response.status_code == 200
    assert _checked(response.content.decode()) == []


def test_the_post_records_the_answer_once(client, survey):
    with time_machine.travel(LATER, tick=False):
        response = client.post(_url(survey), {"score": "9", "comment": "Great week"})
        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()
    assert "your answer is recorded" in page
    survey.refresh_from_db()
    assert (survey.score, survey.comment, survey.answered_at) == (9, "Great week", LATER)
    assert Event.objects.filter(verb="survey answered", target_id=survey.pk).count() == 1
    with time_machine.travel(LATER, tick=False):
        client.post(_url(survey), {"score": "9", "comment": "Great week"})  # a replay
    assert Event.objects.filter(target_id=survey.pk, verb__startswith="survey answer").count() == 1


def test_the_answer_can_change_until_it_expires(client, survey):
    survey_answer(survey=survey, score=8, now=LATER)
    just_before = survey.expires_at - timedelta(microseconds=1)
    with time_machine.travel(just_before, tick=False):
        assert client.post(_url(survey), {"score": "10"}).status_code == 302
    survey.refresh_from_db()
    assert survey.score == 10
    assert Event.objects.filter(verb="survey answer changed").count() == 1


@pytest.mark.parametrize("after", [timedelta(0), timedelta(days=3)])
def test_at_and_after_expiry_the_page_says_it_closed_and_nothing_changes(client, survey, after):
    survey_answer(survey=survey, score=8, now=LATER)
    with time_machine.travel(survey.expires_at + after, tick=False):
        before = database_fingerprint()
        for response in (client.get(_url(survey)), client.post(_url(survey), {"score": "2"})):
            assert response.status_code == 410
            assert "This survey has closed" in response.content.decode()
        assert database_fingerprint() == before
    with pytest.raises(ValidationError):
        survey_answer(survey=survey, score=3, now=survey.expires_at)


def test_an_unknown_token_gets_a_friendly_page(client, survey):
    for response in (
        client.get("/nps/not-a-token/?score=3"),
        client.post("/nps/nope/", {"score": "3"}),
    ):
        assert response.status_code == 404
        assert "We could not find this survey" in response.content.decode()


@pytest.mark.parametrize(
    "payload",
    [{"score": "11"}, {"score": "-1"}, {"score": "ten"}, {}, {"score": "5", "comment": "x" * 4001}],
)
def test_bad_input_gets_a_message_beside_the_field_and_changes_nothing(client, survey, payload):
    with time_machine.travel(LATER, tick=False):
        before = database_fingerprint()
        response = client.post(_url(survey), payload)
        assert database_fingerprint() == before
    assert response.status_code == 200
    html = response.content.decode()
    assert "invalid-feedback" in html
    if payload.get("comment"):
        assert _checked(html) == ["5"] and "x" * 50 in html  # what was typed is kept


def test_csrf_stays_on(survey):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    with time_machine.travel(LATER, tick=False):
        assert strict.post(_url(survey), {"score": "9"}).status_code == 403
        page = strict.get(_url(survey))
        token = page.cookies["csrftoken"].value
        response = strict.post(_url(survey), {"score": "9", "csrfmiddlewaretoken": token})
    assert response.status_code == 302


class TestDetractorAlert:
    def _alerts(self):
        return OutboxMessage.objects.filter(template="nps_detractor")

    def test_a_detractor_alerts_staff_and_the_weeks_experts_once(self, survey, staff_user):
        survey_answer(survey=survey, score=3, comment="Slow answers", now=LATER)
        lead = survey.experts.get()
        assert set(self._alerts().values_list("to", flat=True)) == {
            "team@softwaresupp.com",
            staff_user.email,
            lead.email,
        }
        survey.refresh_from_db()
        assert survey.detractor_alerted_at == LATER
        message = self._alerts().first()
        assert "Slow answers" in message.text and "3 out of 10" in message.text
        assert "http://testserver/nps/" in message.text  # the figures, which experts see too
        survey_answer(survey=survey, score=5, now=LATER + timedelta(hours=1))
        survey_answer(survey=survey, score=9, now=LATER + timedelta(hours=2))
        survey_answer(survey=survey, score=2, now=LATER + timedelta(hours=3))
        assert self._alerts().count() == 3

    def test_passive_then_detractor_alerts_then(self, survey):
        survey_answer(survey=survey, score=7, now=LATER)
        assert not self._alerts().exists()
        survey_answer(survey=survey, score=6, now=LATER + timedelta(hours=1))
        assert self._alerts().count() == 2  # the team inbox and the lead (no staff users here)
        survey.refresh_from_db()
        assert survey.detractor_alerted_at == LATER + timedelta(hours=1)

    def test_a_promoter_alerts_nobody(self, survey):
        survey_answer(survey=survey, score=10, now=LATER)
        assert not self._alerts().exists()
