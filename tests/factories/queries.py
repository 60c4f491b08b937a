"""Rows of the queries area, written directly: for arranging data (alerts, figures, page
sizes), not for testing the rules, which go through the services."""

from decimal import Decimal

import factory
from django.utils import timezone

from projects.models import Query, QueryNote, QueryPromise, QueryResponse
from projects.models.queries import FIRST_RESPONSE_WITHIN
from tests.factories.projects import ProjectFactory


class QueryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Query

    project = factory.SubFactory(ProjectFactory)
    organization = factory.SelfAttribute("project.organization")
    title = factory.Sequence(lambda n: f"Question {n}")
    body = "How do we do this?"
    asked_at = factory.LazyFunction(timezone.now)
    first_response_due_at = factory.LazyAttribute(lambda o: o.asked_at + FIRST_RESPONSE_WITHIN)


class QueryResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QueryResponse

    query = factory.SubFactory(QueryFactory)
    organization = factory.SelfAttribute("query.organization")
    kind = QueryResponse.Kind.ANSWER
    body = "Here is the answer."
    estimate_hours = Decimal("2.00")
    created_at = factory.LazyFunction(timezone.now)


class QueryPromiseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QueryPromise

    response = factory.SubFactory(QueryResponseFactory)
    query = factory.SelfAttribute("response.query")
    organization = factory.SelfAttribute("response.organization")
    expert = factory.SelfAttribute("response.author")
    made_at = factory.SelfAttribute("response.created_at")
    due_at = factory.LazyAttribute(lambda o: o.response.eta)


class QueryNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QueryNote

    query = factory.SubFactory(QueryFactory)
    organization = factory.SelfAttribute("query.organization")
    body = "Internal: who knows this?"
