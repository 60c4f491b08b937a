"""Browser journey: an expert fills in a week in the grid; the customer sees the hours."""

import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from accounts.models import Membership
from projects.models import Assignment, Task
from tests.browser import eventually
from tests.factories.accounts import PASSWORD, OrganizationFactory, customer, expert
from tests.factories.projects import ProjectFactory, TaskFactory
from timesheets.models import TimeEntry, local_today

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, base_url, user):
    page.context.clear_cookies()
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def test_an_expert_fills_in_a_week_and_the_customer_sees_it(live_server, page):
    organization = OrganizationFactory(name="Acme Robotics")
    anna = customer(organization, Membership.Role.OWNER, email="anna@acme.example")
    eva = expert(user__email="eva@experts.example", user__first_name="Eva")
    project = ProjectFactory(organization=organization, name="Warehouse robots")
    Assignment.objects.create(project=project, expert=eva, starts_on=date(2025, 1, 1))
    api = TaskFactory(
        project=project, title="Pick-and-place API", status=Task.Status.IN_PROGRESS, assignee=eva
    )
    charts = TaskFactory(
        project=project,
        title="Dashboard charts",
        status=Task.Status.IN_PROGRESS,
        assignee=eva,
        estimate_hours=Decimal("10"),
    )
    today = local_today(eva)
    monday = today - timedelta(days=today.weekday())

    _sign_in(page, live_server.url, eva)
    page.get_by_role("link", name="Timesheet").click()
    grid = page.get_by_test_id("week-grid")
    expect(grid).to_be_visible()
    page.wait_for_load_state()  # htmx binds the cells once the page's scripts have run

    page.get_by_test_id(f"cell-{api.pk}-{monday.isoformat()}").fill("2")
    page.get_by_test_id(f"cell-{charts.pk}-{monday.isoformat()}").click()  # leaving saves
    expect(page.get_by_test_id("week-total")).to_have_text("2")
    page.get_by_test_id(f"cell-{charts.pk}-{today.isoformat()}").fill("1:30")
    page.keyboard.press("Tab")
    expect(page.get_by_test_id("week-total")).to_have_text("3.5")
    expect(page.get_by_test_id("week-total-summary")).to_have_text("3.5")
    # A refusal shows beside the cell, with what was typed, and saves nothing.
    page.get_by_test_id(f"cell-{api.pk}-{today.isoformat()}").fill("1:20")
    page.keyboard.press("Tab")
    expect(page.get_by_text("Log hours in quarter hours")).to_be_visible()
    expect(page.get_by_test_id("week-total")).to_have_text("3.5")

    assert sorted(TimeEntry.objects.values_list("task__title", "hours")) == [
        ("Dashboard charts", Decimal("1.50")),
        ("Pick-and-place API", Decimal("2.00")),
    ]
    page.reload()
    expect(page.get_by_test_id(f"cell-{api.pk}-{monday.isoformat()}")).to_have_value("2")

    _sign_in(page, live_server.url, anna)
    page.get_by_role("link", name="Hours").click()
    expect(page.get_by_test_id("report-total-hours")).to_have_text("3.5")
    page.get_by_role("link", name="By task").click()
    table = page.get_by_test_id("report-table")
    expect(table.get_by_role("row", name=re.compile("Pick-and-place API"))).to_contain_text("2")
    expect(table.get_by_role("row", name=re.compile("Dashboard charts"))).to_contain_text("1.5")
    with page.expect_download() as download:
        page.get_by_test_id("export-csv").click()
    assert "Pick-and-place API" in Path(download.value.path()).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "status, words", [(404, "no longer open to you"), (500, "a problem on our side")]
)
def test_a_cell_the_server_fails_to_save_says_so_in_the_page(live_server, page, status, words):
    organization = OrganizationFactory(name="Acme Robotics")
    eva = expert(user__email="eva@experts.example", user__first_name="Eva")
    project = ProjectFactory(organization=organization, name="Warehouse robots")
    Assignment.objects.create(project=project, expert=eva, starts_on=date(2025, 1, 1))
    api = TaskFactory(
        project=project, title="Pick-and-place API", status=Task.Status.IN_PROGRESS, assignee=eva
    )
    today = local_today(eva)
    _sign_in(page, live_server.url, eva)
    page.get_by_role("link", name="Timesheet").click()
    expect(page.get_by_test_id("week-grid")).to_be_visible()
    page.wait_for_load_state()  # htmx binds the cells once the page's scripts have run
    # htmx leaves error responses out of the page; the page must still say what happened.
    page.route(
        re.compile(r"/timesheet/"),
        lambda route: (
            route.fulfill(status=status, body="")
            if route.request.method == "POST"
            else route.continue_()
        ),
    )
    page.get_by_test_id(f"cell-{api.pk}-{today.isoformat()}").fill("2")
    page.keyboard.press("Tab")
    problem = page.locator("#messages .alert-danger")
    expect(problem).to_contain_text("That change was not saved")
    expect(problem).to_contain_text(words)


