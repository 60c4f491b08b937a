"""Browser journey (R-PAYOUT): an expert requests a payout after re-authenticating; staff,
signed in with their authenticator, approve it and mark it paid in Django admin; the
expert's balance and history show it."""

import re

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from playwright.sync_api import expect

from tests.factories.accounts import PASSWORD, StaffFactory, expert
from tests.payments.payout_helpers import fund

# PostgreSQL: flushing a transaction=True test's ledger on SQLite hits its append-only guard.
pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _sign_in(page, base_url, user, code_secret=None):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    if code_secret:
        counters = list(yield_hotp_counters_from_time())
        code = format_hotp_value(hotp_value(code_secret, counters[len(counters) // 2]))
        page.get_by_label("Code").fill(code)
        page.get_by_role("button", name=re.compile("Sign In", re.I)).click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def _admin_action(page, base_url, label):
    page.goto(f"{base_url}/admin/payments/payoutrequest/")
    page.locator("input[name=_selected_action]").first.check()
    page.locator("select[name=action]").select_option(label=label)
    page.locator("button[name=index]").click()
    expect(page.locator(".messagelist")).to_contain_text("1")


def test_an_expert_requests_a_payout_and_staff_pay_it_in_admin(live_server, page, browser):
    eva = expert(user__email="eva@experts.example", user__first_name="Eva")
    fund(eva, "200.00", memo="Hours of weeks 1-2")
    staff = StaffFactory(email="staff@softwaresupp.example", is_superuser=True)
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)

    _sign_in(page, live_server.url, eva)
    page.get_by_role("link", name="Money").click()
    expect(page.get_by_test_id("available")).to_have_text("$200.00")
    page.get_by_role("link", name="Request a payout").click()
    # Moving money out asks for the password again first.
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.get_by_label("Amount (USD)").fill("75.00")
    page.get_by_label("Bank details").fill("DE89 3704 0044 0532 0130 00")
    page.get_by_role("button", name="Request payout").click()
    expect(page.get_by_test_id("available")).to_have_text("$125.00")
    expect(page.get_by_test_id("pending")).to_have_text("$75.00")
    expect(page.get_by_text("•••• 3000")).to_be_visible()

    staff_page = browser.new_context().new_page()
    _sign_in(staff_page, live_server.url, staff, code_secret=secret)
    _admin_action(staff_page, live_server.url, "Approve the selected payouts")
    _admin_action(staff_page, live_server.url, "Mark the selected payouts paid")

    page.reload()
    expect(page.get_by_test_id("available")).to_have_text("$125.00")
    expect(page.get_by_test_id("pending")).to_have_text("$0.00")
    expect(page.get_by_role("cell", name="Paid", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile(r"Payout #\d+ requested"))).to_be_visible()
    expect(page.get_by_role("cell", name="-75.00")).to_be_visible()
