"""Issue 14, items 1 and 6 in the browser: a board card moves with the keyboard alone; the
sign-up time-zone picker starts on the browser's zone and narrows as you type."""

from datetime import date

import pytest
from django.test import Client
from playwright.sync_api import expect

from projects.models import Assignment, Task
from tests.factories.accounts import expert
from tests.factories.projects import ProjectFactory, TaskFactory, current_sprint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_card_moves_to_the_next_column_with_tab_and_enter(live_server, browser, settings):
    lead = expert(user__first_name="Eva")
    project = ProjectFactory(name="Warehouse robots")
    Assignment.objects.create(
        project=project, expert=lead, role=Assignment.Role.LEAD, starts_on=date(2025, 1, 1)
    )
    sprint = current_sprint(project)
    task = TaskFactory(project=project, title="Export orders", status=Task.Status.TODO)
    task.sprint = sprint
    task.save(update_fields=["sprint"])
    client = Client()
    client.force_login(lead)
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    host = live_server.url.split("//")[1].split(":")[0]
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "domain": host,
                "path": "/",
            }
        ]
    )
    page = context.new_page()
    page.goto(f"{live_server.url}{project.get_absolute_url()}")
    target = "Move to In progress"
    for _ in range(250):  # no mouse: Tab until the card's move button has the focus
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.getAttribute('title')") == target:
            break
    else:
        pytest.fail("Tab never reached the card's move button")
    page.keyboard.press("Enter")
    card = page.get_by_test_id("task-card").filter(has_text="Export orders")
    expect(card.get_by_title("Move to Done")).to_be_visible()
    task.refresh_from_db()
    assert task.status == Task.Status.IN_PROGRESS
    context.close()


def test_the_sign_up_zone_picker_starts_on_the_browsers_zone_and_searches(live_server, browser):
    context = browser.new_context(timezone_id="Asia/Tokyo")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/signup/")
    picker = page.locator("select[data-tz-picker]")
    expect(picker).to_have_value("Asia/Tokyo")
    assert page.locator("select[data-tz-picker] option[value='W-SU']").count() == 0
    page.get_by_label("Search time zones").fill("lisb")
    expect(picker).to_have_value("Europe/Lisbon")
    context.close()
