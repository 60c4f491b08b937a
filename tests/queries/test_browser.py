"""Browser journey: a customer asks; an expert answers with an ETA; the customer sees the
answer and its ETA; the expert turns the query into a task in one step."""

import re

import pytest
from playwright.sync_api import expect

from projects.models import Query
from tests.factories.accounts import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def test_a_customer_asks_an_expert_answers_with_an_eta_and_makes_a_task(
    live_server, page, browser, team
):
    # The customer asks, starting from the top bar.
    sign_in(page, live_server, team.customer)
    page.get_by_role("link", name="Queries", exact=True).click()
    page.get_by_test_id("query-projects").get_by_role(
        "link", name=re.compile("Warehouse robots")
    ).click()
    page.get_by_role("link", name="Ask a question").click()
    page.get_by_label("Your question, in a line").fill("Robot arm stops at night")
    page.get_by_label("Details").fill("Since Monday the arm stops at 2am.")
    page.get_by_role("button", name="Send the question").click()
    expect(page.get_by_text("Your question is in.")).to_be_visible()
    expect(page.get_by_test_id("query-state")).to_have_text("Waiting for first response")
    query = Query.objects.get()

    # The expert sees it on their dashboard and answers with an estimate.
    expert_page = browser.new_context().new_page()
    sign_in(expert_page, live_server, team.expert)
    expert_page.get_by_test_id("dashboard-queries").get_by_role(
        "link", name=re.compile("Robot arm stops at night")
    ).click()
    expert_page.get_by_label("Response to the customer").fill(
        "It is the watchdog timer; I will raise its limit."
    )
    expert_page.get_by_role("button", name="Send the response").click()
    # Without an estimate the response is refused, the text kept.
    expect(expert_page.get_by_text("hours to complete or a delivery deadline")).to_be_visible()
    expect(expert_page.get_by_label("Response to the customer")).to_have_value(
        "It is the watchdog timer; I will raise its limit."
    )
    expert_page.get_by_label("Hours to complete").fill("3")
    expert_page.get_by_role("button", name="Send the response").click()
    expect(expert_page.get_by_text("Your response is sent to the customer")).to_be_visible()

    # The customer sees the answer and its ETA.
    page.goto(f"{live_server.url}{query.get_absolute_url()}")
    expect(page.get_by_test_id("query-response")).to_contain_text("It is the watchdog timer")
    expect(page.get_by_test_id("query-eta")).to_contain_text("3 h to complete")
    expect(page.get_by_test_id("query-state")).to_have_text("Answered")

    # The expert turns the query into a task in one step: the form is already filled in.
    task_card = expert_page.get_by_test_id("query-task")
    expect(task_card.get_by_label("Title")).to_have_value("Robot arm stops at night")
    expect(task_card.get_by_label("Estimate (hours)")).to_have_value("3.00")
    task_card.get_by_role("button", name="Create task").click()
    expect(expert_page.get_by_text("The task is on the board")).to_be_visible()
    expect(expert_page.get_by_test_id("query-task")).to_contain_text("Robot arm stops at night")
    query.refresh_from_db()
    assert query.task is not None and query.task.estimate_hours == 3
