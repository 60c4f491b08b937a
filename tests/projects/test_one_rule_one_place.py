"""One rule, one place (issue 8, item 6): "an assignment covers this day", membership and
the week's Monday are each written once, and every caller uses that one.

The drift this fixes: the project list showed experts whose assignment starts later as the
current team."""

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Membership
from projects.models import Assignment, Project
from projects.selectors.projects import assignable_experts, project_access, project_list
from projects.services.access import can_triage
from softwaresupp.dates import monday_of, week_of
from tests.factories.accounts import customer, expert, verified_staff
from tests.factories.projects import AssignmentFactory, ProjectFactory
from timesheets.selectors import expert_assigned_on

pytestmark = pytest.mark.django_db

START = date(2026, 3, 10)  # a Tuesday
END = date(2026, 3, 20)


@pytest.fixture
def span():
    return AssignmentFactory(starts_on=START, ends_on=END)


class TestCovering:
    @pytest.mark.parametrize(
        ("day", "covered"),
        [
            (START - timedelta(days=1), False),
            (START, True),
            (END, True),
            (END + timedelta(days=1), False),
        ],
    )
    def test_the_first_and_last_days_are_covered_and_no_others(self, span, day, covered):
        assert Assignment.objects.covering(day).filter(pk=span.pk).exists() is covered
        assert span.covers(day) is covered

    def test_an_open_ended_assignment_covers_every_day_from_its_start(self):
        open_ended = AssignmentFactory(starts_on=START, ends_on=None)
        assert Assignment.objects.covering(date(2099, 1, 1)).filter(pk=open_ended.pk).exists()
        assert not Assignment.objects.covering(START - timedelta(days=1)).exists()

    @pytest.mark.parametrize(
        ("first", "last", "touches"),
        [
            (START - timedelta(days=7), START - timedelta(days=1), False),
            (START - timedelta(days=7), START, True),
            (END, END + timedelta(days=7), True),
            (END + timedelta(days=1), END + timedelta(days=7), False),
        ],
    )
    def test_overlapping_a_period_counts_its_edges(self, span, first, last, touches):
        assert Assignment.objects.overlapping(first, last).filter(pk=span.pk).exists() is touches

    def test_current_is_covering_today_in_utc(self, span):
        with time_machine.travel("2026-03-09 23:59:59Z", tick=False):
            assert not Assignment.objects.current().exists()
        with time_machine.travel("2026-03-10 00:00:00Z", tick=False):
            assert list(Assignment.objects.current()) == [span]
        with time_machine.travel("2026-03-21 00:00:00Z", tick=False):
            assert not Assignment.objects.current().exists()


class TestAFutureAssignee:
    """Assigned from tomorrow: not on the team, no access, until the first day."""

    @pytest.fixture
    def future(self):
        project = ProjectFactory()
        lead = AssignmentFactory(project=project, starts_on=date(2026, 1, 1)).expert
        newcomer = AssignmentFactory(
            project=project, starts_on=START, role=Assignment.Role.MEMBER
        ).expert
        return project, lead, newcomer

    def _team(self, project, viewer) -> set:
        (row,) = [p for p in project_list(user=viewer) if p.pk == project.pk]
        return {assignment.expert for assignment in row.current_assignments}

    def test_is_not_shown_as_the_current_team_before_the_start_day(self, future):
        project, lead, newcomer = future
        owner = customer(project.organization)
        with time_machine.travel("2026-03-09 12:00Z", tick=False):
            assert self._team(project, owner) == {lead}
            assert set(assignable_experts(project=project)) == {lead}
        with time_machine.travel("2026-03-10 00:00Z", tick=False):
            assert self._team(project, owner) == {lead, newcomer}
            assert set(assignable_experts(project=project)) == {lead, newcomer}

    def test_cannot_see_or_act_on_the_project_until_the_start_day(self, future, client):
        project, _, newcomer = future
        client.force_login(newcomer)
        with time_machine.travel("2026-03-09 23:59Z", tick=False):
            assert not Project.objects.visible_to(newcomer).exists()
            assert not can_triage(newcomer, project)
            assert not project_access(user=newcomer, project=project).is_expert
            assert client.get(project.get_absolute_url()).status_code == 404
        with time_machine.travel("2026-03-10 00:01Z", tick=False):
            assert list(Project.objects.visible_to(newcomer)) == [project]
            assert can_triage(newcomer, project)
            assert client.get(project.get_absolute_url()).status_code == 200

    def test_the_project_list_page_does_not_name_them(self, future, client):
        project, lead, newcomer = future
        newcomer.first_name, newcomer.last_name = "Futura", "Newcomer"
        newcomer.save()
        client.force_login(customer(project.organization))
        with time_machine.travel("2026-03-09 12:00Z", tick=False):
            page = client.get(reverse("projects:list")).content.decode()
        assert "Futura" not in page


def test_hours_follow_the_same_days(span):
    expert_on = span.expert
    assert expert_assigned_on(expert=expert_on, project=span.project, day=START)
    assert not expert_assigned_on(
        expert=expert_on, project=span.project, day=START - timedelta(days=1)
    )


class TestMembership:
    def test_of_finds_the_membership_of_a_user_in_an_organization(self):
        owner = customer(role=Membership.Role.OWNER)
        organization = owner.memberships.get().organization
        member = customer(organization, Membership.Role.MEMBER)
        assert Membership.objects.of(owner, organization).owners().exists()
        assert Membership.objects.of(member, organization.pk).exists()
        assert not Membership.objects.of(member, organization).owners().exists()
        assert not Membership.objects.of(expert(), organization).exists()

    def test_project_access_reads_the_role_from_it(self):
        project = ProjectFactory()
        owner = customer(project.organization, Membership.Role.OWNER)
        member = customer(project.organization, Membership.Role.MEMBER)
        assert project_access(user=owner, project=project).is_owner
        access = project_access(user=member, project=project)
        assert access.is_customer and not access.is_owner
        assert project_access(user=verified_staff(), project=project).can_manage_team


class TestWeeks:
    @pytest.mark.parametrize(
        "day", [date(2026, 3, 9), date(2026, 3, 11), date(2026, 3, 15)]
    )  # Monday, Wednesday, Sunday
    def test_a_week_runs_monday_to_sunday(self, day):
        assert monday_of(day) == date(2026, 3, 9)
        assert week_of(day) == (date(2026, 3, 9), date(2026, 3, 15))

    def test_the_next_monday_starts_the_next_week(self):
        assert monday_of(date(2026, 3, 16)) == date(2026, 3, 16)
