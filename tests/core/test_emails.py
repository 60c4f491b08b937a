"""Issue 14, item 8: every email, allauth's included, is HTML + text, names the platform and
links back to the page it is about.

Each kind under ``templates/email`` (found by its ``_subject.txt``) is rendered through the
outbox's renderer with a context built from the names its templates use: a ``…url`` is a
page of the platform, an amount a Decimal, a ``…_at`` a moment, a ``…_on`` a day, a title
or name a plausible one, anything else an object of such values. A kind added later is
covered without editing this file; allauth's kinds are rendered with allauth's own context
names (activate_url, password_reset_url, code, ip, user_agent, timestamp)."""

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from accounts.models import User
from softwaresupp.notifications import (
    ACCOUNT_PAGES,
    Recipient,
    render_account_message,
    render_message,
)
from tests.factories.projects import ProjectFactory, WeeklySummaryFactory

EMAIL_DIR = Path(settings.BASE_DIR) / "templates" / "email"
KINDS = sorted(p.name.removesuffix("_subject.txt") for p in EMAIL_DIR.glob("*_subject.txt"))
SITE = "http://testserver"
RECIPIENT = Recipient(email="anna@acme.example", name="Anna Nowak", time_zone="Europe/Warsaw")
SCALARS = {"hours", "days", "status", "address", "weekly_hours", "bank_details"}
TEXT_NAMES = ("body", "note", "message", "comment", "description", "scope", "reason", "goal")


def realistic(name: str, path: str = ""):
    """A value of the kind the name says."""
    key = name.lower()
    here = f"{path}.{name}" if path else name
    if key.endswith("url"):
        return f"{SITE}/{here.replace('.', '/').replace('_url', '')}/7/"
    if key.startswith(("is_", "was_", "waiting", "over_", "by_staff")):
        return True
    if key in (
        "count",
        "more",
        "days",
        "pk",
        "id",
        "task_id",
        "silent_count",
        "recipient_count",
        "number",
    ):
        return 2 if key != "number" else "2026-0007"
    listed = key.endswith("s") and key not in SCALARS and not key.endswith("_hours")
    if listed or key in ("unestimated", "done") or key.startswith("missing_") or "_by_" in key:
        return [Thing(f"{here}.first"), Thing(f"{here}.second")]
    if re.search(r"amount|total|rate|hours|score|estimate|cap", key):
        return Decimal("12.50")
    if key.endswith("_at") or key in ("eta", "due", "timestamp", "oldest", "last_logged"):
        return datetime(2026, 7, 1, 10, 30, tzinfo=UTC)
    if key.endswith("_on") or key in ("week", "day"):
        return date(2026, 6, 29)
    if key.startswith("get_") and key.endswith("_display"):
        return "Active"
    if key in TEXT_NAMES or key.endswith("_note"):
        return "The export times out after 30 seconds.\nLogs are attached."
    if "email" in key:
        return "eva@experts.example"
    if key in ("stage", "state", "kind", "role"):
        return {"stage": "staging", "state": "accepted", "kind": "answer"}.get(key, "lead")
    if key in ("phone", "mailbox", "masked_bank_details", "bank_details_last4", "ip"):
        return {"ip": "192.0.2.1", "phone": "+48 600 100 200"}.get(key, "•••• 4242")
    if re.search(PEOPLE_AND_NAMES, key):
        return Named(f"Sample {name.replace('_', ' ')}", here)
    return Thing(here)


PEOPLE_AND_NAMES = (
    r"title|name|company|label|project|organization|expert|author|customer|asker|actor|"
    r"inviter|billed_to|by|user_agent|respondent|code|rule"
)


class Named(str):
    """A name that is also an object (``{{ expert }}`` and ``{{ expert.email }}``)."""

    def __new__(cls, text, path):
        named = super().__new__(cls, text)
        named._path = path
        return named

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return realistic(name, self._path)


class Thing:
    """An object whose attributes are realistic values; iterating it gives one such object
    (or a pair, for ``{% for a, b in … %}``)."""

    def __init__(self, path):
        self._path = path

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return realistic(name, self._path)

    def __iter__(self):
        return iter([Thing(f"{self._path}.first"), Thing(f"{self._path}.second")])

    def __len__(self):
        return 2

    def __getitem__(self, index):
        if isinstance(index, int) and index < 2:
            return (Decimal("45.00"), Decimal("3.50"))[index]
        if isinstance(index, str):
            return realistic(index, self._path)
        raise IndexError(index)

    def __str__(self):
        return f"Sample {self._path.split('.')[-1].replace('_', ' ')}"


