"""Two workers at once (PostgreSQL row locks): the weekly turn moves each task once and each
week gets one summary."""

import threading
from datetime import UTC, datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from projects.models import Task, WeeklySummary
from projects.services.sprints import sprints_ensure, sprints_roll_over
from projects.services.summaries import weekly_summaries_send
from softwaresupp.models import Event
from tests.factories.projects import ProjectFactory, TaskFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WEEK_DAY = datetime(2025, 10, 22, 12, tzinfo=UTC)
AFTER_WEEK = datetime(2025, 10, 27, 6, tzinfo=UTC)


def _twice_at_once(job):
    barrier, errors = threading.Barrier(2), []

    def run():
        try:
            barrier.wait()
            job()
        except Exception as error:  # reported below; a thread cannot raise into the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors


def test_two_rollovers_at_once_move_each_task_once():
    project = ProjectFactory()
    old, new = sprints_ensure(project=project, now=WEEK_DAY)
    tasks = TaskFactory.create_batch(20, project=project, sprint=old)
    _twice_at_once(lambda: sprints_roll_over(now=AFTER_WEEK))
    moves = Event.objects.filter(
        target_type=ContentType.objects.get_for_model(Task),
        target_id__in=[t.pk for t in tasks],
        verb="rolled over",
    )
    assert moves.count() == 20
    assert set(Task.objects.values_list("sprint", flat=True)) == {new.pk}


def test_two_summary_jobs_at_once_write_one_summary():
    project = ProjectFactory()
    old, _ = sprints_ensure(project=project, now=WEEK_DAY)
    TaskFactory(project=project, sprint=old)
    _twice_at_once(lambda: weekly_summaries_send(now=AFTER_WEEK))
    assert WeeklySummary.objects.filter(project=project).count() == 1
