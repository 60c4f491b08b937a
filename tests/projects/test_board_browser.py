"""Browser journey on the board: a customer submits a task; an expert estimates it and drags
it from "To do" to "In progress"; after a reload it is still there."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from accounts.models import Membership
from projects.models import Assignment, Task
from tests.factories.accounts import PASSWORD, customer
from tests.factories.projects import AssignmentFactory, ProjectFactory, current_sprint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, base_url, user):
    page.context.clear_cookies()
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def _card(page, column, title):
    return (
        page.get_by_test_id(f"column-{column}").get_by_test_id("task-card").filter(has_text=title)
    )


def test_a_customer_submits_and_an_expert_estimates_and_drags_it_to_in_progress(live_server, page):
    project = ProjectFactory(name="Fleet dashboard")
    current_sprint(project)
    owner = customer(project.organization, Membership.Role.OWNER, email="anna@acme.example")
    lead = AssignmentFactory(project=project, role=Assignment.Role.LEAD).expert
    board_url = f"{live_server.url}{project.get_absolute_url()}"

    _sign_in(page, live_server.url, owner)
    page.goto(board_url)
    page.get_by_test_id("new-task").click()
    page.get_by_label("Title").fill("Dark mode for the control room")
    page.get_by_label("Description").fill("The night shift finds the white screens tiring.")
    page.get_by_role("button", name="Submit task").click()
    expect(page.get_by_text("An expert will estimate it")).to_be_visible()
    expect(_card(page, "new", "Dark mode")).to_be_visible()
    expect(_card(page, "new", "Dark mode").get_by_test_id("badge-needs-estimate")).to_be_visible()

    _sign_in(page, live_server.url, lead)
    page.goto(board_url)
    card = _card(page, "new", "Dark mode")
    card.get_by_label(re.compile("Estimate in hours")).fill("3")
    with page.expect_response(re.compile(r"/estimate/$")):
        card.get_by_role("button", name="Estimate").click()
    card = _card(page, "todo", "Dark mode")
    expect(card).to_be_visible()

    target = page.get_by_test_id("column-in_progress").locator("[data-board-list]")
    with page.expect_response(re.compile(r"/move/$")) as response:
        card.drag_to(target, source_position={"x": 4, "y": 4})
    assert response.value.ok
    expect(_card(page, "in_progress", "Dark mode")).to_be_visible()
    expect(page.get_by_test_id("board-error")).to_have_count(0)

    page.reload()
    expect(_card(page, "in_progress", "Dark mode")).to_be_visible()
    expect(_card(page, "todo", "Dark mode")).to_have_count(0)
    task = Task.objects.get(title="Dark mode for the control room")
    assert (task.status, task.estimate_hours, task.author) == ("in_progress", 3, owner)


def test_a_refused_drag_puts_the_card_back_and_says_why(live_server, page):
    project = ProjectFactory()
    sprint = current_sprint(project)
    lead = AssignmentFactory(project=project, role=Assignment.Role.LEAD).expert
    Task.objects.create(
        project=project,
        sprint=sprint,
        title="Alert rules",
        status="in_progress",
        estimate_hours=5,
        position=1,
    )
    _sign_in(page, live_server.url, lead)
    page.goto(f"{live_server.url}{project.get_absolute_url()}")
    target = page.get_by_test_id("column-done").locator("[data-board-list]")
    with page.expect_response(re.compile(r"/move/$")):
        _card(page, "in_progress", "Alert rules").drag_to(target, source_position={"x": 4, "y": 4})
    expect(page.get_by_test_id("board-error")).to_contain_text("no hours have been logged")
    expect(_card(page, "in_progress", "Alert rules")).to_be_visible()
    expect(_card(page, "done", "Alert rules")).to_have_count(0)


def test_a_submitted_form_disables_its_button_against_a_second_click(live_server, page):
    project = ProjectFactory(name="Fleet dashboard")
    current_sprint(project)
    owner = customer(project.organization, Membership.Role.OWNER, email="anna@acme.example")
    _sign_in(page, live_server.url, owner)
    page.goto(f"{live_server.url}{project.get_absolute_url()}")
    page.get_by_test_id("new-task").click()
    page.get_by_label("Title").fill("Export alerts to CSV")
    # Note the button's state just after the submit (the page is gone once it navigates).
    page.evaluate(
        """() => document.addEventListener("submit", (event) => setTimeout(() => {
            const button = event.target.querySelector('button[type="submit"]');
            sessionStorage.setItem("disabled-after-submit", String(button.disabled));
        }, 0))"""
    )
    page.get_by_role("button", name="Submit task").click()
    expect(page.get_by_text("An expert will estimate it")).to_be_visible()
    assert page.evaluate("() => sessionStorage.getItem('disabled-after-submit')") == "true"
    assert Task.objects.filter(project=project, title="Export alerts to CSV").count() == 1


def test_a_card_drags_by_its_title_and_the_board_says_what_happened(live_server, page):
    """Issue 14: a card drags from anywhere, its title included; the move is confirmed in the
    board's status line without leaving the page."""
    project = ProjectFactory()
    sprint = current_sprint(project)
    lead = AssignmentFactory(project=project, role=Assignment.Role.LEAD).expert
    Task.objects.create(
        project=project, sprint=sprint, title="Alert rules", status="todo", estimate_hours=5
    )
    _sign_in(page, live_server.url, lead)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server.url}{project.get_absolute_url()}")
    # At 1366 × 768 the columns are in view without scrolling past the panels.
    target = page.get_by_test_id("column-in_progress").locator("[data-board-list]")
    box = target.bounding_box()
    assert box is not None and box["y"] < 768
    title = _card(page, "todo", "Alert rules").get_by_test_id("card-title")
    with page.expect_response(re.compile(r"/move/$")) as response:
        title.drag_to(target)
    assert response.value.ok
    expect(_card(page, "in_progress", "Alert rules")).to_be_visible()
    expect(page.get_by_test_id("board-toast")).to_contain_text("is now in In progress")
    assert page.url.endswith(project.get_absolute_url())
    artifacts = Path(settings.BASE_DIR) / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    page.screenshot(path=str(artifacts / "board-1366.png"))
    assert Task.objects.get(title="Alert rules").status == "in_progress"


