"""R-MATCH: the expert of a customer's lead posts a project for that customer; the customer
decides. Leads register the rule in ``projects.posting_rights`` (leads and onboarding may
not import each other: tests/core/test_layers.py)."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from leads.models import Lead
from leads.services import lead_outcome_record
from onboarding.models import Posting
from onboarding.selectors import offers_for, posting_list, posting_projects
from onboarding.services import offer_choose, posting_create
from projects.models import Project
from projects.posting_rights import (
    may_post_for,
    may_post_for_project,
    organizations_posted_for,
    projects_posted_for,
)
from softwaresupp.models import Event, OutboxMessage
from tests.factories.accounts import ExpertProfileFactory, customer, verified_staff
from tests.factories.projects import ProjectFactory
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


def _planned(lead) -> Project:
    """The draft project the lead's expert planned on the customer's board."""
    return lead.summary.project


def _form(project, m, **overrides) -> dict:
    return {
        "project": project.pk,
        "title": "Checkout rework",
        "scope": "Rework the checkout.",
        "skills": [m["django"].pk],
        "engagement_type": "hourly",
        "hours_per_week": "15",
        "starts_on": (timezone.now().date() + timedelta(days=5)).isoformat(),
        "preferred_regions": ["eu"],
        **overrides,
    }


def _posted_by(expert, m, project, **fields):
    """The expert posts for the owner's organization through the service directly
    (``posting_for`` posts as one of its members)."""
    return posting_create(
        actor=expert,
        organization=m["organization"],
        project=project,
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
    # Per project: the one Ana planned, not the customer's other open project.
    assert list(projects_posted_for(m["ana"])) == [_planned(lead)]
    assert list(organizations_posted_for(m["ana"])) == [m["organization"]]
    assert may_post_for(m["ana"], m["organization"])
    assert may_post_for_project(m["ana"], _planned(lead))
    assert not may_post_for_project(m["ana"], m["posting"].project)
    assert not may_post_for(m["ben"], m["organization"])
    assert not projects_posted_for(m["ben"]).exists()


def test_the_expert_of_the_lead_posts_for_the_customer_and_its_owners_are_told_once(client):
    m = market()
    lead = _lead_of(m["ana"], m["owner"])
    client.force_login(m["ana"])
    url = reverse("onboarding:posting_new", args=[m["organization"].slug])
    page = client.get(url)
    assert page.status_code == 200 and 'data-testid="on-behalf"' in page.content.decode()
    response = client.post(url, _form(_planned(lead), m))
    posting = Posting.objects.get(title="Checkout rework")
    assert response.status_code == 302 and response["Location"] == posting.get_absolute_url()
    assert posting.on_behalf and posting.created_by == m["ana"]
    assert posting.project == _planned(lead)
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
    assert client.post(url, _form(m["posting"].project, m)).status_code == 404
    with pytest.raises(PermissionDenied):
        _posted_by(expert, m, m["posting"].project)
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
    posting = _posted_by(m["ana"], m, _planned(lead))
    assert posting in Posting.objects.visible_to(m["ana"])
    lead_outcome_record(actor=m["ana"], lead=lead, outcome="lost", reason="Went elsewhere")
    # Open and matching Ana's skills: still shown, as to any matching expert...
    assert posting in Posting.objects.visible_to(m["ana"])
    # ...but a posting outside her skills was visible only as hers, and is gone.
    other = ExpertProfileFactory(skills=[]).user
    lead_other = _lead_of(other, m["owner"])
    hers = _posted_by(other, m, _planned(lead_other))
    assert hers in Posting.objects.visible_to(other)
    lead_outcome_record(actor=other, lead=lead_other, outcome="lost", reason="No")
    assert hers not in Posting.objects.visible_to(other)


def test_the_posting_expert_sees_only_their_own_offer_and_cannot_choose(client):
    m = market()
    lead = _lead_of(m["ana"], m["owner"])
    posting = _posted_by(m["ana"], m, _planned(lead))
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


def _project_options(page: str) -> set[int]:
    """The project ids the posting form's project drop-down offers."""
    select = re.search(r'<select name="project".*?</select>', page, re.S).group(0)
    return {int(pk) for pk in re.findall(r'<option value="(\d+)"', select)}


