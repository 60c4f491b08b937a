"""Browser journey (R-NPS): a customer opens the score link from the weekly email, confirms
the score with a comment, and staff, signed in with their authenticator, see it in the
figures."""

import re
import time
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from projects.models import Assignment
from softwaresupp.outbox import outbox_relay
from surveys.models import Survey
from surveys.services import surveys_send
from tests.browser import watch_csp_violations
from tests.factories.accounts import PASSWORD, OrganizationFactory, StaffFactory, customer, expert
from tests.factories.projects import ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _score_link(recipient: str, score: int, base_url: str) -> str:
    """The emailed link of one score, on the live server."""
    outbox_relay()  # if the relay has not run yet
    message = next(m for m in mail.outbox if m.to == [recipient])
    url = re.search(rf"^{score}: (\S+)$", message.body, re.M).group(1)
    parts = urlsplit(url)
    return f"{base_url}{parts.path}?{parts.query}"


def _staff_with_authenticator():
    staff = StaffFactory(email="staff@softwaresupp.example")
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    return staff, secret


def _current_code(secret: str) -> str:
    # Not in a period's last 5 seconds: on a loaded machine the code could expire between
    # being typed and being checked (CI failed so, waiting for the page after sign-in).
    while time.time() % 30 > 25:
        time.sleep(0.5)
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def test_a_customer_answers_from_the_email_and_staff_see_it_in_the_figures(
    live_server, page, browser
):
    acme = OrganizationFactory(name="Acme Robotics")
    robots = ProjectFactory(organization=acme, name="Warehouse robots")
    eva = expert(user__first_name="Eva", user__last_name="Nowak")
    Assignment.objects.create(
        project=robots, expert=eva, starts_on=timezone.localdate() - timedelta(days=30)
    )
    anna = customer(acme, email="anna@acme.example")
    staff, secret = _staff_with_authenticator()
    assert surveys_send() == 1

    # The customer follows the "9" link of the email: the page has 9 chosen, nothing saved.
    page.goto(_score_link(anna.email, 9, live_server.url))
    expect(page.get_by_label("9", exact=True)).to_be_checked()
    assert Survey.objects.get().score is None
    page.get_by_label(re.compile("tell us")).fill("Quick answers, <b>great</b> robots")
    page.get_by_test_id("nps-submit").click()
    expect(page.get_by_text("your answer is recorded")).to_be_visible()
    assert (Survey.objects.get().score, Survey.objects.get().comment) == (
        9,
        "Quick answers, <b>great</b> robots",
    )

    # Staff sign in with password and authenticator code, then open NPS from the top bar.
    staff_page = browser.new_context().new_page()
    violations = watch_csp_violations(staff_page)
    staff_page.goto(f"{live_server.url}/accounts/login/")
    staff_page.get_by_label("Email").fill(staff.email)
    staff_page.get_by_label("Password").fill(PASSWORD)
    staff_page.get_by_role("button", name="Sign In").click()
    staff_page.get_by_label("Code").fill(_current_code(secret))
    staff_page.get_by_role("button", name=re.compile("Sign In", re.I)).click()
    staff_page.get_by_role("link", name="NPS", exact=True).click()

    expect(staff_page.get_by_test_id("nps-score")).to_have_text("100")
    comments = staff_page.get_by_test_id("nps-comments")
    expect(comments).to_contain_text("Quick answers, <b>great</b> robots")
    expect(comments).to_contain_text("Acme Robotics")
    expect(comments).to_contain_text("Warehouse robots")
    expect(staff_page.get_by_test_id("nps-experts")).to_contain_text("Eva Nowak")
    expect(staff_page.get_by_test_id("nps-trend").locator("circle")).to_have_count(1)
    assert not violations
