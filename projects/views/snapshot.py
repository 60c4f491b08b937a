"""The board page's parts cached under the project's board stamp (issue 13).

The cards are cached by their content (``projects.views.cards``), but finding out what
they are still costs the board's queries, and each panel costs its own. The stamp
(``projects.models.BoardStamp``) is replaced by database triggers whenever anything these
parts show changes (``projects.board_stamp``), and it arrives with the project's own row,
so a board that has not changed since the viewer's last look is served from one cache
read: no sprint, task, hours, query, update or plan query.

A part's key holds the stamp, the project and its status, the viewer and what they may
do, the board's address (its filters), the project's week, the minute and time zone
(the panels say "in 12 minutes", "3 hours ago") and the source of every template a part
is drawn from. What differs per viewer beyond that (the survey panel, the messages) is
drawn live, and the CSRF token is a slot filled per response.

Never stored: parts drawn while the request's own transaction has written (they may show
rows that roll back, under a stamp that stays current), and parts of a board with no stamp
yet (nothing committed on PostgreSQL; the first change creates it)."""

import functools

from django.conf import settings
from django.core.cache import caches
from django.utils import timezone

from projects.board_stamp import nothing_written_since, writes_so_far
from projects.services.sprints import week_wanted
from projects.views.cards import FRAGMENT_TTL, RENDERING, fragment_key, template_with_digest

SNAPSHOT_TEMPLATES = (
    "projects/board.html",
    "projects/_board.html",
    "projects/_columns.html",
    "projects/_card.html",
    "projects/_project_nav.html",
    "leads/board_panel.html",
    "queries/board_panel.html",
    "queries/_state.html",
    "partials/empty.html",
)


class BoardSnapshot:
    """The cached parts of one board for one viewer; ``part`` returns a part from the cache
    or draws it (and keeps it for ``save``)."""

    def __init__(self, key: str | None = None):
        self.key = key
        self.found = caches["fragments"].get(key) if key else None
        self.rendered: dict[str, str] = {}
        self._changes = writes_so_far()

    def part(self, name: str, draw) -> str:
        if self.found and name in self.found:
            return self.found[name]
        html = draw()
        self.rendered[name] = html
        return html

    def save(self) -> None:
        if not self.key or not self.rendered or not nothing_written_since(self._changes):
            return
        caches["fragments"].set(self.key, {**(self.found or {}), **self.rendered}, FRAGMENT_TTL)


def _templates_digest() -> tuple[str, ...]:
    """The sources of the parts' templates: an edited template is a new key. Read once per
    process unless DEBUG (elsewhere templates change only with a deploy, which restarts it)."""
    return _read_digests() if settings.DEBUG else _digests_of_this_process()


def _read_digests() -> tuple[str, ...]:
    return tuple(template_with_digest(name)[1] for name in SNAPSHOT_TEMPLATES)


_digests_of_this_process = functools.cache(_read_digests)


def board_snapshot(request, *, project, access, board_url: str) -> BoardSnapshot:
    """The snapshot of this board for this viewer (an empty one when the board has no
    stamp yet)."""
    stamp = getattr(project, "board_stamp", None)
    if not stamp:
        return BoardSnapshot()
    key = fragment_key(
        "board",
        RENDERING,
        _templates_digest(),
        project.pk,
        stamp,
        project.status,
        request.user.pk,
        access,
        board_url,
        week_wanted(project),
        timezone.now().strftime("%Y-%m-%d %H:%M"),
        timezone.get_current_timezone_name(),
    )
    return BoardSnapshot(key)
