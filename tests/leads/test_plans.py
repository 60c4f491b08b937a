"""R-LEAD-SUMMARY and R-PLAN: the expert sends the planned work (opening the customer's
account when there is none), the customer's owner launches the hourly plan from it (the
project active, the expert assigned at an agreed rate of at least the minimum), then asks
for offers, which the expert estimates line by line and the customer accepts or declines."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Invitation, Membership, Organization
from accounts.services import invitation_accept
from leads.models import Attribution, HourlyPlan, Lead, Offer
from leads.services import (
    offer_accept,
    offer_decline,
    offer_request,
    offer_send,
    summary_send,
)
from payments.models import AssignmentRate
from projects.models import Assignment, Project, Task
from softwaresupp.models import OutboxMessage
from tests.factories.accounts import OrganizationFactory, customer, expert
from tests.leads.helpers import launched, lead_at, planned_work

pytestmark = pytest.mark.django_db


def _accepted_owner(summary):
    invitation = summary.invitation
    return invitation_accept(
        invitation=invitation, first_name="Anna", last_name="Owner", password="x-Pass-12345"
    )


def test_planned_work_opens_the_customers_account_and_drafts_the_project():
    person = expert()
    lead = lead_at(Lead.Stage.PLANNING, expert=person, company="Acme Robotics")
    summary = planned_work(lead)
    organization = summary.organization
    assert organization.name == "Acme Robotics"
    assert not organization.memberships.exists()  # the expert never becomes a member
    invitation = summary.invitation
    assert invitation.email == "anna@acme.example"
    assert invitation.role == Membership.Role.OWNER
    project = summary.project
    assert project.status == Project.Status.DRAFT and project.organization == organization
    tasks = list(project.tasks.order_by("position"))
    assert [(t.title, t.estimate_hours, t.status, t.sprint_id) for t in tasks] == [
        ("Set up CI", Decimal("6.00"), Task.Status.TODO, None),
        ("Checkout page", Decimal("12.50"), Task.Status.TODO, None),
    ]
    lead.refresh_from_db()
    assert lead.organization == organization
    assert Attribution.objects.get(organization=organization).lead == lead
    mail = OutboxMessage.objects.get(template="lead_summary")
    assert mail.to == "anna@acme.example"
    assert "Set up CI: 6 h" in mail.text and "Total: 18.5 h" in mail.text
    assert invitation.token in mail.text


def test_planned_work_for_an_existing_customer_goes_to_their_organization_unattributed():
    organization = OrganizationFactory(name="Globex Retail")
    owner = customer(organization, Membership.Role.OWNER, email="carla@globex.example")
    lead = lead_at(
        Lead.Stage.PLANNING, expert=expert(), company="Globex", contact_email=owner.email
    )
    summary = planned_work(lead)
    assert summary.organization == organization and summary.invitation is None
    assert Organization.objects.count() == 1
    # An existing customer stays with whatever brought them: no expert claims them.
    assert not Attribution.objects.exists()


def test_planned_work_is_the_leads_experts_in_planning_once():
    person = expert()
    early = lead_at(Lead.Stage.OFFER_PRESENTED, expert=person)
    with pytest.raises(ValidationError):
        planned_work(early)
    lead = lead_at(Lead.Stage.PLANNING, expert=person, company="Two")
    with pytest.raises(PermissionDenied):
        summary_send(
            actor=expert(), lead=lead, project_name="X", description="", tasks=[("A", Decimal(1))]
        )
    planned_work(lead)
    with pytest.raises(ValidationError):
        planned_work(lead, name="Again")


def test_the_customer_signs_in_and_launches_the_hourly_plan():
    person = expert()
    summary = planned_work(lead_at(Lead.Stage.PLANNING, expert=person))
    owner = _accepted_owner(summary)
    plan = launched(summary, owner=owner, rate="60.00", cap="15")
    project = Project.objects.get(pk=summary.project_id)
    assert project.status == Project.Status.ACTIVE
    assignment = Assignment.objects.get(project=project)
    assert assignment.expert == person and assignment.role == Assignment.Role.LEAD
    assert plan.assignment == assignment and plan.weekly_hour_cap == Decimal("15")
    # The cap travels with the assignment, where every path that logs hours keeps it.
    assert assignment.weekly_hour_cap == Decimal("15")
    assert AssignmentRate.objects.get(assignment=assignment).customer_rate == Decimal("60.00")
    assert Lead.objects.get(pk=summary.lead_id).stage == Lead.Stage.WON
    assert project in Project.objects.visible_to(person)  # the expert sees the board now
    assert OutboxMessage.objects.filter(template="lead_plan_launched", to=person.email).exists()
    with pytest.raises(ValidationError):
        launched(summary, owner=owner)


def test_the_plan_rate_is_at_least_the_minimum_and_only_an_owner_launches_it():
    summary = planned_work(lead_at(Lead.Stage.PLANNING, expert=expert()))
    owner = _accepted_owner(summary)
    member = customer(summary.organization, Membership.Role.MEMBER)
    with pytest.raises(PermissionDenied):
        launched(summary, owner=member)
    with pytest.raises(ValidationError) as refused:
        launched(summary, owner=owner, rate="49.99")
    assert "customer_rate" in refused.value.error_dict
    assert not HourlyPlan.objects.exists()
    assert Project.objects.get(pk=summary.project_id).status == Project.Status.DRAFT


def test_a_kept_lead_gives_its_expert_priority_a_pooled_one_the_other_experts():
    kept = planned_work(lead_at(Lead.Stage.PLANNING, expert=expert()))
    other = expert()
    with pytest.raises(ValidationError):
        launched(kept, owner=_accepted_owner(kept), expert=other)
    pooler = expert()
    pooled = planned_work(
        lead_at(
            Lead.Stage.PLANNING,
            expert=pooler,
            company="Pool Co",
            contact_email="p@pool.example",
            handling=Lead.Handling.POOL,
        )
    )
    owner = _accepted_owner(pooled)
    with pytest.raises(ValidationError):
        launched(pooled, owner=owner, expert=pooler)
    assert launched(pooled, owner=owner, expert=other).expert == other


def _plan():
    person = expert()
    summary = planned_work(lead_at(Lead.Stage.PLANNING, expert=person))
    owner = _accepted_owner(summary)
    return launched(summary, owner=owner), owner, person


def test_an_offer_is_estimated_in_lines_and_accepted_into_tasks():
    plan, owner, person = _plan()
    offer = offer_request(actor=owner, plan=plan, title="Marketplace", request="Sellers")
    assert OutboxMessage.objects.filter(template="lead_offer_requested", to=person.email).exists()
    with pytest.raises(ValidationError) as low:
        offer_send(actor=person, offer=offer, lines=[("A", Decimal("1"))], rate=Decimal("40"))
    assert "rate" in low.value.error_dict
    offer = offer_send(
        actor=person,
        offer=offer,
        lines=[("Data model", Decimal("16")), ("API", Decimal("2.5"))],
        rate=Decimal("60.33"),
    )
    assert offer.state == Offer.State.SENT
    # Each line is hours × rate rounded half-up once; the total is their sum.
    assert [line.amount for line in offer.lines.all()] == [Decimal("965.28"), Decimal("150.83")]
    assert offer.total == Decimal("1116.11")
    assert OutboxMessage.objects.filter(template="lead_offer_sent", to=owner.email).exists()
    offer_accept(actor=owner, offer=offer)
    tasks = Task.objects.filter(project=plan.project, title__in=["Data model", "API"])
    assert {(t.title, t.estimate_hours) for t in tasks} == {
        ("Data model", Decimal("16.00")),
        ("API", Decimal("2.50")),
    }
    assert all(line.task_id for line in offer.lines.all())
    with pytest.raises(ValidationError):
        offer_decline(actor=owner, offer=offer)


def test_an_offer_is_declined_by_an_owner_only():
    plan, owner, person = _plan()
    offer = offer_request(actor=owner, plan=plan, title="Big", request="More")
    with pytest.raises(PermissionDenied):
        offer_send(actor=expert(), offer=offer, lines=[("A", Decimal(1))], rate=Decimal(60))
    offer = offer_send(actor=person, offer=offer, lines=[("A", Decimal(1))], rate=Decimal(60))
    with pytest.raises(PermissionDenied):
        offer_decline(actor=customer(plan.organization, Membership.Role.MEMBER), offer=offer)
    assert offer_decline(actor=owner, offer=offer).state == Offer.State.DECLINED
    assert not Task.objects.filter(title="A").exists()


def test_offers_need_an_active_plan():
    plan, owner, _ = _plan()
    Project.objects.filter(pk=plan.project_id).update(status=Project.Status.PAUSED)
    with pytest.raises(ValidationError):
        offer_request(actor=owner, plan=plan, title="Big", request="More")


def test_the_board_shows_the_planned_work_then_the_plan(client):
    summary = planned_work(lead_at(Lead.Stage.PLANNING, expert=expert()))
    owner = _accepted_owner(summary)
    client.force_login(owner)
    board = client.get(reverse("projects:board", args=[summary.project_id])).content.decode()
    assert reverse("leads:summary", args=[summary.pk]) in board
    response = client.post(
        reverse("leads:plan_launch", args=[summary.pk]),
        {"expert": summary.lead.expert_id, "customer_rate": "55.00", "weekly_hour_cap": ""},
    )
    assert response.status_code == 302
    plan = HourlyPlan.objects.get()
    board = client.get(reverse("projects:board", args=[summary.project_id])).content.decode()
    assert reverse("leads:plan", args=[plan.pk]) in board


def test_the_launch_form_keeps_the_minimum_beside_the_field(client):
    summary = planned_work(lead_at(Lead.Stage.PLANNING, expert=expert()))
    client.force_login(_accepted_owner(summary))
    response = client.post(
        reverse("leads:plan_launch", args=[summary.pk]),
        {"expert": summary.lead.expert_id, "customer_rate": "20.00"},
    )
    assert response.status_code == 200
    assert "non-negotiable" in response.content.decode()
    assert not HourlyPlan.objects.exists()


def test_the_planned_work_form_names_the_bad_line(client):
    person = expert()
    lead = lead_at(Lead.Stage.PLANNING, expert=person)
    client.force_login(person)
    response = client.post(
        reverse("leads:summary_new", args=[lead.pk]),
        {"project_name": "P", "tasks": "Set up CI — 6\nno hours here"},
    )
    assert response.status_code == 200
    assert "Line 2" in response.content.decode()
    assert not Invitation.objects.exists()


def test_the_plan_page_reads_the_same_queries_for_few_and_many_offers(
    client, django_assert_num_queries
):
    plan, owner, person = _plan()
    offer_request(actor=owner, plan=plan, title="O", request="R")
    client.force_login(owner)
    url = reverse("leads:plan", args=[plan.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for n in range(6):
        offer_request(actor=owner, plan=plan, title=f"O{n}", request="R")
    with django_assert_num_queries(len(small)):
        assert client.get(url).status_code == 200
