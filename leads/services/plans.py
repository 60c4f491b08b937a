"""Hourly plans and offers (R-PLAN): the customer launches an hourly plan from the planned
work (the project becomes active, the expert is assigned at the agreed rate), then may ask
for an offer for a larger project, which the expert estimates line by line and the
customer accepts (the lines become tasks) or declines."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import ExpertProfile, Membership, User
from leads.models import HourlyPlan, Lead, Offer, OfferLine, PlannedWorkSummary
from payments.models.rates import NON_NEGOTIABLE
from payments.selectors.rates import expert_rate_on, region_minimum
from payments.services.rates import assignment_rate_agree
from projects.models import Assignment, Project
from projects.services.projects import assignment_open, project_update
from projects.services.tasks import task_plan
from softwaresupp.events import event_record
from softwaresupp.money import money
from softwaresupp.notifications import absolute_url, notify


def _require_owner(actor: User, organization_id: int) -> None:
    if not Membership.objects.of(actor, organization_id).owners().exists():
        raise PermissionDenied("Only an owner of the customer decides this.")


def plan_experts(summary: PlannedWorkSummary):
    """Who the customer may launch the plan with: the lead's expert when they kept the
    customer (their priority, R-COMMISSION); when they passed it to the pool, the other
    onboarded experts (R-EXPERT-ONBOARD)."""
    lead = summary.lead
    profiles = ExpertProfile.objects.onboarded().select_related("user")
    if lead.handling == Lead.Handling.SELF:
        return profiles.filter(user_id=lead.expert_id)
    return profiles.exclude(user_id=lead.expert_id)


@transaction.atomic
def plan_launch(
    *,
    actor: User,
    summary: PlannedWorkSummary,
    expert: User,
    customer_rate: Decimal,
    weekly_hour_cap: Decimal | None = None,
) -> HourlyPlan:
    """R-PLAN: an owner of the customer launches the hourly plan from the planned work: the
    draft project becomes active (its sprints open), the expert is assigned as its lead
    and the customer rate agreed under the non-negotiable minimum (R-RATE-MIN); the lead
    is won. The customer can submit tasks and queries on the board from now on."""
    summary = (
        PlannedWorkSummary.objects.select_for_update(of=("self",))
        .select_related("lead", "project")
        .get(pk=summary.pk)
    )
    _require_owner(actor, summary.organization_id)
    if HourlyPlan.objects.filter(project=summary.project).exists():
        raise ValidationError("The hourly plan for this project is running already.")
    if not plan_experts(summary).filter(user_id=expert.pk).exists():
        raise ValidationError({"expert": "Choose one of the experts offered for this plan."})
    if weekly_hour_cap is not None and weekly_hour_cap <= 0:
        raise ValidationError({"weekly_hour_cap": "A weekly cap is a number of hours above 0."})
    project = project_update(actor=actor, project=summary.project, status=Project.Status.ACTIVE)
    assignment = assignment_open(
        actor=actor,
        project=project,
        expert=expert,
        role=Assignment.Role.LEAD,
        weekly_hour_cap=weekly_hour_cap,
    )
    assignment_rate_agree(
        actor=actor,
        assignment=assignment,
        customer_rate=customer_rate,
        effective_from=assignment.starts_on,
    )
    plan = HourlyPlan(
        organization_id=summary.organization_id,
        project=project,
        summary=summary,
        expert=expert,
        assignment=assignment,
        customer_rate=customer_rate,
        weekly_hour_cap=weekly_hour_cap,
        launched_by=actor,
    )
    plan.full_clean()
    plan.save()
    event_record(
        actor=actor,
        target=plan,
        verb="hourly plan launched",
        organization=project.organization,
        changes={
            "customer_rate": (None, customer_rate),
            "weekly_hour_cap": (None, weekly_hour_cap),
        },
    )
    lead = Lead.objects.select_for_update().get(pk=summary.lead_id)
    if lead.stage == Lead.Stage.PLANNING:
        before = lead.get_stage_display()
        lead.stage, lead.changed_at = Lead.Stage.WON, timezone.now()
        lead.closed_at = lead.changed_at
        lead.save(update_fields=["stage", "changed_at", "closed_at"])
        event_record(
            actor=actor,
            target=lead,
            verb="lead outcome",
            changes={"stage": (before, lead.get_stage_display())},
            note="the customer launched an hourly plan",
        )
    notify(
        template="lead_plan_launched",
        recipients=[lead.expert],
        context={
            "plan": plan,
            "lead": lead,
            "customer": summary.organization.name,
            "board_url": absolute_url(project.get_absolute_url()),
        },
        key=f"lead_plan_launched:{plan.pk}",
    )
    return plan


def _customer_owners(organization_id: int):
    return User.objects.filter(
        memberships__organization_id=organization_id, memberships__role=Membership.Role.OWNER
    )


@transaction.atomic
def offer_request(*, actor: User, plan: HourlyPlan, title: str, request: str) -> Offer:
    """R-PLAN: a customer with an active plan asks for an offer for a larger project."""
    plan = HourlyPlan.objects.select_related("project", "expert").get(pk=plan.pk)
    if not Membership.objects.of(actor, plan.organization_id).exists():
        raise PermissionDenied("Only the customer asks for an offer.")
    if plan.project.status != Project.Status.ACTIVE:
        raise ValidationError("Offers are for customers with an active hourly plan.")
    offer = Offer(
        organization_id=plan.organization_id,
        plan=plan,
        title=title.strip(),
        request=request.strip(),
        requested_by=actor,
    )
    offer.full_clean()
    offer.save()
    event_record(
        actor=actor,
        target=offer,
        verb="offer requested",
        organization=plan.project.organization,
        changes={"state": (None, offer.get_state_display())},
    )
    notify(
        template="lead_offer_requested",
        recipients=[plan.expert],
        context={"offer": offer, "offer_url": absolute_url(offer.get_absolute_url())},
        key=f"lead_offer_requested:{offer.pk}",
    )
    return offer


def _lock_offer(offer: Offer) -> Offer:
    return (
        Offer.objects.select_for_update(of=("self",))
        .select_related("plan__project__organization", "plan__expert")
        .get(pk=offer.pk)
    )


def _check_rate(expert: User, rate: Decimal) -> None:
    """R-RATE-MIN: an offer's rate keeps the region minimum and the expert's own rate."""
    profile = expert.expert_profile
    least = max(region_minimum(profile.region), expert_rate_on(expert, timezone.localdate()) or 0)
    if rate is None or rate < least:
        raise ValidationError({"rate": f"At least ${least}/h for this expert. {NON_NEGOTIABLE}."})


@transaction.atomic
def offer_send(
    *,
    actor: User,
    offer: Offer,
    lines: list[tuple[str, Decimal]],
    rate: Decimal,
    note: str = "",
) -> Offer:
    """R-PLAN: the plan's expert answers a request with an estimate: line items of hours ×
    rate (each amount rounded half-up to cents, the total their sum); the customer's
    owners are emailed."""
    offer = _lock_offer(offer)
    if offer.plan.expert_id != actor.pk:
        raise PermissionDenied("Only the plan's expert estimates the offer.")
    if offer.state != Offer.State.REQUESTED:
        raise ValidationError(f"This offer is {offer.get_state_display().lower()} already.")
    if not lines:
        raise ValidationError({"lines": "Give at least one line: what, and how many hours."})
    _check_rate(offer.plan.expert, rate)
    built = []
    for position, (title, hours) in enumerate(lines, start=1):
        line = OfferLine(
            offer=offer,
            organization_id=offer.organization_id,
            title=title.strip(),
            hours=hours,
            rate=rate,
            amount=money(hours * rate),
            position=position,
        )
        line.full_clean()
        built.append(line)
    OfferLine.objects.bulk_create(built)
    offer.rate, offer.total = rate, sum((line.amount for line in built), Decimal("0"))
    offer.note, offer.state, offer.sent_at = note.strip(), Offer.State.SENT, timezone.now()
    offer.full_clean()
    offer.save(update_fields=["rate", "total", "note", "state", "sent_at"])
    event_record(
        actor=actor,
        target=offer,
        verb="offer sent",
        organization=offer.plan.project.organization,
        changes={"state": (Offer.State.REQUESTED.label, offer.get_state_display())},
        note=f"${offer.total}",
    )
    notify(
        template="lead_offer_sent",
        recipients=list(_customer_owners(offer.organization_id)),
        context={
            "offer": offer,
            "lines": built,
            "offer_url": absolute_url(offer.get_absolute_url()),
        },
        key=f"lead_offer_sent:{offer.pk}",
    )
    return offer


def _decide(*, actor: User, offer: Offer, to: str) -> Offer:
    offer = _lock_offer(offer)
    _require_owner(actor, offer.organization_id)
    if offer.state != Offer.State.SENT:
        raise ValidationError(f"This offer is {offer.get_state_display().lower()}.")
    before = offer.get_state_display()
    offer.state, offer.decided_by, offer.decided_at = to, actor, timezone.now()
    offer.save(update_fields=["state", "decided_by", "decided_at"])
    event_record(
        actor=actor,
        target=offer,
        verb=f"offer {to}",
        organization=offer.plan.project.organization,
        changes={"state": (before, offer.get_state_display())},
    )
    notify(
        template="lead_offer_decided",
        recipients=[offer.plan.expert],
        context={"offer": offer, "offer_url": absolute_url(offer.get_absolute_url())},
        key=f"lead_offer_decided:{offer.pk}",
    )
    return offer


@transaction.atomic
def offer_accept(*, actor: User, offer: Offer) -> Offer:
    """R-PLAN: an owner accepts the estimate; each line becomes an estimated task on the
    board (in the backlog, ready to plan)."""
    offer = _decide(actor=actor, offer=offer, to=Offer.State.ACCEPTED)
    lines = list(offer.lines.all())
    for line in lines:
        line.task = task_plan(
            actor=actor,
            project=offer.plan.project,
            title=line.title,
            estimate_hours=line.hours,
            description=f"From the offer “{offer.title}”.",
        )
    OfferLine.objects.bulk_update(lines, ["task"])
    return offer


@transaction.atomic
def offer_decline(*, actor: User, offer: Offer) -> Offer:
    return _decide(actor=actor, offer=offer, to=Offer.State.DECLINED)
