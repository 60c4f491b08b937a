"""Audit: a query's responses reach only people still in the customer's organization."""

from decimal import Decimal

import pytest
from django.core import mail

from accounts.models import Membership
from accounts.services import membership_remove
from projects.services.queries import query_ask, query_respond
from tests.factories.accounts import customer

pytestmark = pytest.mark.django_db


def test_given_the_asker_left_the_organization_then_the_response_goes_to_the_owners(
    team, django_capture_on_commit_callbacks
):
    member = customer(team.organization, Membership.Role.MEMBER, email="gone@acme.example")
    query = query_ask(actor=member, project=team.project, title="Prices?", body="Which plan?")
    membership_remove(actor=team.customer, membership=member.memberships.get())
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        query_respond(
            actor=team.expert,
            query=query,
            kind="answer",
            body="Your discount is 30%",
            estimate_hours=Decimal("1"),
        )
    assert [m.to for m in mail.outbox] == [[team.customer.email]]
