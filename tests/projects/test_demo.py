"""The demo boards: lively, consistent with the rules, and seeded once."""

import pytest

from accounts import demo as accounts_demo
from projects.demo import boards, queries, summaries
from projects.models import Project, Release, Task, WeeklySummary
from timesheets import demo as timesheets_demo
from timesheets.models import TimeEntry
from timesheets.rollup import rollup_differences

pytestmark = pytest.mark.django_db


def _seed() -> dict:
    world: dict = {}
    # The order of seed_demo: the boards hand their finished tasks' hours to timesheets, and
    # the weekly summary is written once hours and queries are in.
    for module in (accounts_demo, boards, timesheets_demo, queries, summaries):
        module.seed(world)
    return world


def test_the_demo_has_every_status_kind_and_stage_and_hands_its_projects_on():
    world = _seed()
    assert set(world["projects"]) == {"acme-fleet", "globex-storefront", "acme-crm"}
    assert set(Task.objects.values_list("status", flat=True)) == set(Task.Status.values)
    assert set(Task.objects.values_list("kind", flat=True)) == set(Task.Kind.values)
    assert set(Release.objects.values_list("stage", flat=True)) == set(Release.Stage.values)
    fleet = world["projects"]["acme-fleet"]
    assert fleet.sprints.filter(status="closed").count() == 3
    assert WeeklySummary.objects.filter(project=fleet).count() == 1
    assert Project.objects.get(name="Salesforce clean-up").status == Project.Status.PAUSED


def test_the_demo_keeps_the_rules():
    _seed()
    # R-HOURS: every done task has hours; R-ESTIMATE: every planned or started task an estimate.
    for task in Task.objects.filter(status=Task.Status.DONE):
        assert TimeEntry.objects.filter(task=task).exists(), task
    assert rollup_differences() == []  # the board reads the same hours as the reports
    assert not Task.objects.filter(
        status__in=(Task.Status.TODO, Task.Status.IN_PROGRESS), estimate_hours__isnull=True
    ).exists()


def test_seeding_twice_changes_nothing():
    _seed()
    counts = (Task.objects.count(), Release.objects.count(), TimeEntry.objects.count())
    _seed()
    assert (Task.objects.count(), Release.objects.count(), TimeEntry.objects.count()) == counts


def test_the_demo_board_shows_for_the_customer(client):
    world = _seed()
    client.force_login(world["customers"]["anna@acme.example"])
    response = client.get(world["projects"]["acme-fleet"].get_absolute_url())
    html = response.content.decode()
    assert "Alert rules engine" in html and "Dark mode for the control room" in html
    assert "Warehouse door sensors" in html
