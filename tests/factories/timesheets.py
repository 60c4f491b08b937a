from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from tests.factories.accounts import expert
from tests.factories.projects import TaskFactory
from timesheets.models import SettledPeriod, TimeEntry


class TimeEntryFactory(factory.django.DjangoModelFactory):
    """Writes the row directly (no rules): for arranging data, not for testing the rules."""

    class Meta:
        model = TimeEntry

    task = factory.SubFactory(TaskFactory)
    project = factory.SelfAttribute("task.project")
    organization = factory.SelfAttribute("task.organization")
    expert = factory.LazyFunction(expert)
    day = factory.LazyFunction(lambda: timezone.now().date())
    hours = Decimal("2.00")


class SettledPeriodFactory(factory.django.DjangoModelFactory):
    """A settled pay period of two weeks (the payments area owns how it is settled)."""

    class Meta:
        model = SettledPeriod

    starts_on = factory.LazyFunction(lambda: timezone.now().date() - timedelta(days=28))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + timedelta(days=13))
