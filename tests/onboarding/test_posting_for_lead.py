"""R-MATCH: the expert of a customer's lead posts a project for that customer; the customer
decides. Leads register the rule in ``projects.posting_rights`` (leads and onboarding may
not import each other: tests/core/test_layers.py)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from leads.models import Lead
from leads.services import lead_outcome_record
from onboarding.models import Posting
from onboarding.selectors import offers_for, posting_list
from onboarding.services import offer_choose, posting_create
from projects.posting_rights import may_post_for, organizations_posted_for
from softwaresupp.models import Event, OutboxMessage
from tests.factories.accounts import ExpertProfileFactory, customer
from tests.leads.helpers import lead_at, planned_work
from tests.onboarding.helpers import market, posting_for, send_offer

pytestmark = pytest.mark.django_db


def _lead_of(expert, owner, stage=Lead.Stage.PLANNING):
    """A lead of ``expert`` whose planned work went to ``owner``'s organization."""
    lead = lead_at(Lead.Stage.PLANNING, expert=expert, contact_email=owner.email)
    planned_work(lead, name=f"Planned by {expert.email}")
    lead.refresh_from_db()
    if stage == Lead.Stage.LOST:
        lead = lead_outcome_record(actor=expert, lead=lead, outcome="lost", reason="No budget")
    return lead


def _form(m, **overrides) -> dict:
    return {
        "project": m["posting"].project.pk,
        "title": "Checkout rework",
        "scope": "Rework the checkout.",
        "skills": [m["django"].pk],
        "engagement_type": "hourly",
        "hours_per_week": "15",
        "starts_on": (timezone.now().date() + timedelta(days=5)).isoformat(),
        "preferred_regions": ["eu"],
        **overrides,
    }


def _posted_by(expert, m, **fields):
    """The expert posts for the owner's organization through the service directly
    (``posting_for`` posts as one of its members)."""
    return posting_create(
        actor=expert,
        organization=m["organization"],
        project=m["posting"].project,
        skills=[m["django"]],
        title=fields.get("title", "Checkout rework"),
        scope="Rework the checkout.",
        engagement_type="hourly",
        hours_per_week=15,
        starts_on=timezone.now().date() + timedelta(days=5),
    )


def test_the_rule_is_the_leads_and_asked_through_projects():
    m = market()
    lead = _lead_of(m["ana"], m["owner"])
    assert lead.organization == m["organization"] and lead.may_post_for_customer
    assert list(organizations_posted_for(m["ana"])) == [m["organization"]]
    assert may_post_for(m["ana"], m["organization"])
    assert not may_post_for(m["ben"], m["organization"])


def test_the_expert_of_the_lead_posts_for_the_customer_and_its_owners_are_told_once(client):
    m = market()
    _lead_of(m["ana"], m["owner"])
    client.force_login(m["ana"])
    url = reverse("onboarding:posting_new", args=[m["organization"].slug])
    page = client.get(url)
    assert page.status_code == 200 and 'data-testid="on-behalf"' in page.content.decode()
    response = client.post(url, _form(m))
    posting = Posting.objects.get(title="Checkout rework")
    assert response.status_code == 302 and response["Location"] == posting.get_absolute_url()
    assert posting.on_behalf and posting.created_by == m["ana"]
    assert posting.organization == m["organization"] and posting.is_open
    told = OutboxMessage.objects.filter(template="posting_on_behalf")
    # The owner, not the plain member: the owners decide.
    assert list(told.values_list("to", flat=True)) == ["owner@example.com"]
    assert "Checkout rework" in told.get().text and "you compare them and choose" in told.get().text
    assert Event.objects.filter(verb="posted for the customer", target_id=posting.pk).exists()
    # The customer sees it among their postings, as theirs; so does the expert who posted it.
    client.force_login(m["owner"])
    listing = client.get(reverse("onboarding:posting_list")).content.decode()
    assert "Checkout rework" in listing and "on the customer's behalf" in listing
    assert posting.pk in posting_list(user=m["member"]).values_list("pk", flat=True)
    assert posting.pk in posting_list(user=m["ana"]).values_list("pk", flat=True)


def test_a_customers_own_posting_tells_nobody_and_is_not_on_behalf():
    m = market()
    assert not m["posting"].on_behalf
    assert not OutboxMessage.objects.filter(template="posting_on_behalf").exists()


