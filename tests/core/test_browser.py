"""Browser journeys in headless Chromium against the live server."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories.accounts import PASSWORD, OrganizationFactory, customer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_customer_signs_in_and_sees_their_dashboard(live_server, page):
    organization = OrganizationFactory(name="Acme Robotics")
    user = customer(organization, first_name="Anna", email="anna@acme.example")
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_test_id("customer-dashboard")).to_be_visible()
    expect(page.get_by_role("heading", name="Welcome, Anna")).to_be_visible()
    dashboard = page.get_by_test_id("customer-dashboard")
    expect(dashboard.get_by_role("link", name=re.compile("^Acme Robotics"))).to_be_visible()
    # A new owner is shown the first steps of their organization.
    expect(dashboard.get_by_text("Getting Acme Robotics started")).to_be_visible()


def test_a_wrong_password_shows_an_error_and_no_session(live_server, page):
    user = customer(email="ben@acme.example")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_text("not correct")).to_be_visible()
    assert "sessionid" not in {cookie["name"] for cookie in page.context.cookies()}
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
