"""Content-Security-Policy in the browser: the board (with drag and drop), the weekly grid and
the query pages run under the policy without a single violation, and still work."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from accounts.models import Membership
from projects.models import Assignment, Task
from tests.browser import watch_csp_violations
from tests.factories.accounts import PASSWORD, OrganizationFactory, customer, expert
from tests.factories.projects import ProjectFactory, TaskFactory, WeeklySummaryFactory
from tests.factories.queries import QueryFactory
from tests.factories.timesheets import TimeEntryFactory
from timesheets.models import local_today

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, base_url, user):
    page.context.clear_cookies()
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


@pytest.fixture
def project_world(db):
    organization = OrganizationFactory(name="Acme Robotics")
    anna = customer(organization, Membership.Role.OWNER, email="anna@acme.example")
    eva = expert(user__email="eva@experts.example", user__first_name="Eva")
    project = ProjectFactory(organization=organization, name="Warehouse robots")
    Assignment.objects.create(project=project, expert=eva, starts_on=date(2025, 1, 1))
    task = TaskFactory(
        project=project, title="Pick-and-place API", status=Task.Status.IN_PROGRESS, assignee=eva
    )
    TaskFactory(project=project, title="Alert rules", status=Task.Status.TODO)
    today = local_today(eva)
    TimeEntryFactory(expert=eva, task=task, day=today - timedelta(days=today.weekday()))
    query = QueryFactory(project=project, author=anna, title="Which gripper?")
    summary = WeeklySummaryFactory(project=project)
    return {
        "anna": anna,
        "eva": eva,
        "project": project,
        "task": task,
        "query": query,
        "summary": summary,
    }


def test_board_grid_and_query_pages_run_without_csp_violations(live_server, page, project_world):
    violations = watch_csp_violations(page)
    eva, project = project_world["eva"], project_world["project"]
    base = live_server.url

    _sign_in(page, base, eva)
    page.goto(f"{base}{project.get_absolute_url()}")
    expect(page.locator("[data-task]").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    # htmx and SortableJS did start: the lists are sortable.
    page.wait_for_function("document.querySelector('[data-board-list]').sortable !== undefined")

    page.goto(f"{base}/timesheet/")
    cell = page.locator("input.timesheet-cell").first
    expect(cell).to_be_visible()
    page.wait_for_load_state("networkidle")
    cell.fill("1.5")
    page.keyboard.press("Tab")
    expect(page.get_by_test_id("week-total")).not_to_have_text("1")
    page.goto(f"{base}{project_world['task'].get_absolute_url()}")
    page.wait_for_load_state("networkidle")
    # Hours against the 4 h estimate: the bar's width is set by app.js, not a style attribute.
    bar = page.locator("[data-progress]").first
    expect(bar).to_have_attribute("style", re.compile(r"width: [1-9]\d*%"))

    page.goto(f"{base}{project_world['query'].get_absolute_url()}")
    page.wait_for_load_state("networkidle")
    page.goto(f"{base}/queries/")
    page.wait_for_load_state("networkidle")

    _sign_in(page, base, project_world["anna"])
    page.goto(f"{base}{project.get_absolute_url()}")
    page.wait_for_load_state("networkidle")
    page.goto(f"{base}/projects/")
    page.wait_for_load_state("networkidle")
    page.get_by_label("Status").select_option("active")  # data-autosubmit sends the filter
    expect(page).to_have_url(re.compile(r"status=active"))
    page.goto(f"{base}/summaries/{project_world['summary'].pk}/")
    page.wait_for_load_state("networkidle")
    page.goto(f"{base}/queries/")
    page.wait_for_load_state("networkidle")

    assert violations == [], "\n".join(violations)