def test_the_log_button_waits_for_the_answer_so_a_double_click_logs_once(live_server, page):
    organization = OrganizationFactory(name="Acme Robotics")
    eva = expert(user__email="eva@experts.example", user__first_name="Eva")
    project = ProjectFactory(organization=organization, name="Warehouse robots")
    Assignment.objects.create(project=project, expert=eva, starts_on=date(2025, 1, 1))
    api = TaskFactory(
        project=project, title="Pick-and-place API", status=Task.Status.IN_PROGRESS, assignee=eva
    )
    _sign_in(page, live_server.url, eva)
    page.goto(f"{live_server.url}{api.get_absolute_url()}")
    form = page.get_by_test_id("task-log-form")
    form.get_by_label("Hours").fill("1.5")
    held = []
    page.route(re.compile(r"/log/$"), lambda route: held.append(route))
    button = form.get_by_role("button", name="Log hours")
    button.click()
    expect(button).to_be_disabled()
    button.click(force=True)  # a second click while the first is on its way
    page.wait_for_timeout(300)
    assert len(held) == 1
    held[0].continue_()
    expect(page.get_by_role("status").filter(has_text="Logged 1.5 h")).to_be_visible()
    assert TimeEntry.objects.filter(task=api).count() == 1


def test_a_cell_says_saved_a_note_becomes_the_description_and_a_phone_shows_a_day(
    live_server, page
):
    """Issue 14: each cell says it is saved; its note is the entry's description; no "Save
    week" button with JavaScript; the timer survives a reload; on a phone one day shows,
    beside the task column."""
    organization = OrganizationFactory(name="Acme Robotics")
    eva = expert(user__email="eva@experts.example", user__first_name="Eva")
    project = ProjectFactory(organization=organization, name="Warehouse robots")
    Assignment.objects.create(project=project, expert=eva, starts_on=date(2025, 1, 1))
    api = TaskFactory(
        project=project, title="Pick-and-place API", status=Task.Status.IN_PROGRESS, assignee=eva
    )
    today = local_today(eva)
    name = f"cell-{api.pk}-{today.isoformat()}"

    _sign_in(page, live_server.url, eva)
    page.goto(f"{live_server.url}/timesheet/")
    page.wait_for_load_state()
    expect(page.get_by_test_id("save-week")).to_be_hidden()
    page.get_by_test_id(name).fill("2")
    page.keyboard.press("Tab")
    expect(page.get_by_test_id(f"saved-{name}")).to_be_visible()
    page.get_by_test_id(f"note-toggle-{name}").click()
    page.get_by_test_id(f"note-{api.pk}-{today.isoformat()}").fill("Gripper calibration")
    page.keyboard.press("Tab")
    # The first save's "saved" mark is still shown: wait for the note itself.
    saved = eventually(
        lambda: TimeEntry.objects.values_list("hours", "description").first(),
        (Decimal("2"), "Gripper calibration"),
    )
    assert saved == (Decimal("2"), "Gripper calibration")

    page.get_by_test_id(f"timer-start-{api.pk}").click()
    expect(page.get_by_test_id("timer-banner")).to_be_visible()
    page.reload()
    expect(page.get_by_test_id("timer-banner")).to_contain_text("Pick-and-place API")
    expect(page.get_by_test_id("timer-elapsed")).to_have_text(re.compile(r"^0:00:\d\d$"))

    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.get_by_test_id(name)).to_be_visible()
    other_day = today - timedelta(days=1) if today.weekday() else today + timedelta(days=1)
    if other_day <= today:
        expect(page.get_by_test_id(f"cell-{api.pk}-{other_day.isoformat()}")).to_be_hidden()
    task_column = page.locator("th.timesheet-task").first
    expect(task_column).to_be_visible()
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390
    artifacts = Path(settings.BASE_DIR) / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    page.screenshot(path=str(artifacts / "timesheet-phone.png"))
