from decimal import Decimal

import factory

from projects.models import Assignment, Project, Sprint, Task
from tests.factories.accounts import ExpertProfileFactory, OrganizationFactory


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Project {n}")
    time_zone = "Europe/Warsaw"
    status = Project.Status.ACTIVE


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    project = factory.SubFactory(ProjectFactory)
    organization = factory.SelfAttribute("project.organization")
    expert = factory.LazyFunction(lambda: ExpertProfileFactory().user)
    role = Assignment.Role.LEAD


class SprintFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sprint

    project = factory.SubFactory(ProjectFactory)
    organization = factory.SelfAttribute("project.organization")
    starts_on = factory.Faker("date_object")
    ends_on = factory.LazyAttribute(
        lambda o: o.starts_on + __import__("datetime").timedelta(days=6)
    )


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    project = factory.SubFactory(ProjectFactory)
    organization = factory.SelfAttribute("project.organization")
    title = factory.Sequence(lambda n: f"Task {n}")
    status = Task.Status.TODO
    estimate_hours = Decimal("4.00")
    first_estimate_hours = factory.SelfAttribute("estimate_hours")
