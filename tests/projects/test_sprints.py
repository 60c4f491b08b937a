"""R-SPRINT: weekly sprints, Monday to Sunday in the project's time zone; the weekly turn."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType

from projects.models import Project, Sprint, Task
from projects.services.sprints import sprints_ensure, sprints_roll_over
from softwaresupp.events import event_list_for
from softwaresupp.models import Event
from tests.factories.projects import ProjectFactory, TaskFactory
from tests.query_counts import queries_undone

pytestmark = pytest.mark.django_db


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


class TestSprintBoundaries:
    """The week turns at Monday 00:00 where the customer is, not in UTC."""

    @pytest.mark.parametrize(
        ("moment", "monday"),
        [
            # Warsaw is UTC+2 in summer: Sunday 23:59 local is 21:59 UTC.
            (utc(2025, 6, 15, 21, 59), date(2025, 6, 9)),
            # Monday 00:00 in Warsaw is still Sunday 22:00 in UTC.
            (utc(2025, 6, 15, 22, 0), date(2025, 6, 16)),
        ],
    )
    def test_given_a_warsaw_project_when_the_local_week_turns_then_the_sprint_turns(
        self, moment, monday
    ):
        project = ProjectFactory(time_zone="Europe/Warsaw")
        current, following = sprints_ensure(project=project, now=moment)
        assert (current.starts_on, current.ends_on) == (monday, monday + timedelta(days=6))
        assert current.starts_on.weekday() == 0 and current.ends_on.weekday() == 6
        assert following.starts_on == monday + timedelta(days=7)

    def test_given_a_new_york_project_when_it_is_monday_in_utc_then_it_is_still_last_week(self):
        project = ProjectFactory(time_zone="America/New_York")
        # Monday 03:00 UTC is Sunday 23:00 in New York (UTC-4 in June).
        current, _ = sprints_ensure(project=project, now=utc(2025, 6, 16, 3, 0))
        assert current.starts_on == date(2025, 6, 9)
        current, _ = sprints_ensure(project=project, now=utc(2025, 6, 16, 4, 0))
        assert current.starts_on == date(2025, 6, 16)

    @pytest.mark.parametrize(
        ("moment", "monday"),
        [
            # Autumn: DST ends on Sunday 26 Oct 2025 at 03:00 CEST; that night Warsaw is
            # UTC+1, so the week ends at 23:00 UTC, one hour later than in summer.
            (utc(2025, 10, 26, 22, 59), date(2025, 10, 20)),
            (utc(2025, 10, 26, 23, 0), date(2025, 10, 27)),
            # Spring: DST starts on Sunday 30 Mar 2025; Warsaw is UTC+2 by midnight.
            (utc(2025, 3, 30, 21, 59), date(2025, 3, 24)),
            (utc(2025, 3, 30, 22, 0), date(2025, 3, 31)),
        ],
    )
    def test_given_a_daylight_saving_change_then_the_week_still_ends_at_local_midnight(
        self, moment, monday
    ):
        project = ProjectFactory(time_zone="Europe/Warsaw")
        current, _ = sprints_ensure(project=project, now=moment)
        assert current.starts_on == monday

    def test_given_sprints_exist_when_ensured_again_then_nothing_is_duplicated(self):
        project = ProjectFactory()
        moment = utc(2025, 6, 11, 12)
        first = sprints_ensure(project=project, now=moment)
        second = sprints_ensure(project=project, now=moment)
        assert [s.pk for s in first] == [s.pk for s in second]
        assert project.sprints.count() == 2


def _week(project, moment):
    return sprints_ensure(project=project, now=moment)


class TestRollover:
    def test_given_a_week_ended_when_rolled_over_then_unfinished_tasks_move_and_finished_stay(
        self,
    ):
        project = ProjectFactory(time_zone="Europe/Warsaw")
        old, new = _week(project, utc(2025, 10, 22, 12))
        new_task = TaskFactory(
            project=project, sprint=old, status=Task.Status.NEW, estimate_hours=None
        )
        todo = TaskFactory(project=project, sprint=old, status=Task.Status.TODO)
        started = TaskFactory(
            project=project, sprint=old, status=Task.Status.IN_PROGRESS, estimate_hours=Decimal("3")
        )
        done = TaskFactory(project=project, sprint=old, status=Task.Status.DONE)
        cancelled = TaskFactory(project=project, sprint=old, status=Task.Status.CANCELLED)

        # Monday 00:00 in Warsaw (after the autumn DST change) is Sunday 23:00 UTC.
        result = sprints_roll_over(now=utc(2025, 10, 26, 23, 0))

        assert result.tasks_moved == 3
        for task in (new_task, todo, started):
            task.refresh_from_db()
            assert task.sprint == new
        for task in (done, cancelled):
            task.refresh_from_db()
            assert task.sprint == old
        old.refresh_from_db()
        assert old.status == Sprint.Status.CLOSED
        assert old.rolled_over_count == 3
        assert old.rolled_over_estimate_hours == Decimal("7.00")  # 4 + 3, the new one has none
        history = list(event_list_for(todo))
        assert history[0].verb == "rolled over"
        assert history[0].changes == {"sprint": ["week of 20 Oct 2025", "week of 27 Oct 2025"]}
        assert history[0].actor is None

    def test_given_the_week_has_not_ended_locally_then_nothing_moves(self):
        project = ProjectFactory(time_zone="Europe/Warsaw")
        old, _ = _week(project, utc(2025, 10, 22, 12))
        task = TaskFactory(project=project, sprint=old)
        result = sprints_roll_over(now=utc(2025, 10, 26, 22, 59))  # Sunday 23:59 in Warsaw
        assert result == type(result)(0, 0)
        task.refresh_from_db()
        assert task.sprint == old

    def test_given_it_runs_twice_then_each_task_moves_once(self):
        project = ProjectFactory()
        old, new = _week(project, utc(2025, 10, 22, 12))
        tasks = TaskFactory.create_batch(3, project=project, sprint=old)
        moment = utc(2025, 10, 27, 6)
        first = sprints_roll_over(now=moment)
        second = sprints_roll_over(now=moment + timedelta(hours=1))
        assert (first.tasks_moved, second.tasks_moved) == (3, 0)
        moves = Event.objects.filter(
            target_type=ContentType.objects.get_for_model(Task),
            target_id__in=[t.pk for t in tasks],
            verb="rolled over",
        )
        assert moves.count() == 3
        assert set(
            Task.objects.filter(pk__in=[t.pk for t in tasks]).values_list("sprint", flat=True)
        ) == {new.pk}

    def test_given_two_weeks_of_downtime_then_tasks_land_in_this_week_and_every_week_is_ready(
        self,
    ):
        project = ProjectFactory(time_zone="Asia/Kolkata")
        old, _ = _week(project, utc(2025, 10, 1, 12))
        task = TaskFactory(project=project, sprint=old)
        late = utc(2025, 10, 16, 12)  # two weeks later
        sprints_roll_over(now=late)
        task.refresh_from_db()
        assert task.sprint.starts_on == date(2025, 10, 13)
        assert set(project.sprints.filter(status="open").values_list("starts_on", flat=True)) == {
            date(2025, 10, 13),
            date(2025, 10, 20),
        }
        assert not project.sprints.filter(ends_on__lt=date(2025, 10, 13), status="open").exists()

    def test_given_moved_tasks_then_they_go_below_the_tasks_already_planned(self):
        project = ProjectFactory()
        old, new = _week(project, utc(2025, 10, 22, 12))
        planned = TaskFactory(project=project, sprint=new, position=5)
        moved = TaskFactory(project=project, sprint=old, position=1)
        sprints_roll_over(now=utc(2025, 10, 27, 6))
        moved.refresh_from_db()
        assert moved.position > planned.position

    def test_given_a_closed_project_then_its_week_closes_but_tasks_stay(self):
        project = ProjectFactory()
        old, _ = _week(project, utc(2025, 10, 22, 12))
        task = TaskFactory(project=project, sprint=old)
        Project.objects.filter(pk=project.pk).update(status=Project.Status.CLOSED)
        sprints_roll_over(now=utc(2025, 10, 27, 6))
        old.refresh_from_db()
        task.refresh_from_db()
        assert old.status == Sprint.Status.CLOSED
        assert task.sprint == old

    def test_given_new_live_projects_then_the_job_opens_their_current_and_next_sprint(self):
        active = ProjectFactory()
        paused = ProjectFactory(status=Project.Status.PAUSED)
        draft = ProjectFactory(status=Project.Status.DRAFT)
        sprints_roll_over(now=utc(2025, 10, 22, 12))
        assert active.sprints.count() == paused.sprints.count() == 2
        assert draft.sprints.count() == 0

    def test_query_count_does_not_grow_with_tasks_or_projects(self, django_assert_num_queries):
        def world(projects, per_project):
            for _ in range(projects):
                project = ProjectFactory()
                old, _ = _week(project, utc(2025, 10, 22, 12))
                TaskFactory.create_batch(per_project, project=project, sprint=old)

        def roll_over():
            return sprints_roll_over(now=utc(2025, 10, 27, 6))

        world(1, 2)
        queries_undone(roll_over)  # warm caches (content types)
        small = queries_undone(roll_over)
        # (Past ~200 rows SQLite's parameter limit splits the bulk writes into batches.)
        world(5, 15)
        with django_assert_num_queries(len(small)):
            result = roll_over()
        assert result.tasks_moved == 2 + 5 * 15


class TestRolloverTask:
    def test_the_celery_task_runs_the_catch_up(self):
        from projects.tasks.board import sprints_roll_over_task

        project = ProjectFactory()
        with time_machine.travel(utc(2025, 10, 22, 12), tick=False):
            old, _ = sprints_ensure(project=project)
            TaskFactory(project=project, sprint=old)
        with time_machine.travel(utc(2025, 10, 27, 6), tick=False):
            assert sprints_roll_over_task.delay().get() == {"sprints_closed": 1, "tasks_moved": 1}

    def test_the_beat_schedule_runs_both_jobs_hourly(self):
        from softwaresupp.schedule import BEAT_SCHEDULE

        tasks = {entry["task"] for entry in BEAT_SCHEDULE.values()}
        assert "projects.tasks.board.sprints_roll_over_task" in tasks
        assert "projects.tasks.board.weekly_summaries_send_task" in tasks
