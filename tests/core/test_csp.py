"""Content-Security-Policy: the header every page carries, and templates that need nothing
inline (no script blocks, no event-handler attributes)."""

import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from tests.factories.accounts import customer

TEMPLATES = Path(settings.BASE_DIR) / "templates"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
STYLE_BLOCK = re.compile(r"<style[\s>]", re.I)


def _directives(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


def test_every_page_carries_the_policy(client, db):
    client.force_login(customer())
    directives = _directives(client.get(reverse("dashboard")))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert directives["base-uri"] == "'self'"
    assert "unsafe" not in " ".join(directives.values())


def test_the_sign_in_page_carries_it_too(client, db):
    assert "frame-ancestors 'none'" in client.get("/accounts/login/")["Content-Security-Policy"]


def test_templates_have_no_inline_scripts_styles_nor_event_handlers():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        if "email" in path.parts:
            continue  # mail clients, not browsers under the policy
        text = path.read_text()
        text = re.sub(r"{#.*?#}", "", text)
        if INLINE_SCRIPT.search(text) or HANDLER.search(text) or STYLE_BLOCK.search(text):
            offenders.append(str(path.relative_to(TEMPLATES)))
    assert offenders == []


def test_templates_have_no_style_attributes_outside_the_emailed_summary():
    offenders = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if "email" not in path.parts
        and path.name != "_summary_body.html"
        and " style=" in path.read_text()
    ]
    assert offenders == []


def test_htmx_is_told_not_to_inject_styles_nor_eval(client, db):
    client.force_login(customer())
    html = client.get(reverse("dashboard")).content.decode()
    assert '"includeIndicatorStyles": false' in html
    assert '"allowEval": false' in html
