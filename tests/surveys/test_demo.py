"""The demo surveys: twelve weeks with a readable trend, seeded once."""

import pytest

from accounts import demo as accounts_demo
from projects.demo import boards
from surveys import demo
from surveys.models import DETRACTOR_MAX, Survey

pytestmark = pytest.mark.django_db


def _seed() -> dict:
    world: dict = {}
    for module in (accounts_demo, boards, demo):
        module.seed(world)
    return world


def test_twelve_weeks_of_answers_for_each_demo_organization_once():
    world = _seed()
    for organization in world["organizations"].values():
        weeks = set(
            Survey.objects.filter(organization=organization).values_list(
                "week_starts_on", flat=True
            )
        )
        assert len(weeks) == 12
    answered = Survey.objects.answered()
    assert answered.count() > 30
    assert answered.filter(comment__gt="").exists()
    # Detractors were alerted when they answered (history; nothing is mailed).
    assert not answered.filter(score__lte=DETRACTOR_MAX, detractor_alerted_at__isnull=True).exists()
    assert all(s.projects.exists() and s.experts.exists() for s in Survey.objects.all())
    count = Survey.objects.count()
    demo.seed(world)
    assert Survey.objects.count() == count


def test_acme_rises_over_the_twelve_weeks():
    world = _seed()
    weeks = sorted(
        Survey.objects.filter(organization=world["organizations"]["acme-robotics"])
        .answered()
        .values_list("week_starts_on", "score")
    )
    first, last = weeks[:4], weeks[-4:]
    assert sum(s for _, s in last) / len(last) > sum(s for _, s in first) / len(first) + 2
