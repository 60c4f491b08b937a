"""Browser journey (R-LEAD, R-LEAD-SUMMARY, R-PLAN): an expert registers a lead, takes it to
planning and sends the planned work; the customer follows the emailed invitation, sets a
password, finds the planned work on the board and launches an hourly plan; the board is
open to them, with the expert assigned."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

from leads.models import HourlyPlan, Lead
from projects.models import Project
from softwaresupp.outbox import outbox_relay
from tests.browser import watch_csp_violations
from tests.factories.accounts import PASSWORD, expert

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _emailed_link(recipient: str, pattern: str, base_url: str) -> str:
    outbox_relay()
    message = next(m for m in mail.outbox if m.to == [recipient])
    url = re.search(pattern, message.body).group(0)
    return f"{base_url}{urlsplit(url).path}"


def test_an_expert_sends_planned_work_and_the_customer_launches_an_hourly_plan(
    live_server, page, browser
):
    eva = expert(user__email="eva@experts.example", user__first_name="Eva")
    violations = watch_csp_violations(page)

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(eva.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("link", name="Leads", exact=True).click()
    page.get_by_test_id("new-lead").click()
    page.get_by_label("Company").fill("Stark Industries")
    page.get_by_label("Contact name").fill("Pepper Potts")
    page.get_by_label("Contact email").fill("pepper@stark.example")
    page.get_by_label("Need").fill("A supplier portal")
    page.get_by_label("I handle the customer myself").check()
    page.get_by_test_id("save-lead").click()
    expect(page.get_by_test_id("lead-stage").first).to_have_text("New")

    page.get_by_test_id("advance").click()
    expect(page.get_by_test_id("lead-stage").first).to_have_text("Introduction")
    page.get_by_label("Meeting date").fill("2026-03-02T10:00")
    page.get_by_test_id("advance").click()
    expect(page.get_by_test_id("lead-stage").first).to_have_text("Offer presented")
    page.get_by_test_id("advance").click()
    expect(page.get_by_test_id("lead-stage").first).to_have_text("Planning")

    page.get_by_test_id("send-summary").click()
    page.get_by_label("Project name").fill("Supplier portal")
    page.get_by_label("Planned tasks").fill("Supplier sign-in — 6\nOrder history — 10.5")
    page.get_by_label("Message to the customer").fill("As discussed on Monday.")
    page.get_by_test_id("send-planned-work").click()
    expect(page.get_by_test_id("planned-total")).to_have_text("16.50 h")
    lead = Lead.objects.get()
    assert lead.organization.name == "Stark Industries"

    # The customer: the emailed invitation, a password, then the draft project's board.
    customer_page = browser.new_context().new_page()
    customer_violations = watch_csp_violations(customer_page)
    customer_page.goto(
        _emailed_link("pepper@stark.example", r"\S+/invitations/\S+", live_server.url)
    )
    customer_page.get_by_label("First name").fill("Pepper")
    customer_page.get_by_label("Last name").fill("Potts")
    customer_page.locator("#id_password1").fill("Stark-Portal-2026!")
    customer_page.locator("#id_password2").fill("Stark-Portal-2026!")
    customer_page.get_by_role("button", name="Create my account").click()
    customer_page.get_by_role("link", name="Projects", exact=True).click()
    customer_page.get_by_role("link", name="Supplier portal").first.click()
    expect(customer_page.get_by_text("Supplier sign-in")).to_be_visible()
    customer_page.get_by_test_id("board-planned-work").get_by_role("link").click()
    customer_page.get_by_test_id("launch-plan").click()
    expect(customer_page.get_by_label("Hourly rate (USD)")).to_have_value("50.00")
    customer_page.get_by_label("Hourly rate (USD)").fill("60.00")
    customer_page.get_by_label("Weekly hour cap").fill("20")
    customer_page.get_by_test_id("launch").click()

    # The board is open: the plan with Eva, the planned tasks, and tasks can be submitted.
    expect(customer_page.get_by_test_id("board-hourly-plan")).to_contain_text("Eva")
    expect(customer_page.get_by_test_id("new-task")).to_contain_text("Submit a task")
    expect(customer_page.get_by_text("Order history")).to_be_visible()
    project = Project.objects.get(name="Supplier portal")
    assert project.status == Project.Status.ACTIVE
    assert HourlyPlan.objects.get().expert == eva
    assert Lead.objects.get().stage == Lead.Stage.WON
    assert not violations and not customer_violations
