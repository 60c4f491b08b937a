"""Leads in each stage, planned work and plans, built through the services."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from leads.models import STAGE_ORDER, Lead
from leads.services import lead_advance, lead_create, plan_launch, summary_send


def lead_at(
    stage: str,
    *,
    expert,
    company: str = "Acme Robotics",
    contact_email: str = "anna@acme.example",
    handling: str = Lead.Handling.SELF,
    need: str = "A shop on Shopify",
) -> Lead:
    lead = lead_create(
        actor=expert,
        company=company,
        contact_name="Anna Contact",
        contact_email=contact_email,
        need=need,
        handling=handling,
    )
    for step in STAGE_ORDER[1 : STAGE_ORDER.index(stage) + 1]:
        meeting = timezone.now() - timedelta(days=1) if step == Lead.Stage.OFFER_PRESENTED else None
        lead = lead_advance(actor=expert, lead=lead, to=step, meeting_at=meeting)
    return lead


def planned_work(lead: Lead, *, name: str = "", tasks=None):
    return summary_send(
        actor=lead.expert,
        lead=lead,
        project_name=name or f"{lead.company}: planned work",
        description="What we will build",
        tasks=tasks or [("Set up CI", Decimal("6")), ("Checkout page", Decimal("12.5"))],
        message="See you on the board",
    )


def launched(summary, *, owner, expert=None, rate="60.00", cap=None):
    return plan_launch(
        actor=owner,
        summary=summary,
        expert=expert or summary.lead.expert,
        customer_rate=Decimal(rate),
        weekly_hour_cap=Decimal(cap) if cap else None,
    )
