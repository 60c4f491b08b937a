"""R-NPS arithmetic on fixed cases: the database computes it (nps_aggregates), ``rounded``
only shows it."""

from datetime import date, timedelta

import pytest

from surveys.models import Survey
from surveys.selectors.figures import NpsFigure, last_weeks, nps_aggregates, rounded
from tests.factories.accounts import OrganizationFactory, UserFactory
from tests.surveys.figures_data import survey

pytestmark = pytest.mark.django_db


def figure_of(scores, unanswered=0) -> NpsFigure:
    organization = OrganizationFactory()
    week = last_weeks()[-1]
    for score in [*scores, *[None] * unanswered]:
        survey(UserFactory(), organization, week, score=score)
    return NpsFigure.of(Survey.objects.aggregate(**nps_aggregates()))


def test_all_promoters_is_100():
    assert figure_of([9, 10, 10]).nps == 100


def test_all_detractors_is_minus_100():
    assert figure_of([0, 3, 6]).nps == -100


def test_passives_count_as_answered_but_neither_side():
    assert figure_of([7, 8]).nps == 0


def test_a_mix_of_5_promoters_3_passives_2_detractors_is_30():
    assert figure_of([9, 10, 9, 10, 9, 7, 8, 7, 6, 0]).nps == 30


def test_none_answered_has_no_score_and_a_zero_response_rate():
    figure = figure_of([], unanswered=4)
    assert (figure.sent, figure.answered, figure.nps, figure.response_rate) == (4, 0, None, 0)


def test_nothing_sent_has_neither_score_nor_response_rate():
    assert figure_of([]) == NpsFigure(sent=0, answered=0, nps=None, response_rate=None)


def test_the_response_rate_is_answered_over_sent():
    figure = figure_of([10, 0, 9], unanswered=1)
    assert (figure.sent, figure.answered, figure.response_rate) == (4, 3, 75)
    assert figure.nps == 33  # (2 − 1) / 3


def test_shown_figures_round_half_up_to_whole_percents():
    assert rounded(None) is None
    assert rounded(33.333) == 33
    assert rounded(12.5) == 13
    assert rounded(-12.5) == -13
    assert rounded(100.0) == 100


def test_the_weeks_end_with_the_latest_week_the_survey_job_asked_about():
    monday, thursday, friday = date(2026, 11, 23), date(2026, 11, 26), date(2026, 11, 27)
    assert last_weeks(thursday)[-1] == monday - timedelta(weeks=1)  # this week's survey: Friday
    assert last_weeks(friday)[-1] == monday
    weeks = last_weeks(friday)
    assert len(weeks) == 12 and weeks[0] == monday - timedelta(weeks=11)
