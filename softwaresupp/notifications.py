"""The one way the platform sends email.

Each message has three templates under ``templates/email/``: ``<name>_subject.txt``,
``<name>.txt`` and ``<name>.html``. Messages are rendered now, per recipient, in the
recipient's time zone, and written to the outbox in the caller's transaction
(``softwaresupp.outbox``): a rolled-back change sends nothing, a committed one is relayed
after the commit, and a request never waits on SMTP or the broker.

Subjects and text bodies are plain text: they are rendered without HTML escaping.
"""

import uuid
from dataclasses import dataclass
from functools import cache
from types import SimpleNamespace
from urllib.parse import urlsplit

from django.conf import settings
from django.template import TemplateDoesNotExist
from django.template.backends.django import DjangoTemplates
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from softwaresupp.outbox import outbox_add


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str = ""
    time_zone: str = "UTC"

    @classmethod
    def of(cls, person) -> "Recipient":
        if isinstance(person, Recipient):
            return person
        if isinstance(person, str):
            return cls(email=person)
        return cls(email=person.email, name=person.get_full_name(), time_zone=person.time_zone)


def current_site() -> SimpleNamespace:
    """The site as allauth's templates name it ("Hello from {{ current_site.name }}!")."""
    return SimpleNamespace(name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)


@cache
def plain_text_engine() -> DjangoTemplates:
    """The project's templates without autoescaping: subjects and text bodies are not HTML,
    so "A & B" stays "A & B"."""
    project = settings.TEMPLATES[0]
    return DjangoTemplates(
        {
            "NAME": "plain-text",
            "DIRS": project["DIRS"],
            "APP_DIRS": project["APP_DIRS"],
            "OPTIONS": {"autoescape": False},
        }
    )


def render_parts(
    recipient: Recipient, context: dict, *, subject: str, text: str, html: str | None
) -> dict:
    """Render one message from its three template names in the recipient's time zone.
    ``html=None`` shows the text body in the shared email layout."""
    ctx = {
        "site_url": settings.SITE_URL,
        "current_site": current_site(),
        "recipient": recipient,
        **context,
    }
    plain = plain_text_engine()
    with timezone.override(recipient.time_zone):
        subject_line = plain.get_template(subject).render(ctx)
        body = plain.get_template(text).render(ctx).strip()
        if html is None:
            html_body = render_to_string("email/text_as_html.html", {**ctx, "text": body})
        else:
            html_body = render_to_string(html, ctx)
    # The page the message is about, when the template does not link it itself (the HTML
    # layout shows it as a button).
    page_url = ctx.get("page_url")
    if page_url and page_url not in body:
        body += f"\n\n{ctx.get('page_label') or 'Open the page'}: {page_url}"
    # Both parts are signed with the platform's name and address, as the HTML layout is.
    body += f"\n\n-- \n{settings.SITE_NAME} · {settings.SITE_URL}/\n"
    return {
        "subject": settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject_line.split()),
        "to": recipient.email,
        "text": body,
        "html": html_body,
    }


def render_message(template: str, recipient: Recipient, context: dict) -> dict:
    return render_parts(
        recipient,
        context,
        subject=f"email/{template}_subject.txt",
        text=f"email/{template}.txt",
        html=f"email/{template}.html",
    )


# The page each of allauth's messages is about, linked from both parts ("a link back").
ACCOUNT_PAGES = {
    "account/email/password_changed": ("account_change_password", "Your password settings"),
    "account/email/password_set": ("account_change_password", "Your password settings"),
    "account/email/password_reset": ("account_reset_password", "Reset your password"),
    "account/email/email_changed": ("account_email", "Your email addresses"),
    "account/email/email_deleted": ("account_email", "Your email addresses"),
    "account/email/email_confirm": ("account_email", "Your email addresses"),
    "account/email/login_code": ("account_login", "Sign in"),
    "account/email/password_reset_code": ("account_reset_password", "Reset your password"),
    "account/email/unknown_account": ("account_login", "Sign in"),
    "account/email/account_already_exists": ("account_login", "Sign in"),
    "mfa/email/totp_activated": ("mfa_index", "Two-factor authentication"),
    "mfa/email/totp_deactivated": ("mfa_index", "Two-factor authentication"),
    "mfa/email/recovery_codes_generated": ("mfa_index", "Two-factor authentication"),
    "mfa/email/webauthn_added": ("mfa_index", "Two-factor authentication"),
    "mfa/email/webauthn_removed": ("mfa_index", "Two-factor authentication"),
}


def render_account_message(prefix: str, recipient: Recipient, context: dict) -> dict:
    """allauth's messages (``<prefix>_subject.txt``, ``_message.txt``, ``_message.html``);
    those without an HTML template show their text in the shared layout. Each links to
    the account page it is about (``ACCOUNT_PAGES``) unless it carries its own link."""
    if prefix in ACCOUNT_PAGES and "page_url" not in context:
        name, label = ACCOUNT_PAGES[prefix]
        context = {**context, "page_url": absolute_url(reverse(name)), "page_label": label}
    html = f"{prefix}_message.html"
    try:
        plain_text_engine().get_template(html)
    except TemplateDoesNotExist:
        html = None
    return render_parts(
        recipient, context, subject=f"{prefix}_subject.txt", text=f"{prefix}_message.txt", html=html
    )


def notify(
    *,
    template: str,
    recipients,
    context: dict,
    key: str | None = None,
    per_time_zone: bool = False,
) -> int:
    """Write one outbox row per distinct recipient address in the caller's transaction;
    returns how many were written or already there.

    ``key`` names the cause (e.g. ``"query_warning:<query ids>"``): a cause already queued
    for a recipient is not queued again, so a job that runs twice sends once. Without it
    each call is a cause of its own. ``per_time_zone``: the templates do not name the
    recipient, so the message is rendered once per time zone and shared (the alert job's
    waves send one text to many people)."""
    seen, messages, rendered = set(), [], {}
    for person in recipients:
        recipient = Recipient.of(person)
        if not recipient.email or recipient.email.lower() in seen:
            continue
        seen.add(recipient.email.lower())
        if not per_time_zone:
            messages.append(render_message(template, recipient, context))
            continue
        if recipient.time_zone not in rendered:
            rendered[recipient.time_zone] = render_message(template, recipient, context)
        messages.append({**rendered[recipient.time_zone], "to": recipient.email})
    cause = key or f"{template}:{uuid.uuid4().hex}"
    return len(outbox_add(template=template, cause=cause, messages=messages))
