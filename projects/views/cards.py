"""The board's cards as HTML: each card is rendered once per distinct content and kept in
the fragments cache, and so are the columns made of them: a board of 300 cards that has not
changed costs one cache read instead of 300 template renders (issue 13).

A card's key is a digest of everything its HTML is made from: the card's values
(``projects.selectors.board.Card``), its column, what the viewer may do on it, the board's
address (the forms' "next") and the card template's source. Nothing has to invalidate a
cached card: a changed task, hours, release or viewer right is a different key, and unused
keys expire. The CSRF token is never cached: the card holds a slot that each response fills
with the viewer's token (``csrf_fill``)."""

import hashlib
import re
from functools import lru_cache

from django.core.cache import caches
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

CARD_TEMPLATE = "projects/_card.html"
COLUMNS_TEMPLATE = "projects/_columns.html"
FRAGMENT_TTL = 6 * 3600
# Part of every key: change it when this module changes how it renders (a template's own
# changes are in the key already, by its source).
RENDERING = 2
# Stands for the CSRF field in a cached card. Escaped text cannot contain "<", so only a
# template can write it.
CSRF_SLOT = "<!--csrf-field-->"


@lru_cache(maxsize=8)
def _source_digest(source: str) -> str:
    return hashlib.blake2b(source.encode(), digest_size=8).hexdigest()


def template_with_digest(name: str):
    """The template and a digest of its source: an edited template is a new key."""
    template = get_template(name)
    return template, _source_digest(template.template.source)


# Indentation and blank lines left by template tags: a third of a card's bytes. A run of
# whitespace with a line break becomes one line break, which HTML shows as the space it
# showed before (the card and columns hold no <pre> or <textarea>).
_LAYOUT_WHITESPACE = re.compile(r"[ \t]*\n\s*")


def _compact(html: str) -> str:
    return _LAYOUT_WHITESPACE.sub("\n", html)


def fragment_key(kind: str, *parts) -> str:
    digest = hashlib.blake2b(repr((RENDERING, parts)).encode(), digest_size=16)
    return f"{kind}:{digest.hexdigest()}"


def board_columns_render(board, *, project, access, user, board_url: str) -> None:
    """Set ``board.columns_html``: the columns as one cached fragment, keyed by the keys of
    their cards in order; when the board changed, only the changed cards are rendered."""
    card_template, card_version = template_with_digest(CARD_TEMPLATE)
    columns_template, columns_version = template_with_digest(COLUMNS_TEMPLATE)
    can_triage = access.can_triage and not project.is_closed
    planned = []
    for column in (board.backlog, *board.columns):
        for card in column.tasks:
            can_take = can_triage and access.is_expert and card.assignee_id != user.pk
            key = fragment_key(
                "card", card_version, card, column.key, can_triage, can_take, board_url
            )
            planned.append((column, card, key, can_take))
    columns_key = fragment_key(
        "columns", columns_version, can_triage, [(column.key, key) for column, _, key, _ in planned]
    )
    fragments = caches["fragments"]
    html = fragments.get(columns_key)
    if html is None:
        _cards_render(planned, card_template, can_triage=can_triage, board_url=board_url)
        html = _compact(columns_template.render({"board": board, "can_triage": can_triage}))
        fragments.set(columns_key, html, FRAGMENT_TTL)
    board.columns_html = mark_safe(html)


def _cards_render(planned, template, *, can_triage: bool, board_url: str) -> None:
    fragments = caches["fragments"]
    found = fragments.get_many([key for _, _, key, _ in planned]) if planned else {}
    rendered = {}
    slot = mark_safe(CSRF_SLOT)
    for column, card, key, can_take in planned:
        html = found.get(key) or rendered.get(key)
        if html is None:
            html = _compact(
                template.render(
                    {
                        "task": card,
                        "column": column,
                        "can_triage": can_triage,
                        "can_take": can_take,
                        "board_url": board_url,
                        "csrf_field": slot,
                    }
                )
            )
            rendered[key] = html
        column.cards_html.append(mark_safe(html))
    if rendered:
        fragments.set_many(rendered, FRAGMENT_TTL)


def csrf_fill(request, html: str) -> str:
    """The viewer's CSRF field in every slot of cached cards."""
    if CSRF_SLOT not in html:
        return html
    field = format_html(
        '<input type="hidden" name="{}" value="{}">',
        "csrfmiddlewaretoken",
        get_token(request),
    )
    return html.replace(CSRF_SLOT, field)
