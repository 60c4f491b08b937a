"""Issue 14, the timesheet in daily use: a saved or refused state per cell, a note per cell
that is its entry's description, a cell with several entries linking to them, "copy last
week's rows", the timer (quarter hours, rounded up), the day view on a phone (R-TIMESHEET)."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from projects.models import Assignment, Task
from tests.factories.projects import ProjectFactory, TaskFactory
from tests.factories.timesheets import TimeEntryFactory
from timesheets.models import RunningTimer, TimeEntry
from timesheets.services import timer_hours, timer_start, timer_stop

# Wednesday 11 March 2026; the week runs Monday 9 – Sunday 15 March.
NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
WEEK = reverse("timesheets:week")
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def signed_in(client, team, clock):
    client.force_login(team.expert)
    return client


def _cell(task, day: str) -> str:
    return f"cell-{task.pk}-{day}"


def _note(task, day: str) -> str:
    return f"note-{task.pk}-{day}"


class TestCellState:
    def test_a_saved_cell_says_so_and_a_refused_one_says_why(self, signed_in, team):
        name = _cell(team.task, "2026-03-10")
        html = signed_in.post(WEEK, {name: "2"}, **HTMX, HTTP_HX_TRIGGER_NAME=name).content.decode()
        assert f'data-testid="saved-{name}"' in html and "is-valid" in html
        html = signed_in.post(
            WEEK, {name: "1:20"}, **HTMX, HTTP_HX_TRIGGER_NAME=name
        ).content.decode()
        assert f'data-testid="saved-{name}"' not in html
        assert "is-invalid" in html and "quarter hours" in html
        assert TimeEntry.objects.get().hours == Decimal("2")

    def test_the_save_week_button_is_only_for_pages_without_javascript(self, signed_in, team):
        html = signed_in.get(WEEK).content.decode()
        assert 'class="btn btn-primary btn-sm js-hidden" data-testid="save-week"' in html
        # Without JavaScript the week is still one form that saves every cell.
        response = signed_in.post(WEEK, {_cell(team.task, "2026-03-09"): "1.5"})
        assert response.status_code == 302
        assert TimeEntry.objects.get().hours == Decimal("1.5")


class TestCellNote:
    def test_a_note_typed_with_the_hours_becomes_the_entrys_description(self, signed_in, team):
        name, note = _cell(team.task, "2026-03-10"), _note(team.task, "2026-03-10")
        signed_in.post(
            WEEK, {name: "2", note: "Gripper calibration"}, **HTMX, HTTP_HX_TRIGGER_NAME=note
        )
        assert TimeEntry.objects.get().description == "Gripper calibration"

    def test_changing_only_the_note_changes_the_description_not_the_hours(self, signed_in, team):
        entry = TimeEntryFactory(
            expert=team.expert, task=team.task, day=date(2026, 3, 10), hours=2, description=""
        )
        name, note = _cell(team.task, "2026-03-10"), _note(team.task, "2026-03-10")
        html = signed_in.get(WEEK).content.decode()
        assert f'name="{note}"' in html
        response = signed_in.post(
            WEEK, {name: "2", note: "Reviewed the PR"}, **HTMX, HTTP_HX_TRIGGER_NAME=note
        )
        entry.refresh_from_db()
        assert (entry.hours, entry.description) == (Decimal("2"), "Reviewed the PR")
        assert "Reviewed the PR" in response.content.decode()
        # The note shows again when the week is opened.
        assert "Reviewed the PR" in signed_in.get(WEEK).content.decode()

    def test_without_javascript_the_week_form_saves_notes_too(self, signed_in, team):
        signed_in.post(
            WEEK,
            {_cell(team.task, "2026-03-09"): "1", _note(team.task, "2026-03-09"): "Standup"},
        )
        assert TimeEntry.objects.get().description == "Standup"


def test_a_cell_with_several_entries_links_to_them(signed_in, team):
    for description in ("Morning", "Evening"):
        TimeEntryFactory(
            expert=team.expert, task=team.task, day=date(2026, 3, 10), description=description
        )
    html = signed_in.get(WEEK).content.decode()
    name = _cell(team.task, "2026-03-10")
    link = (
        f"{reverse('timesheets:report')}?group=entry&amp;start=2026-03-10&amp;end=2026-03-10"
        f"&amp;project={team.project.pk}&amp;expert={team.expert.pk}"
    )
    assert f'href="{link}" data-testid="entries-{name}">2 entries</a>' in html
    report = signed_in.get(link.replace("&amp;", "&")).content.decode()
    assert "Morning" in report and "Evening" in report


class TestCopyLastWeeksRows:
    def test_the_latest_weeks_tasks_that_still_take_hours_become_rows(self, signed_in, team):
        # Nothing last week (a holiday); the week before, four tasks.
        done = TaskFactory(project=team.project, title="Shipped", status=Task.Status.DONE)
        cancelled = TaskFactory(project=team.project, title="Dropped", status=Task.Status.CANCELLED)
        left = ProjectFactory(name="Old customer")
        Assignment.objects.create(
            project=left,
            expert=team.expert,
            role=Assignment.Role.MEMBER,
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 2, 28),
        )
        gone = TaskFactory(
            project=left, title="Old work", created_at=datetime(2026, 1, 5, tzinfo=UTC)
        )
        for task in (team.other, done, cancelled, gone):
            TimeEntryFactory(expert=team.expert, task=task, day=date(2026, 2, 24))
        TimeEntryFactory(expert=team.expert, task=team.task, day=date(2026, 1, 20))

        response = signed_in.get(WEEK, {"week": "2026-03-09", "copy": "1"})

        assert response.status_code == 302
        assert response["Location"] == f"{WEEK}?week=2026-03-09&add={team.other.pk}"
        page = signed_in.get(response["Location"])
        titles = [row.task.title for row in page.context["grid"].rows]
        assert "Dashboard charts" in titles
        assert not {"Shipped", "Dropped", "Old work"} & set(titles)
        assert "Copied 1 row from the week of 23 Feb" in page.content.decode()
        assert TimeEntry.objects.filter(day__gte=date(2026, 3, 9)).count() == 0

    def test_with_no_earlier_hours_it_says_so(self, signed_in, team):
        response = signed_in.get(WEEK, {"copy": "1"}, follow=True)
        assert "no earlier week with your hours" in response.content.decode()


class TestTimerRounding:
    @pytest.mark.parametrize(
        ("elapsed", "hours"),
        [
            (timedelta(seconds=59), "0"),
            (timedelta(minutes=1), "0.25"),
            (timedelta(minutes=14, seconds=59), "0.25"),
            (timedelta(minutes=15), "0.25"),
            (timedelta(minutes=15, microseconds=900_000), "0.25"),  # whole seconds count
            (timedelta(minutes=15, seconds=1), "0.5"),
            (timedelta(minutes=30), "0.5"),
            (timedelta(hours=1), "1"),
            (timedelta(hours=1, seconds=1), "1.25"),
        ],
    )
    def test_the_time_is_rounded_up_to_the_next_quarter_hour(self, elapsed, hours):
        assert timer_hours(elapsed) == Decimal(hours)


class TestTimer:
    def test_stopped_at_15_minutes_it_logs_a_quarter_and_at_15_01_a_half(self, team, clock):
        timer_start(actor=team.expert, task=team.task)
        clock.shift(timedelta(minutes=15))
        entry = timer_stop(actor=team.expert, description="Pairing")
        assert (entry.hours, entry.day, entry.description) == (
            Decimal("0.25"),
            date(2026, 3, 11),
            "Pairing",
        )
        timer_start(actor=team.expert, task=team.task)
        clock.shift(timedelta(minutes=15, seconds=1))
        assert timer_stop(actor=team.expert).hours == Decimal("0.5")
        assert not RunningTimer.objects.exists()

    def test_stopped_within_a_minute_it_logs_nothing(self, team, clock):
        timer_start(actor=team.expert, task=team.task)
        clock.shift(timedelta(seconds=59))
        assert timer_stop(actor=team.expert) is None
        assert not TimeEntry.objects.exists() and not RunningTimer.objects.exists()

    def test_the_hours_go_on_the_day_it_started_in_the_experts_time_zone(self, team, clock):
        team.expert.time_zone = "America/New_York"
        team.expert.save(update_fields=["time_zone"])
        # 12:00 UTC is 08:00 in New York: 11 March there too. Started at 03:30 UTC, it is
        # still 10 March in New York.
        clock.move_to(datetime(2026, 3, 11, 3, 30, tzinfo=UTC))
        timer_start(actor=team.expert, task=team.task)
        clock.shift(timedelta(hours=1))
        assert timer_stop(actor=team.expert).day == date(2026, 3, 10)

    def test_starting_on_another_task_stops_the_first_and_logs_it(self, team, clock):
        timer_start(actor=team.expert, task=team.task)
        clock.shift(timedelta(minutes=40))
        timer_start(actor=team.expert, task=team.other)
        assert TimeEntry.objects.get().hours == Decimal("0.75")
        assert RunningTimer.objects.get().task == team.other
        # Starting again on the same task keeps it running from when it started.
        started = RunningTimer.objects.get().started_at
        clock.shift(timedelta(minutes=5))
        assert timer_start(actor=team.expert, task=team.other).started_at == started

    def test_a_refused_log_keeps_the_timer_and_discard_logs_nothing(self, team, clock):
        TimeEntryFactory(expert=team.expert, task=team.other, day=date(2026, 3, 11), hours=24)
        timer_start(actor=team.expert, task=team.task)
        clock.shift(timedelta(minutes=20))
        with pytest.raises(ValidationError):
            timer_stop(actor=team.expert)
        assert RunningTimer.objects.filter(expert=team.expert).exists()
        assert timer_stop(actor=team.expert, discard=True) is None
        assert TimeEntry.objects.count() == 1 and not RunningTimer.objects.exists()

    def test_only_an_expert_on_the_project_starts_one(self, team, clock):
        with pytest.raises(PermissionDenied):
            timer_start(actor=team.customer, task=team.task)
        with pytest.raises(PermissionDenied):
            timer_start(actor=team.expert, task=TaskFactory())
        with pytest.raises(ValidationError):
            timer_stop(actor=team.expert)

    def test_it_survives_a_reload_on_the_week_and_the_task_page(self, signed_in, team, clock):
        response = signed_in.post(
            reverse("timesheets:timer_start", kwargs={"pk": team.task.pk}), {"next": WEEK}
        )
        assert response.status_code == 302 and response["Location"] == WEEK
        clock.shift(timedelta(minutes=50))
        week = signed_in.get(WEEK).content.decode()
        assert 'data-testid="timer-banner"' in week
        assert 'data-timer-since="2026-03-11T12:00:00' in week
        assert f'data-testid="timer-stop-{team.task.pk}"' in week
        page = signed_in.get(team.task.get_absolute_url()).content.decode()
        assert 'data-testid="timer-running"' in page
        response = signed_in.post(reverse("timesheets:timer_stop"), {"next": WEEK}, follow=True)
        assert "Logged 1 h on" in response.content.decode()
        assert TimeEntry.objects.get().hours == Decimal("1")

    def test_the_task_panel_swaps_itself_in_place(self, signed_in, team, clock):
        url = reverse("timesheets:timer_start", kwargs={"pk": team.task.pk})
        html = signed_in.post(url, {}, **HTMX, HTTP_HX_TARGET="task-time-panel").content.decode()
        assert html.lstrip().startswith('<div class="card mb-3" id="task-time-panel"')
        assert 'data-testid="timer-running"' in html and 'data-testid="timer-done"' in html

    def test_another_tenant_cannot_start_a_timer_on_a_task(self, client, team, clock):
        stranger = TaskFactory(title="Elsewhere")
        client.force_login(team.expert)
        url = reverse("timesheets:timer_start", kwargs={"pk": stranger.pk})
        assert client.post(url).status_code == 404
        assert not RunningTimer.objects.exists()


def test_a_phone_shows_one_day_with_the_task_column_kept(signed_in, team):
    html = signed_in.get(WEEK, {"day": "2026-03-10"}).content.decode()
    selected = _cell(team.task, "2026-03-10")
    other = _cell(team.task, "2026-03-11")
    assert f'<td class="p-1 timesheet-td" id="td-{selected}">' in html
    assert f'<td class="p-1 timesheet-td d-none d-md-table-cell" id="td-{other}">' in html
    assert 'aria-current="date" data-testid="day-2026-03-10"' in html
    # Without a day, today's column is the one shown.
    html = signed_in.get(WEEK).content.decode()
    assert f'<td class="p-1 timesheet-td" id="td-{other}">' in html