def test_a_posting_on_behalf_for_a_project_the_right_does_not_cover_is_hidden_from_its_expert(
    client,
):
    """A posting made for another of the customer's projects (before the rule was per
    project, or moved since) is not the expert's to follow: hidden, and 404."""
    m = market()
    skill_free = ExpertProfileFactory(skills=[]).user  # sees nothing as a matching expert
    lead = _lead_of(skill_free, m["owner"])
    posting = _posted_by(skill_free, m, _planned(lead))
    assert posting in Posting.objects.visible_to(skill_free)
    client.force_login(skill_free)
    assert client.get(posting.get_absolute_url()).status_code == 200
    other = ProjectFactory(organization=m["organization"], name="Warehouse scanner app")
    Posting.objects.filter(pk=posting.pk).update(project=other)
    assert posting not in Posting.objects.visible_to(skill_free)
    assert client.get(posting.get_absolute_url()).status_code == 404
    assert posting in Posting.objects.visible_to(m["owner"])


def test_the_leads_expert_is_offered_only_the_planned_project_the_customer_all(client):
    m = market()
    lead = _lead_of(m["ana"], m["owner"])
    other = ProjectFactory(organization=m["organization"], name="Warehouse scanner app")
    ProjectFactory(organization=m["organization"], status=Project.Status.CLOSED)
    url = reverse("onboarding:posting_new", args=[m["organization"].slug])
    client.force_login(m["ana"])
    page = client.get(url).content.decode()
    assert _project_options(page) == {_planned(lead).pk}
    assert "Warehouse scanner app" not in page and m["posting"].project.name not in page
    # The customer's people (and staff) choose among all its projects not closed.
    every_open = {m["posting"].project.pk, _planned(lead).pk, other.pk}
    for person in (m["owner"], m["member"]):
        client.force_login(person)
        assert _project_options(client.get(url).content.decode()) == every_open
    staff = verified_staff()
    assert set(posting_projects(user=staff, organization=m["organization"])) == set(
        Project.objects.filter(pk__in=every_open)
    )


def test_the_leads_expert_cannot_post_for_another_project_of_the_customer(client, monkeypatch):
    m = market()
    lead = _lead_of(m["ana"], m["owner"])
    elsewhere = _lead_of(m["ana"], customer(email="elsewhere@example.com"))
    queued = OutboxMessage.objects.count()
    client.force_login(m["ana"])
    url = reverse("onboarding:posting_new", args=[m["organization"].slug])
    response = client.post(url, _form(m["posting"].project, m))
    assert response.status_code == 200
    assert response.context["form"].errors["project"] == ["Choose one of the projects listed."]
    assert "Choose one of the projects listed." in response.content.decode()
    # Should the form offer it (a page opened before the rule changed), the service refuses,
    # and the view shows why beside the field.
    monkeypatch.setattr(
        "onboarding.forms.posting_projects",
        lambda *, user, organization: Project.objects.filter(organization=organization),
    )
    response = client.post(url, _form(m["posting"].project, m))
    refusal = "As the lead&#x27;s expert you can post only for the project you planned"
    assert response.status_code == 200 and refusal in response.content.decode()
    assert "project" in response.context["form"].errors
    with pytest.raises(ValidationError) as refused:
        _posted_by(m["ana"], m, m["posting"].project)
    assert list(refused.value.message_dict) == ["project"]
    # Nor for a project of another customer, even one Ana planned: the model's check, as
    # for the customer's own members.
    with pytest.raises(ValidationError) as refused:
        _posted_by(m["ana"], m, _planned(elsewhere))
    assert refused.value.message_dict["project"] == ["Choose a project of this organization."]
    with pytest.raises(ValidationError) as refused:
        posting_for(m["member"], skills=[m["django"]], project=_planned(elsewhere))
    assert refused.value.message_dict["project"] == ["Choose a project of this organization."]
    assert Posting.objects.count() == 1  # the customer's own, nothing more
    assert OutboxMessage.objects.count() == queued
    assert not Event.objects.filter(verb="posted for the customer").exists()
    # The same payload for the planned project is posted.
    response = client.post(url, _form(_planned(lead), m))
    assert response.status_code == 302 and Posting.objects.count() == 2


def test_the_rule_gives_the_planned_project_only_and_a_lost_lead_none():
    m = market()
    ProjectFactory(organization=m["organization"])
    lead = _lead_of(m["ana"], m["owner"])
    assert list(projects_posted_for(m["ana"])) == [_planned(lead)]
    lost = _lead_of(m["ben"], m["owner"], stage=Lead.Stage.LOST)
    assert lost.summary.project and not projects_posted_for(m["ben"]).exists()
    assert not organizations_posted_for(m["ben"]).exists()
    lead_outcome_record(actor=m["ana"], lead=lead, outcome="lost", reason="Went elsewhere")
    assert not projects_posted_for(m["ana"]).exists()
