"""The report's figures kept under the board stamps of the projects they read (issue 13).

A report's summary and page are two to four passes over the range's rollup rows; for a
large customer's year that is most of the page's time. Everything those passes read (the
hours rollup, tasks and their estimates, sprints, projects, and the names of experts and
organizations) is a table whose every change replaces a project's board stamp, by database
trigger, in the same transaction (``projects.board_stamp``). So the figures are kept under
one digest of the stamps of the projects whose hours the user may see (``hours_projects``:
the set changes with a membership, too), with:

- the settled spans meeting the range (a settlement changes the settled hours, not the
  rollup; the summary needs them anyway);
- the user and whether they see every tenant (staff in a verified session);
- the range, the filters, the grouping and the page asked for;
- this code's source, so a deploy that changes what is kept starts afresh.

The first view of a report costs what it did; another look (a reload, the next page, the
way back from a task) reads the stamps and the cache. The "by entry" view is not kept: it
shows each entry's description and lock, and no stamp follows an entry's description.
Nothing is kept that was read while the request's transaction had written (it could roll
back under a stamp that stays current). The stamps are read before the figures, so
figures are never older than the stamps they are kept under."""

import functools
import hashlib
from dataclasses import replace
from pathlib import Path

from django.core.cache import caches
from django.core.paginator import Page, Paginator

from projects.board_stamp import nothing_written_since, writes_so_far
from projects.selectors.stamps import board_stamps_digest
from timesheets.selectors import reports
from timesheets.selectors.common import hours_projects
from timesheets.selectors.reports import ReportFilter, report_summary, report_table, settled_spans

KEPT_GROUPS = ("project", "sprint", "expert", "task")
# An hour, not the board's six: a task view's figures hold every worked task's id (20,000
# for staff), and a busy customer's stamps change many times an hour, so most entries are
# dead long before six hours; what is worth keeping is the next page and the reload.
FIGURES_TTL = 3600


class _Counted:
    """Rows already paged: a paginator needs only their number."""

    def __init__(self, count: int):
        self._count = count

    def count(self) -> int:
        return self._count


def report_figures(
    *, user, report: ReportFilter, group: str, page_number, page_size: int
) -> tuple[dict, Page]:
    """The report's summary and the page asked for (``Paginator.get_page`` rules: a wrong
    number is the first page, one too far the last), from the cache when nothing they read
    has changed since they were kept."""
    if group not in KEPT_GROUPS:
        summary = report_summary(user=user, report=report, group=group)
        return summary, _page(user, report, group, summary, page_number, page_size)
    mark = writes_so_far()
    report = replace(report, settled=settled_spans(report))
    key = _figures_key(user=user, report=report, group=group)
    summary_key = f"{key}:summary"
    page_key = f"{key}:page:{hashlib.blake2b(repr(page_number).encode()).hexdigest()[:16]}"
    cache = caches["fragments"]
    found = cache.get_many([summary_key, page_key])
    new = {}
    summary = found.get(summary_key)
    if summary is None:
        summary = new[summary_key] = report_summary(user=user, report=report, group=group)
    figures = found.get(page_key)
    if figures is None:
        page = _page(user, report, group, summary, page_number, page_size)
        figures = new[page_key] = (list(page.object_list), page.number, page.paginator.count)
    if new and nothing_written_since(mark):
        cache.set_many(new, FIGURES_TTL)
    rows, number, count = figures
    return summary, Page(rows, number, Paginator(_Counted(count), page_size))


def _page(user, report: ReportFilter, group: str, summary: dict, page_number, page_size: int):
    rows = report_table(user=user, report=report, group=group, summary=summary)
    return Paginator(rows, page_size).get_page(page_number)


def _figures_key(*, user, report: ReportFilter, group: str) -> str:
    parts = (
        _code_digest(),
        board_stamps_digest(hours_projects(user)),
        user.pk,
        user.sees_everything,
        group,
        report.start,
        report.end,
        report.organization.pk if report.organization else None,
        report.project.pk if report.project else None,
        report.expert.pk if report.expert else None,
        report.settled,
    )
    return "report:" + hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


@functools.cache
def _code_digest() -> str:
    sources = (Path(reports.__file__), Path(__file__))
    return hashlib.blake2b(b"".join(path.read_bytes() for path in sources)).hexdigest()[:16]
