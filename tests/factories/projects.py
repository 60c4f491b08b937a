from decimal import Decimal

import factory

from projects.models import (
    Assignment,
    Project,
    ProjectUpdate,
    Release,
    Sprint,
    Task,
    TaskComment,
    WeeklySummary,
)
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


def current_sprint(project, now=None) -> Sprint:
    """The project's sprint for this week (and next week's), made as the platform makes them."""
    from projects.services.sprints import sprints_ensure

    return sprints_ensure(project=project, now=now)[0]


class TaskCommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskComment

    task = factory.SubFactory(TaskFactory)
    organization = factory.SelfAttribute("task.organization")
    author = factory.LazyFunction(lambda: ExpertProfileFactory().user)
    body = factory.Sequence(lambda n: f"Comment {n}")


class ProjectUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectUpdate

    task = factory.SubFactory(TaskFactory, kind=Task.Kind.MILESTONE)
    project = factory.SelfAttribute("task.project")
    organization = factory.SelfAttribute("task.organization")
    kind = ProjectUpdate.Kind.MILESTONE
    body = factory.Sequence(lambda n: f"Milestone progress {n}")


class ReleaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Release
        skip_postgeneration_save = True

    project = factory.SubFactory(ProjectFactory)
    organization = factory.SelfAttribute("project.organization")
    title = factory.Sequence(lambda n: f"Release {n}")
    stage = Release.Stage.STAGING

    @factory.post_generation
    def tasks(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.tasks.set(extracted)


class WeeklySummaryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WeeklySummary

    project = factory.SubFactory(ProjectFactory)
    organization = factory.SelfAttribute("project.organization")
    week_starts_on = factory.LazyFunction(lambda: __import__("datetime").date(2025, 10, 20))
    week_ends_on = factory.LazyAttribute(
        lambda o: o.week_starts_on + __import__("datetime").timedelta(days=6)
    )
    data = factory.LazyAttribute(
        lambda o: {
            "week": {"label": f"week of {o.week_starts_on}"},
            "planned": {"count": 0, "done_count": 0},
        }
    )