@pytest.mark.parametrize("who", ["no_lead", "other_expert_lead", "other_tenant_lead", "lost"])
def test_anyone_else_gets_404_for_the_organization_and_the_service_refuses(client, who):
    m = market()
    expert = ExpertProfileFactory(skills=[m["django"]]).user
    if who == "other_expert_lead":
        _lead_of(m["ben"], m["owner"])  # another expert's lead of this customer
    elif who == "other_tenant_lead":
        _lead_of(expert, customer(email="elsewhere@example.com"))
    elif who == "lost":
        _lead_of(expert, m["owner"], stage=Lead.Stage.LOST)
    client.force_login(expert)
    url = reverse("onboarding:posting_new", args=[m["organization"].slug])
    assert client.get(url).status_code == 404
    assert client.post(url, _form(m)).status_code == 404
    with pytest.raises(PermissionDenied):
        _posted_by(expert, m)
    assert Posting.objects.count() == 1
    assert not OutboxMessage.objects.filter(template="posting_on_behalf").exists()


def test_a_lead_whose_planned_work_is_not_sent_yet_gives_no_right(client):
    m = market()
    lead = lead_at(Lead.Stage.PLANNING, expert=m["ana"], contact_email=m["owner"].email)
    assert lead.organization is None and not lead.may_post_for_customer
    client.force_login(m["ana"])
    page = client.get(lead.get_absolute_url()).content.decode()
    assert 'data-testid="post-for-customer"' not in page
    url = reverse("onboarding:posting_new", args=[m["organization"].slug])
    assert client.get(url).status_code == 404


def test_the_lead_page_links_to_posting_for_the_customer_while_allowed(client):
    m = market()
    lead = _lead_of(m["ana"], m["owner"])
    client.force_login(m["ana"])
    link = reverse("onboarding:posting_new", args=[m["organization"].slug])
    page = client.get(lead.get_absolute_url()).content.decode()
    assert 'data-testid="post-for-customer"' in page and f'href="{link}"' in page
    lead_outcome_record(actor=m["ana"], lead=lead, outcome="lost", reason="Went elsewhere")
    page = client.get(lead.get_absolute_url()).content.decode()
    assert 'data-testid="post-for-customer"' not in page
    assert client.get(link).status_code == 404


def test_losing_the_lead_hides_the_posting_from_its_expert_unless_they_offered():
    m = market()
    lead = _lead_of(m["ana"], m["owner"])
    posting = _posted_by(m["ana"], m)
    assert posting in Posting.objects.visible_to(m["ana"])
    lead_outcome_record(actor=m["ana"], lead=lead, outcome="lost", reason="Went elsewhere")
    # Open and matching Ana's skills: still shown, as to any matching expert...
    assert posting in Posting.objects.visible_to(m["ana"])
    # ...but a posting outside her skills was visible only as hers, and is gone.
    other = ExpertProfileFactory(skills=[]).user
    lead_other = _lead_of(other, m["owner"])
    hers = _posted_by(other, m)
    assert hers in Posting.objects.visible_to(other)
    lead_outcome_record(actor=other, lead=lead_other, outcome="lost", reason="No")
    assert hers not in Posting.objects.visible_to(other)


def test_the_posting_expert_sees_only_their_own_offer_and_cannot_choose(client):
    m = market()
    _lead_of(m["ana"], m["owner"])
    posting = _posted_by(m["ana"], m)
    bens = send_offer(m["ben"], posting, message="Ben's private plan")
    anas = send_offer(m["ana"], posting, hourly_rate=Decimal("70.00"))
    assert list(offers_for(user=m["ana"], posting=posting)) == [anas]
    client.force_login(m["ana"])
    page = client.get(posting.get_absolute_url()).content.decode()
    assert "Ben&#x27;s private plan" not in page and "ben@example.com" not in page
    assert 'data-testid="offers"' not in page and 'data-testid="close-posting"' not in page
    with pytest.raises(PermissionDenied, match="Only an owner"):
        offer_choose(actor=m["ana"], offer=bens)
    assert client.post(reverse("onboarding:offer_choose", args=[bens.pk])).status_code == 404
    close = reverse("onboarding:posting_close", args=[posting.pk])
    assert client.post(close, {"reason": ""}).status_code == 404
    # The customer chooses.
    offer_choose(actor=m["owner"], offer=bens)
    posting.refresh_from_db()
    assert posting.status == Posting.Status.CHOSEN


def test_posting_for_ones_own_customer_is_unchanged_for_members():
    m = market()
    posting = posting_for(m["member"], skills=[m["django"]], title="By the member")
    assert not posting.on_behalf and posting.created_by == m["member"]