def test_a_card_opens_in_the_side_panel_and_takes_a_comment_there(live_server, page):
    project = ProjectFactory()
    sprint = current_sprint(project)
    lead = AssignmentFactory(project=project, role=Assignment.Role.LEAD).expert
    Task.objects.create(
        project=project, sprint=sprint, title="Alert rules", status="todo", estimate_hours=5
    )
    _sign_in(page, live_server.url, lead)
    board_url = f"{live_server.url}{project.get_absolute_url()}"
    page.goto(board_url)
    _card(page, "todo", "Alert rules").get_by_test_id("card-title").click()
    panel = page.get_by_test_id("task-panel")
    expect(panel.get_by_test_id("panel-title")).to_have_text("Alert rules")
    assert page.url == board_url
    panel.get_by_role("textbox", name="Comment").fill("Starting tomorrow.")
    panel.get_by_role("button", name="Comment").click()
    expect(panel.get_by_test_id("panel-done")).to_be_visible()
    expect(panel.get_by_test_id("panel-comments")).to_contain_text("Starting tomorrow.")
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    assert page.url == board_url


def test_assign_to_me_and_filters_that_apply_as_you_type(live_server, page):
    project = ProjectFactory()
    sprint = current_sprint(project)
    lead = AssignmentFactory(project=project, role=Assignment.Role.LEAD).expert
    for title in ("Alert rules", "Night shift report"):
        Task.objects.create(
            project=project, sprint=sprint, title=title, status="todo", estimate_hours=5
        )
    _sign_in(page, live_server.url, lead)
    page.goto(f"{live_server.url}{project.get_absolute_url()}")
    with page.expect_response(re.compile(r"/assign/$")):
        _card(page, "todo", "Alert rules").get_by_test_id("assign-to-me").click()
    expect(page.get_by_test_id("board-toast")).to_contain_text("is assigned to you")
    expect(_card(page, "todo", "Alert rules").get_by_test_id("assign-to-me")).to_have_count(0)
    page.get_by_label("Search").press_sequentially("night")
    expect(_card(page, "todo", "Alert rules")).to_have_count(0)
    expect(_card(page, "todo", "Night shift")).to_be_visible()
    assert Task.objects.get(title="Alert rules").assignee == lead
