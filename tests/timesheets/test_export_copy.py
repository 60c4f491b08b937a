"""The CSV export by COPY on PostgreSQL gives the same bytes as the Python writer (issue 13,
item 3); the reports' totals from the rollup equal the entries'; large filter lists become
a search (item 2)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from projects.models import Assignment
from tests.factories.accounts import StaffFactory, expert, login_verified_staff
from tests.factories.projects import TaskFactory
from tests.factories.timesheets import TimeEntryFactory
from timesheets import exports, selectors
from timesheets.models import SettledPeriod, TimeEntry
from timesheets.selectors import ReportFilter
from timesheets.selectors.reports import SEARCH_MATCHES

NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
REPORT = reverse("timesheets:report")
CHOICES = reverse("timesheets:report_choices")
RANGE = ReportFilter(start=date(2026, 3, 2), end=date(2026, 3, 15))

# What a spreadsheet or a CSV parser could trip on: separators, quotes, line breaks inside
# a value (both kinds), formulas (=, +, -, @, a leading tab or carriage return), empty text,
# other alphabets.
AWKWARD = [
    "plain",
    "",
    "comma, inside",
    'a "quoted" word',
    "two\nlines",
    "windows\r\nline",
    '=HYPERLINK("http://evil")',
    "+1",
    "-2",
    "@sum",
    "\tlead tab",
    "\rlead return",
    "zażółć gęślą jaźń",
    '"',
    "trailing newline\n",
]


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def awkward(team):
    """Entries whose descriptions and titles carry every awkward value, some settled."""
    for n, text in enumerate(AWKWARD):
        task = TaskFactory(project=team.project, title=f"{text} task {n}", estimate_hours=None)
        TimeEntryFactory(
            expert=team.expert,
            task=task,
            day=date(2026, 3, 2 + n % 9),
            hours=Decimal("0.25") * (n + 1),
            description=text,
        )
    return team


def _python_bytes(user, group) -> bytes:
    return "".join(exports.python_chunks(user=user, report_filter=RANGE, group=group)).encode()


@pytest.mark.postgres
@pytest.mark.parametrize("group", ["entry", "task"])
def test_given_awkward_values_then_copy_gives_the_python_writers_bytes(awkward, group):
    rows = selectors.report_rows(user=awkward.customer, report=RANGE, group=group)

    copied = b"".join(exports.copy_chunks(rows, exports.EXPORT_COLUMNS[group]))

    assert copied == _python_bytes(awkward.customer, group)
    assert copied.count(b"\r\n") >= len(AWKWARD) + 1  # every row ends as csv.writer's do


@pytest.mark.postgres
def test_given_a_postgresql_export_then_the_view_streams_copy_and_counts_it(awkward, client):
    client.force_login(awkward.customer)
    params = {"start": "2026-03-02", "end": "2026-03-15", "group": "entry"}

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("timesheets:export"), params)
        body = b"".join(response.streaming_content)

    assert body == _python_bytes(awkward.customer, "entry")
    assert any(query["sql"].startswith("COPY (SELECT") for query in queries.captured_queries)


@pytest.mark.postgres
def test_given_the_client_leaves_mid_export_then_the_copy_stops(awkward, monkeypatch):
    monkeypatch.setattr(exports, "EXPORT_CHUNK", 16)  # a chunk per row or so
    rows = selectors.report_rows(user=awkward.customer, report=RANGE, group="entry")
    chunks = exports.copy_chunks(rows, exports.EXPORT_COLUMNS["entry"])

    next(chunks)
    chunks.close()  # what the server does when the client goes away

    assert TimeEntry.objects.count() == len(AWKWARD)  # the connection still answers


@pytest.mark.parametrize(
    ("pieces", "expected"),
    [
        ([b"a,b\nc,d\n"], b"a,b\r\nc,d\r\n"),
        ([b'a,"x\ny"\n'], b'a,"x\ny"\r\n'),
        ([b'a,"x', b'\ny"\nb,', b'""\n'], b'a,"x\ny"\r\nb,""\r\n'),
        ([b'a,"say ""hi""\n', b'there"\n'], b'a,"say ""hi""\nthere"\r\n'),
    ],
)
def test_copys_line_ends_become_the_writers_outside_quoted_values_only(pieces, expected):
    quoted, out = False, b""
    for piece in pieces:
        converted, quoted = exports.crlf_line_ends(piece, quoted)
        out += converted
    assert out == expected
    assert quoted is False


def test_the_summary_from_the_rollup_equals_the_entries(awkward):
    SettledPeriod.objects.create(starts_on=date(2026, 2, 23), ends_on=date(2026, 3, 4))
    entries = TimeEntry.objects.filter(day__range=(RANGE.start, RANGE.end))

    summary = selectors.report_summary(user=awkward.customer, report=RANGE)

    assert summary["hours"] == entries.aggregate(total=Sum("hours"))["total"]
    assert summary["settled"] == entries.settled().aggregate(total=Sum("hours"))["total"]
    assert summary["settled"] > 0
    assert summary["entries"] == entries.count() == len(AWKWARD)
    assert summary["tasks"] == entries.values("task").distinct().count()
    assert summary["experts"] == 1
    assert summary["projects"] == 1


# --- large filter lists become a search (htmx, and without JavaScript) -----------------


@pytest.fixture
def crowd(team):
    """Staff, and 60 experts on the project: more than a dropdown shows."""
    for n in range(60):
        person = expert(user__email=f"person{n}@experts.example", user__first_name=f"Person{n}")
        Assignment.objects.create(project=team.project, expert=person, starts_on=date(2026, 1, 1))
    team.staff = StaffFactory()
    return team


def test_given_more_experts_than_a_list_shows_then_the_filter_is_a_search(crowd, client):
    login_verified_staff(client, crowd.staff)

    html = client.get(REPORT).content.decode()

    assert 'name="expert_q"' in html and 'data-testid="search-expert"' in html
    assert "person42@experts.example" not in html  # not one option per expert
    assert 'name="project_q"' not in html  # one project: still a plain list


def test_given_typed_text_without_javascript_then_the_matches_are_listed(crowd, client):
    login_verified_staff(client, crowd.staff)

    html = client.get(REPORT, {"expert_q": "person4"}).content.decode()

    assert "Person42" in html and "Person4 " in html
    assert "Person13" not in html


def test_given_a_chosen_expert_then_the_search_keeps_it_and_filters_by_it(crowd, client):
    login_verified_staff(client, crowd.staff)
    chosen = User.objects.get(email="person7@experts.example")

    response = client.get(REPORT, {"expert": chosen.pk})

    assert response.context["report"].expert == chosen
    assert f'<option value="{chosen.pk}" selected>' in response.content.decode()


def test_the_htmx_search_answers_options_the_user_may_see(crowd, client):
    login_verified_staff(client, crowd.staff)

    html = client.get(CHOICES, {"field": "expert", "expert_q": "person1"}).content.decode()

    assert html.startswith('<option value="">All experts</option>')
    assert "Person1 " in html and "Person15" in html and "Person2 " not in html
    assert html.count("<option") <= 1 + SEARCH_MATCHES


def test_a_customer_searching_finds_only_experts_on_their_projects(crowd, client):
    outsider = expert(user__email="outsider@experts.example", user__first_name="Person99")
    client.force_login(crowd.customer)

    html = client.get(CHOICES, {"field": "expert", "expert_q": "person9"}).content.decode()

    assert "Person9 " in html and "outsider@experts.example" not in html
    assert outsider.first_name not in html.replace("Person9 ", "")


def test_an_unknown_filter_is_404(crowd, client):
    client.force_login(crowd.customer)
    assert client.get(CHOICES, {"field": "password"}).status_code == 404
