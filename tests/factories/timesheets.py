from decimal import Decimal

import factory
from django.utils import timezone

from tests.factories.projects import TaskFactory
from timesheets.models import TimeEntry


class TimeEntryFactory(factory.django.DjangoModelFactory):
    """Writes the row directly (no rules): for arranging data, not for testing the rules."""

    class Meta:
        model = TimeEntry

    task = factory.SubFactory(TaskFactory)
    project = factory.SelfAttribute("task.project")
    organization = factory.SelfAttribute("task.organization")
    expert = factory.LazyFunction(
        lambda: __import__("tests.factories.accounts", fromlist=["x"]).expert()
    )
    day = factory.LazyFunction(lambda: timezone.now().date())
    hours = Decimal("2.00")
