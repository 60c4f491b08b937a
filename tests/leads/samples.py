"""Tenant A's leads, planned work, hourly plan, offers and referral partner for the sweep.

Expert A registered the leads (one in planning without planned work, one whose planned work
went to owner A's organization and one launched as an hourly plan with two offers); partner A
referred tenant A. Nobody else may see any of it: leads are the expert's and staff's, planned
work, plans and offers the customer's, the expert's and staff's."""

from decimal import Decimal

from leads.models import Attribution, HourlyPlan, Lead, Offer, PlannedWorkSummary, ReferralPartner
from leads.services import offer_request, offer_send, partner_join
from tests.factories.accounts import UserFactory
from tests.leads.helpers import launched, lead_at, planned_work
from tests.tenancy import MARKER, Sample


def populate(world):
    expert, owner = world.expert_a, world.owner_a
    world.extra["lead_a"] = lead_at(
        Lead.Stage.PLANNING,
        expert=expert,
        company=f"Lead {MARKER}",
        contact_email="lead-contact@example.com",
        need=f"Need {MARKER}",
    )
    world.extra["lead_new_a"] = lead_at(
        Lead.Stage.NEW, expert=expert, company=f"New {MARKER}", contact_email="new@example.com"
    )
    summary_lead = lead_at(
        Lead.Stage.PLANNING, expert=expert, company=f"Sent {MARKER}", contact_email=owner.email
    )
    world.extra["planned_a"] = planned_work(summary_lead, name=f"Planned {MARKER}")
    plan_lead = lead_at(
        Lead.Stage.PLANNING, expert=expert, company=f"Plan {MARKER}", contact_email=owner.email
    )
    world.extra["plan_a"] = plan = launched(
        planned_work(plan_lead, name=f"Running {MARKER}"), owner=owner, cap="20"
    )
    world.extra["offer_requested_a"] = offer_request(
        actor=owner, plan=plan, title=f"Offer {MARKER}", request="A larger shop"
    )
    sent = offer_request(actor=owner, plan=plan, title=f"Sent offer {MARKER}", request="More")
    world.extra["offer_sent_a"] = offer_send(
        actor=expert, offer=sent, lines=[(f"Line {MARKER}", Decimal("8"))], rate=Decimal("60")
    )
    partner_user = UserFactory(email="partner-a@example.com", first_name="Pat")
    world.extra["partner_a"] = partner = partner_join(user=partner_user)
    Attribution.objects.create(organization=world.org_a, partner=partner)


ROUTES = {
    # One's own leads (an expert's) or, for staff, a redirect to the pipeline.
    "leads:list": Sample(writer="expert_a"),
    "leads:create": Sample(
        payload=lambda w: {
            "company": "Sweep Co",
            "contact_name": "Sam",
            "contact_email": "sam@sweep.example",
            "need": "A website",
            "handling": "self",
        },
        writer="expert_a",
        own="an expert registers a lead of their own; others are refused",
        done=lambda w: Lead.objects.filter(company="Sweep Co", expert=w.expert_a).exists(),
    ),
    "leads:detail": Sample(kwargs=lambda w: {"pk": w.lead_a.pk}, writer="expert_a"),
    "leads:edit": Sample(
        kwargs=lambda w: {"pk": w.lead_a.pk},
        payload=lambda w: {
            "company": "Renamed",
            "contact_name": "Sam",
            "contact_email": "sam@sweep.example",
            "need": "A website",
            "handling": "pool",
        },
        writer="expert_a",
        refused={"owner_a": 404, "member_a": 404},
        done=lambda w: Lead.objects.filter(pk=w.lead_a.pk, handling="pool").exists(),
    ),
    # Planning moves on only by its outcome: the sample moves a fresh lead (new → intro).
    "leads:move": Sample(
        kwargs=lambda w: {"pk": w.lead_new_a.pk},
        payload=lambda w: {"to": "introduction"},
        writer="expert_a",
        refused={"owner_a": 404, "member_a": 404},
        done=lambda w: Lead.objects.filter(pk=w.lead_new_a.pk, stage="introduction").exists(),
    ),
    "leads:outcome": Sample(
        kwargs=lambda w: {"pk": w.lead_a.pk},
        payload=lambda w: {"outcome": "lost", "reason": "Went elsewhere"},
        writer="staff",
        refused={"owner_a": 404, "member_a": 404},
        done=lambda w: Lead.objects.filter(pk=w.lead_a.pk, stage="lost").exists(),
    ),
    "leads:summary_new": Sample(
        kwargs=lambda w: {"pk": w.lead_a.pk},
        payload=lambda w: {"project_name": "Sweep project", "tasks": "Set up CI — 6"},
        writer="expert_a",
        refused={"staff": 403, "owner_a": 404},
        done=lambda w: PlannedWorkSummary.objects.filter(lead=w.lead_a).exists(),
    ),
    "leads:pipeline": Sample(
        query=lambda w: {
            "stage": "planning",
            "expert": w.expert_a.pk,
            "handling": "self",
            "stale": "",
            "q": "",
        },
        writer="staff",
    ),
    "leads:summary": Sample(kwargs=lambda w: {"pk": w.planned_a.pk}),
    "leads:plan_launch": Sample(
        kwargs=lambda w: {"pk": w.planned_a.pk},
        payload=lambda w: {
            "expert": w.expert_a.pk,
            "customer_rate": "60.00",
            "weekly_hour_cap": "10",
        },
        refused={"member_a": 403, "expert_a": 403, "staff": 403},
        done=lambda w: HourlyPlan.objects.filter(summary=w.planned_a).exists(),
    ),
    "leads:plan": Sample(kwargs=lambda w: {"pk": w.plan_a.pk}),
    "leads:offer_request": Sample(
        kwargs=lambda w: {"pk": w.plan_a.pk},
        payload=lambda w: {"title": "Sweep offer", "request": "A bigger thing"},
        refused={"expert_a": 403, "staff": 403},
        done=lambda w: Offer.objects.filter(title="Sweep offer").exists(),
    ),
    "leads:offer": Sample(kwargs=lambda w: {"pk": w.offer_sent_a.pk}),
    "leads:offer_estimate": Sample(
        kwargs=lambda w: {"pk": w.offer_requested_a.pk},
        payload=lambda w: {"lines": "Data model — 16\nAPI — 24", "rate": "60.00"},
        writer="expert_a",
        refused={"owner_a": 403, "member_a": 403, "staff": 403},
        done=lambda w: Offer.objects.filter(pk=w.offer_requested_a.pk, state="sent").exists(),
    ),
    "leads:offer_decide": Sample(
        kwargs=lambda w: {"pk": w.offer_sent_a.pk},
        payload=lambda w: {"decision": "accept"},
        refused={"member_a": 403, "expert_a": 403, "staff": 403},
        done=lambda w: Offer.objects.filter(pk=w.offer_sent_a.pk, state="accepted").exists(),
    ),
    # One's own partner page: referred customers' names only.
    "leads:partner": Sample(writer="partner_a"),
    "leads:partner_join": Sample(
        payload=lambda w: {},
        writer="owner_a",
        own="anyone may become a referral partner (their own row)",
        done=lambda w: ReferralPartner.objects.filter(user=w.owner_a).exists(),
    ),
}
