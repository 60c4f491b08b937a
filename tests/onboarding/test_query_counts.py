"""List pages cost the same queries at two sizes (DESIGN: pinned, not under a ceiling)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from onboarding.services import credential_store, posting_create, stakeholder_add, tool_request
from projects.models import Assignment
from tests.factories.accounts import ExpertProfileFactory, SkillFactory
from tests.leads.helpers import lead_at, planned_work
from tests.onboarding.helpers import market, posting_for, send_offer

pytestmark = pytest.mark.django_db


def _count(client, url) -> int:
    client.get(url)  # warm the per-process caches (content types, sessions)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _grow_offers(m, n):
    for i in range(n):
        expert = ExpertProfileFactory(skills=[m["django"]]).user
        send_offer(expert, m["posting"], hourly_rate=Decimal("60.00") + i)


def test_the_posting_page_with_offers_side_by_side(client, django_assert_num_queries):
    m = market()
    _grow_offers(m, 1)
    client.force_login(m["owner"])
    url = m["posting"].get_absolute_url()
    small = _count(client, url)
    _grow_offers(m, 12)
    with django_assert_num_queries(small):
        client.get(url)


@pytest.mark.parametrize("who", ["owner", "ana"])
def test_the_posting_list(client, django_assert_num_queries, who):
    m = market()
    client.force_login(m[who])
    url = reverse("onboarding:posting_list")
    small = _count(client, url)
    for i in range(10):
        posting_for(m["owner"], skills=[m["django"]], title=f"Posting {i}")
    send_offer(m["ana"], m["posting"])
    with django_assert_num_queries(small):
        client.get(url)


def _grow_checklist(owner, organization, project, start, n):
    for i in range(start, start + n):
        stakeholder_add(
            actor=owner,
            organization=organization,
            name=f"P{i}",
            role="PM",
            email=f"p{i}@example.com",
        )
        tool_request(actor=owner, organization=organization, name=f"Tool {i}", method="vault")
        credential_store(actor=owner, project=project, label=f"Login {i}", password="x")


def test_the_onboarding_checklist(client, django_assert_num_queries):
    m = market()
    owner, organization, project = m["owner"], m["organization"], m["posting"].project
    Assignment.objects.create(project=project, expert=m["ana"])
    _grow_checklist(owner, organization, project, 0, 1)
    url = reverse("onboarding:checklist", args=[organization.slug])
    for person in (owner, m["ana"]):
        client.force_login(person)
        small = _count(client, url)
        _grow_checklist(owner, organization, project, 100 + person.pk * 20, 10)
        with django_assert_num_queries(small):
            client.get(url)


def test_staff_see_every_experts_stage_at_one_cost(staff_client, django_assert_num_queries):
    m = market()
    url = reverse("onboarding:expert_checklist")
    small = _count(staff_client, url)
    for _ in range(10):
        ExpertProfileFactory(skills=[m["django"]])
    with django_assert_num_queries(small):
        staff_client.get(url)


def _post_for_customer(expert, m, project, n, start):
    for i in range(start, start + n):
        posting_create(
            actor=expert,
            organization=m["organization"],
            project=project,
            skills=[m["react"]],
            title=f"For the customer {i}",
            scope="Scope",
            engagement_type="hourly",
            hours_per_week=10,
            starts_on=m["posting"].starts_on,
        )


@pytest.mark.parametrize("who", ["owner", "lead_expert"])
def test_the_posting_list_with_postings_made_for_the_customer(
    client, django_assert_num_queries, who
):
    """R-MATCH: postings the lead's expert made on the customer's behalf (their poster
    shown) cost the same for the customer and for the expert, who sees them as theirs."""
    m = market()
    m["react"] = SkillFactory(name="React")
    expert = ExpertProfileFactory(skills=[]).user  # sees these only as the poster
    lead = lead_at("planning", expert=expert, contact_email=m["owner"].email)
    project = planned_work(lead).project  # the lead's expert posts for it only
    _post_for_customer(expert, m, project, 1, 0)
    client.force_login(m["owner"] if who == "owner" else expert)
    url = reverse("onboarding:posting_list")
    small = _count(client, url)
    _post_for_customer(expert, m, project, 10, 1)
    with django_assert_num_queries(small):
        response = client.get(url)
    assert response.content.decode().count("on the customer's behalf") == 11