NAME = re.compile(r"(?:{{|{%\s*(?:if|elif|for\s[\w\s,]+\sin|with)\s+(?:not\s+)?)\s*([a-z_]\w*)")
SKIP = {"forloop", "true", "false", "none", "not", "recipient", "site_url", "current_site"}


def context_for(*sources: str) -> dict:
    names = {m for source in sources for m in NAME.findall(source)} - SKIP
    return {name: realistic(name) for name in names}


def sources(kind: str) -> list[str]:
    files = [EMAIL_DIR / f"{kind}{suffix}" for suffix in ("_subject.txt", ".txt", ".html")]
    texts = [f.read_text() for f in files if f.exists()]
    included = re.findall(r'{% include "([^"]+)"', " ".join(texts))
    return texts + [(EMAIL_DIR.parent / name).read_text() for name in included]


def assert_looks_like_the_product(message: dict, kind: str):
    text, html = message["text"], message["html"]
    assert text.strip() and html.strip(), kind
    assert settings.SITE_NAME in text and settings.SITE_NAME in html, kind
    assert message["subject"].startswith(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX), kind
    assert "{{" not in text + html and "{%" not in text + html, kind
    pages = lambda part: {  # noqa: E731 - links to a page of the platform, not its home
        url for url in re.findall(rf"{SITE}/[\w/\-.?=&;]+", part) if url.rstrip("/") != SITE
    }
    assert pages(text), f"{kind}: the text part links to no page"
    linked = set(re.findall(rf'href="({SITE}/[^"]+)"', html))
    assert linked & pages(text) or linked - {f"{SITE}/"}, f"{kind}: the HTML links to no page"
    assert html.lstrip().lower().startswith("<!doctype html>"), f"{kind}: not in the layout"


@pytest.mark.parametrize("kind", KINDS)
def test_each_platform_email_is_html_and_text_with_the_name_and_a_link_back(kind, db):
    assert (EMAIL_DIR / f"{kind}.txt").exists(), f"{kind}.txt is missing"
    assert (EMAIL_DIR / f"{kind}.html").exists(), f"{kind}.html is missing"
    context = context_for(*sources(kind))
    if "project" in context or "summary" in context:  # template tags look these up
        context["project"] = ProjectFactory(name="Webshop")
    if re.search(r"\bsummary\b", " ".join(sources(kind))):
        context["summary"] = WeeklySummaryFactory(project=context["project"])
    message = render_message(kind, RECIPIENT, context)
    assert_looks_like_the_product(message, kind)


ALLAUTH = {
    "account/email/email_confirmation_signup": {
        "activate_url": f"{SITE}/accounts/confirm-email/k/"
    },
    "account/email/email_confirmation": {"activate_url": f"{SITE}/accounts/confirm-email/k/"},
    "account/email/password_reset_key": {
        "password_reset_url": f"{SITE}/accounts/password/reset/key/1-k/"
    },
    "account/email/unknown_account": {"signup_url": f"{SITE}/accounts/signup/"},
    "account/email/account_already_exists": {
        "password_reset_url": f"{SITE}/accounts/password/reset/",
        "signup_url": f"{SITE}/accounts/signup/",
    },
    **{prefix: {} for prefix in ACCOUNT_PAGES},
    "account/email/login_code": {"code": "Q7XK2M"},
    "account/email/password_reset_code": {"code": "Q7XK2M"},
}
NOTIFICATION = {
    "ip": "192.0.2.1",
    "user_agent": "Firefox",
    "timestamp": datetime(2026, 7, 1, 10, 30, tzinfo=UTC),
    "from_email": "old@acme.example",
    "to_email": "anna@acme.example",
    "deleted_email": "old@acme.example",
}


@pytest.mark.parametrize("prefix", sorted(ALLAUTH))
def test_each_allauth_email_is_html_and_text_with_the_name_and_a_link_back(prefix, db):
    user = User(email=RECIPIENT.email, first_name="Anna", last_name="Nowak")
    context = {"email": RECIPIENT.email, "user": user, **NOTIFICATION, **ALLAUTH[prefix]}
    assert_looks_like_the_product(render_account_message(prefix, RECIPIENT, context), prefix)


def test_a_notification_links_to_its_account_page(db):
    message = render_account_message("account/email/password_changed", RECIPIENT, NOTIFICATION)
    assert f"{SITE}/accounts/password/change/" in message["text"]
    assert f'href="{SITE}/accounts/password/change/"' in message["html"]
