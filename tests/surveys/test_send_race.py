"""R-NPS on PostgreSQL: two survey jobs at once still send one survey per member and week
(the unique constraint decides; the losing run mails only what it wrote: nothing)."""

import pytest

from softwaresupp.models import OutboxMessage
from surveys.models import Survey
from surveys.services import surveys_send
from tests.races import race
from tests.surveys.worlds import FRIDAY, organization_with_team

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_runs_at_once_send_one_survey_per_member():
    organization_with_team(3)
    outcomes = race(lambda: surveys_send(now=FRIDAY), lambda: surveys_send(now=FRIDAY))
    assert sorted(outcomes) == [0, 3]
    assert Survey.objects.count() == 3
    assert OutboxMessage.objects.filter(template="nps_survey").count() == 3
    assert all(s.projects.count() == 1 for s in Survey.objects.all())
