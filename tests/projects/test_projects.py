"""Projects and their teams: who sees which project, who creates and edits them, staff
assignments; every page of a project renders for each role."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from projects.models import Assignment, Project, Task
from softwaresupp.events import event_list_for
from tests.factories.accounts import (
    ExpertProfileFactory,
    OrganizationFactory,
    StaffFactory,
    customer,
    expert,
    sign_in,
)
from tests.factories.projects import (
    AssignmentFactory,
    ProjectFactory,
    ProjectUpdateFactory,
    ReleaseFactory,
    TaskCommentFactory,
    TaskFactory,
    WeeklySummaryFactory,
    current_sprint,
)

pytestmark = pytest.mark.django_db


class TestProjectList:
    def test_each_role_sees_only_its_projects(self, client):
        mine = ProjectFactory(name="Mine")
        other = ProjectFactory(name="Theirs")
        owner = customer(mine.organization)
        expert_on_mine = AssignmentFactory(project=mine).expert
        former = AssignmentFactory(
            project=other, starts_on=date(2024, 1, 1), ends_on=date(2024, 2, 1)
        ).expert

        def names(user):
            sign_in(client, user)
            response = client.get(reverse("projects:list"))
            return [p.name for p in response.context["projects"]]

        assert names(owner) == ["Mine"]
        assert names(expert_on_mine) == ["Mine"]
        assert names(former) == []
        assert sorted(names(StaffFactory())) == ["Mine", "Theirs"]

    def test_the_list_filters_by_status_and_counts_open_tasks(self, client):
        project = ProjectFactory()
        ProjectFactory(organization=project.organization, status=Project.Status.PAUSED)
        TaskFactory.create_batch(2, project=project, status=Task.Status.TODO)
        TaskFactory(project=project, status=Task.Status.DONE)
        client.force_login(customer(project.organization))
        response = client.get(reverse("projects:list"), {"status": "active"})
        (shown,) = response.context["projects"]
        assert shown.open_task_count == 2

    def test_an_experts_counts_are_not_multiplied_by_the_customers_members(self, client):
        project = ProjectFactory()
        for _ in range(3):
            customer(project.organization, Membership.Role.MEMBER)
        lead = AssignmentFactory(project=project).expert
        TaskFactory.create_batch(2, project=project, status=Task.Status.TODO)
        client.force_login(lead)
        (shown,) = client.get(reverse("projects:list")).context["projects"]
        assert shown.open_task_count == 2

    def test_an_empty_list_says_what_to_do_next(self, client):
        client.force_login(expert())
        assert (
            "You will see a project here" in client.get(reverse("projects:list")).content.decode()
        )

    @pytest.mark.parametrize("count", [2, 20])
    def test_query_count_does_not_grow_with_projects(self, client, count):
        organization = OrganizationFactory()
        owner = customer(organization)
        for _ in range(count):
            project = ProjectFactory(organization=organization)
            AssignmentFactory(project=project)
            TaskFactory(project=project)
        client.force_login(owner)
        client.get(reverse("projects:list"))
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("projects:list"))
        assert len(queries) == LIST_QUERIES


# session, user with their expert profile, organizations for "new project", projects,
# their current assignments (prefetch), the nav's organizations.
LIST_QUERIES = 6


class TestProjectCreateAndEdit:
    def _data(self, organization, **overrides):
        return {
            "organization": organization.pk,
            "name": "Warehouse app",
            "description": "Picking and packing",
            "engagement_type": "part_time",
            "status": "active",
            "time_zone": "Europe/Warsaw",
            "communication_channel": "slack",
            "communication_handle": "#acme-warehouse",
            "staging_url": "https://staging.acme.example",
            "production_url": "",
            **overrides,
        }

    def test_an_owner_creates_a_project_whose_board_is_ready(self, client):
        organization = OrganizationFactory()
        owner = customer(organization, Membership.Role.OWNER)
        client.force_login(owner)
        response = client.post(reverse("projects:create"), self._data(organization))
        project = Project.objects.get(name="Warehouse app")
        assert response["Location"] == project.get_absolute_url()
        assert (project.communication_channel, project.communication_handle) == (
            "slack",
            "#acme-warehouse",
        )
        assert project.sprints.count() == 2
        assert client.get(project.get_absolute_url()).status_code == 200

    def test_a_member_who_is_not_owner_cannot_create_projects(self, client):
        organization = OrganizationFactory()
        client.force_login(customer(organization, Membership.Role.MEMBER))
        assert client.get(reverse("projects:create")).status_code == 404

    def test_an_owner_cannot_create_for_another_organization(self, client):
        mine, theirs = OrganizationFactory(), OrganizationFactory()
        client.force_login(customer(mine, Membership.Role.OWNER))
        response = client.post(reverse("projects:create"), self._data(theirs))
        assert response.status_code == 200
        assert "organization" in response.context["form"].errors
        assert not Project.objects.exists()

    def test_a_duplicate_name_is_shown_beside_the_field_and_what_was_typed_is_kept(self, client):
        project = ProjectFactory(name="Warehouse app")
        client.force_login(customer(project.organization, Membership.Role.OWNER))
        response = client.post(
            reverse("projects:create"), self._data(project.organization, name="warehouse APP")
        )
        form = response.context["form"]
        assert "already has a project with this name" in form.errors["name"][0]
        assert form["communication_handle"].value() == "#acme-warehouse"

    def test_an_owner_edits_and_the_change_is_recorded(self, client):
        project = ProjectFactory(communication_channel="email")
        owner = customer(project.organization, Membership.Role.OWNER)
        client.force_login(owner)
        data = self._data(project.organization, name=project.name, communication_channel="teams")
        data.pop("organization")
        response = client.post(reverse("projects:edit", kwargs={"pk": project.pk}), data)
        assert response.status_code == 302
        project.refresh_from_db()
        assert project.communication_channel == "teams"
        assert event_list_for(project).first().changes["communication_channel"] == [
            "email",
            "teams",
        ]

    def test_an_owner_sets_a_budget_and_a_budget_under_a_dollar_is_refused_beside_it(self, client):
        project = ProjectFactory()
        client.force_login(customer(project.organization, Membership.Role.OWNER))
        data = self._data(project.organization, name=project.name)
        data.pop("organization")
        url = reverse("projects:edit", kwargs={"pk": project.pk})

        refused = client.post(url, {**data, "budget": "0"})
        assert "budget" in refused.context["form"].errors
        project.refresh_from_db()
        assert project.budget is None

        assert client.post(url, {**data, "budget": "12000.50"}).status_code == 302
        project.refresh_from_db()
        assert project.budget == Decimal("12000.50")

    def test_a_member_or_an_expert_cannot_edit(self, client):
        project = ProjectFactory()
        for user in (
            customer(project.organization, Membership.Role.MEMBER),
            AssignmentFactory(project=project).expert,
        ):
            client.force_login(user)
            assert (
                client.get(reverse("projects:edit", kwargs={"pk": project.pk})).status_code == 403
            )


class TestTeam:
    def test_staff_assign_a_certified_expert_who_is_told_by_email(
        self, client, django_capture_on_commit_callbacks
    ):
        project = ProjectFactory()
        person = ExpertProfileFactory().user
        sign_in(client, StaffFactory())
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("projects:team", kwargs={"pk": project.pk}),
                {"expert": person.pk, "role": "lead"},
            )
        assert response.status_code == 302
        assignment = Assignment.objects.get(project=project, expert=person)
        assert assignment.role == "lead" and assignment.starts_on == timezone.now().date()
        assert [m.to for m in mail.outbox] == [[person.email]]
        assert project.name in mail.outbox[0].subject

    def test_an_uncertified_or_already_assigned_expert_is_refused_beside_the_field(self, client):
        project = ProjectFactory()
        rookie = ExpertProfileFactory(certified_at=None).user
        busy = AssignmentFactory(project=project).expert
        sign_in(client, StaffFactory())
        url = reverse("projects:team", kwargs={"pk": project.pk})
        for person, words in ((rookie, "not certified"), (busy, "already assigned")):
            response = client.post(url, {"expert": person.pk, "role": "member"})
            assert words in response.context["form"].errors["expert"][0]

    def test_ending_an_assignment_ends_the_experts_access(self, client):
        project = ProjectFactory()
        assignment = AssignmentFactory(project=project, starts_on=date(2024, 1, 1))
        sign_in(client, StaffFactory())
        yesterday = timezone.now().date() - timedelta(days=1)
        client.post(
            reverse(
                "projects:assignment_end",
                kwargs={"pk": project.pk, "assignment_pk": assignment.pk},
            ),
            {"ends_on": yesterday.isoformat()},
        )
        assignment.refresh_from_db()
        assert assignment.ends_on == yesterday
        client.force_login(assignment.expert)
        assert client.get(project.get_absolute_url()).status_code == 404

    def test_customers_and_experts_see_the_team_but_cannot_change_it(self, client):
        project = ProjectFactory()
        lead = AssignmentFactory(project=project).expert
        owner = customer(project.organization, Membership.Role.OWNER)
        url = reverse("projects:team", kwargs={"pk": project.pk})
        for user in (owner, lead):
            client.force_login(user)
            response = client.get(url)
            assert str(lead) in response.content.decode()
            assert "Assign an expert" not in response.content.decode()
            assert client.post(url, {"expert": expert().pk, "role": "member"}).status_code == 403


class TestEveryPageRenders:
    """Each page of a project, for a customer, an assigned expert and staff."""

    @pytest.mark.parametrize("role", ["owner", "lead", "staff"])
    def test_pages(self, client, role):
        project = ProjectFactory()
        lead = AssignmentFactory(project=project).expert
        owner = customer(project.organization, Membership.Role.OWNER)
        sprint = current_sprint(project)
        task = TaskFactory(project=project, sprint=sprint, status="in_progress", assignee=lead)
        milestone = TaskFactory(project=project, sprint=sprint, kind="milestone")
        TaskCommentFactory(task=task, author=owner, body="Looks good")
        ProjectUpdateFactory(task=milestone, body="Half way")
        release = ReleaseFactory(project=project, tasks=[task])
        summary = WeeklySummaryFactory(project=project, sprint=sprint)
        user = {"owner": owner, "lead": lead, "staff": None}[role] or StaffFactory()
        sign_in(client, user)
        urls = [
            reverse("projects:list"),
            project.get_absolute_url(),
            reverse("projects:team", kwargs={"pk": project.pk}),
            reverse("projects:task_create", kwargs={"pk": project.pk}),
            reverse("projects:sprint_list", kwargs={"pk": project.pk}),
            reverse("projects:release_list", kwargs={"pk": project.pk}),
            reverse("projects:summary_list", kwargs={"pk": project.pk}),
            task.get_absolute_url(),
            milestone.get_absolute_url(),
            sprint.get_absolute_url(),
            release.get_absolute_url(),
            summary.get_absolute_url(),
        ]
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
        page = client.get(task.get_absolute_url()).content.decode()
        assert "Looks good" in page
        assert "task-history" in page


class TestDashboardPanel:
    def test_each_role_sees_its_running_projects_with_what_waits(self, client):
        project = ProjectFactory(name="Fleet dashboard")
        ProjectFactory(name="Someone else's")
        lead = AssignmentFactory(project=project).expert
        owner = customer(project.organization, Membership.Role.OWNER)
        TaskFactory(project=project, status=Task.Status.NEW, estimate_hours=None)
        TaskFactory(project=project, status=Task.Status.IN_PROGRESS)
        for user in (owner, lead):
            client.force_login(user)
            html = client.get(reverse("dashboard")).content.decode()
            assert "Fleet dashboard" in html and "Someone else" not in html
            assert 'data-testid="dashboard-projects"' in html
            assert "1 needs an estimate" in html and "1 in progress" in html
        sign_in(client, StaffFactory())
        html = client.get(reverse("dashboard")).content.decode()
        assert "Fleet dashboard" in html and "Someone else" in html
