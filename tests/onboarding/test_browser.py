"""Browser journey (R-MATCH, R-WELCOME, R-SECRET): a customer posts, two experts offer, the
customer chooses one; the chosen expert asks for a credential, the customer submits it
through the one-time link, and the expert reveals it after re-authenticating."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from onboarding.models import Offer
from projects.models import Assignment
from softwaresupp.models import Event, OutboxMessage
from tests.browser import watch_csp_violations
from tests.factories.accounts import PASSWORD, ExpertProfileFactory, SkillFactory, customer
from tests.factories.projects import ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECRET = "vault-plaintext-browser-42"


def _sign_in(page, base_url, user):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def _offer(browser, base_url, expert, rate):
    page = browser.new_context().new_page()
    _sign_in(page, base_url, expert)
    page.get_by_role("link", name="Postings").click()
    page.get_by_role("link", name="Shop migration").click()
    page.get_by_label("Hourly rate (USD)").fill(rate)
    page.get_by_label("Availability (h/week)").fill("20")
    page.get_by_label("Can start on").fill(timezone.now().date().isoformat())
    page.get_by_label("Estimate (hours)").fill("80")
    page.get_by_label("Experience").fill("Moved three shops to Django.")
    page.get_by_role("button", name="Send offer").click()
    expect(page.get_by_test_id("own-offer-status")).to_have_text("Sent")
    return page


def test_post_offer_choose_request_submit_and_reveal(live_server, page, browser):
    base = live_server.url
    django_skill = SkillFactory(name="Django")
    owner = customer(email="anna@acme.example", first_name="Anna")
    organization = owner.memberships.get().organization
    project = ProjectFactory(organization=organization, name="Shop")
    eva = ExpertProfileFactory(
        user__email="eva@experts.example", user__first_name="Eva", skills=[django_skill]
    ).user
    sofia = ExpertProfileFactory(
        user__email="sofia@experts.example", user__first_name="Sofia", skills=[django_skill]
    ).user
    violations = watch_csp_violations(page)

    _sign_in(page, base, owner)
    page.get_by_role("link", name="Postings").click()
    page.get_by_role("link", name="Post a project").click()
    page.get_by_label("Project").select_option(label=project.name)
    page.get_by_label("Title").fill("Shop migration")
    page.get_by_label("Scope").fill("Move the shop to Django.")
    page.get_by_label("Django").check()
    page.get_by_label("Hours per week").fill("20")
    page.get_by_label("Start date").fill(timezone.now().date().isoformat())
    page.get_by_role("button", name="Post").click()
    expect(page.get_by_text("matching experts will be emailed")).to_be_visible()
    posting_url = page.url

    eva_page = _offer(browser, base, eva, "80.00")
    _offer(browser, base, sofia, "95.00")

    page.goto(posting_url)
    expect(page.get_by_test_id("offers").locator("tbody tr")).to_have_count(2)
    page.get_by_test_id("choose-eva@experts.example").click()
    expect(page.get_by_text("is your expert")).to_be_visible()
    assert Assignment.objects.get(project=project).expert == eva
    assert Offer.objects.get(expert=sofia).status == Offer.Status.DECLINED
    assert OutboxMessage.objects.filter(template__startswith="welcome_").count() == 2

    eva_page.goto(f"{base}/orgs/{organization.slug}/onboarding/")
    eva_page.get_by_role("link", name="Request a credential").click()
    eva_page.get_by_label("Tool").fill("Shop admin")
    eva_page.get_by_role("button", name="Request").click()
    expect(eva_page.get_by_text("the customer gets a link")).to_be_visible()

    link = re.search(
        r"https?://\S+/vault/requests/\S+/",
        OutboxMessage.objects.get(template="onboarding_credential_request").text,
    ).group(0)
    page.goto(base + link[link.index("/vault/") :])
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password or key").fill(SECRET)
    page.get_by_role("button", name="Store securely").click()
    expect(page.get_by_text("the expert is told")).to_be_visible()

    eva_page.goto(f"{base}/orgs/{organization.slug}/onboarding/")
    eva_page.get_by_role("link", name="Shop admin").first.click()
    eva_page.get_by_test_id("reveal").click()
    expect(eva_page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    eva_page.get_by_label("Password").fill(PASSWORD)
    eva_page.get_by_role("button", name="Confirm").click()
    expect(eva_page.get_by_test_id("password")).to_have_text(SECRET)
    assert Event.objects.filter(verb="credential revealed", actor=eva).count() == 1

    page.goto(f"{base}/vault/{Event.objects.get(verb='credential revealed').target_id}/")
    expect(page.get_by_test_id("reveal-log")).to_contain_text("Eva")
    assert violations == []
