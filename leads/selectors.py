"""Reads for leads, planned work, plans, offers and referrals, scoped to the user
(R-TENANT). A referral partner sees the names of the customers they referred and their
commissions, never a board, an invoice line or a person's details."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, Prefetch, Q, Subquery, Sum
from django.utils import timezone

from leads.models import (
    Attribution,
    Commission,
    HourlyPlan,
    Lead,
    Offer,
    OfferLine,
    PlannedWorkSummary,
    ReferralPartner,
)
from leads.services.pipeline import REMINDER_AFTER
from payments.models import Invoice
from projects.models import Task
from softwaresupp.forms import parse_id
from softwaresupp.money import money
from softwaresupp.tenancy import get_visible_or_404


def _leads(user):
    return (
        Lead.objects.visible_to(user)
        .select_related("expert", "organization")
        .prefetch_related("technology")
    )


@dataclass
class PipelineFilters:
    stage: str = ""
    expert: int | None = None
    handling: str = ""
    stale: bool = False
    text: str = ""

    @classmethod
    def from_query(cls, params) -> "PipelineFilters":
        stage = params.get("stage") or ""
        handling = params.get("handling") or ""
        return cls(
            stage=stage if stage in Lead.Stage.values else "",
            expert=parse_id(params.get("expert")),
            handling=handling if handling in Lead.Handling.values else "",
            stale=params.get("stale") == "1",
            text=(params.get("q") or "").strip()[:100],
        )

    def apply(self, leads):
        if self.stage:
            leads = leads.filter(stage=self.stage)
        if self.expert:
            leads = leads.filter(expert_id=self.expert)
        if self.handling:
            leads = leads.filter(handling=self.handling)
        if self.stale:
            leads = leads.open().filter(changed_at__lte=timezone.now() - REMINDER_AFTER)
        if self.text:
            leads = leads.filter(
                Q(company__icontains=self.text)
                | Q(contact_name__icontains=self.text)
                | Q(need__icontains=self.text)
            )
        return leads


def projects_the_expert_posts_for(user):
    """R-MATCH: the ids of the projects ``user`` may post for on a customer's behalf as the
    expert of its lead: the one their planned work drafted for it, not the customer's other
    projects (registered with ``projects.posting_rights`` when the app is ready)."""
    leads = Lead.objects.filter(expert=user).posting_for_customer()
    return PlannedWorkSummary.objects.filter(lead__in=leads).values("project_id")


def lead_list(*, user, filters: PipelineFilters | None = None):
    leads = _leads(user)
    return (filters or PipelineFilters()).apply(leads)


def _paid_total(organization_ref: str):
    """The sum of an organization's paid invoices, as a subquery (lifetime value)."""
    paid = (
        Invoice.objects.filter(organization=OuterRef(organization_ref), state=Invoice.State.PAID)
        .order_by()
        .values("organization")
        .annotate(total=Sum("total"))
        .values("total")
    )
    return Subquery(paid, output_field=DecimalField(max_digits=14, decimal_places=2))


def pipeline_list(*, user, filters: PipelineFilters):
    """Staff's pipeline: each lead with its customer's lifetime value, in the same query."""
    return lead_list(user=user, filters=filters).annotate(
        lifetime_value=_paid_total("organization_id")
    )


def pipeline_counts(*, user) -> dict[str, int]:
    """Leads per stage, for the pipeline's header (one GROUP BY)."""
    rows = Lead.objects.visible_to(user).values("stage").annotate(n=Count("pk"))
    counts = {row["stage"]: row["n"] for row in rows}
    return {value: counts.get(value, 0) for value in Lead.Stage.values}


def lead_get(*, user, pk) -> Lead:
    queryset = Lead.objects.select_related("expert", "organization").prefetch_related("technology")
    return get_visible_or_404(queryset, user, pk=pk)


def lead_is_stale(lead: Lead) -> bool:
    return lead.is_open and lead.changed_at <= timezone.now() - REMINDER_AFTER


def summary_get(*, user, pk) -> PlannedWorkSummary:
    queryset = PlannedWorkSummary.objects.select_related(
        "lead__expert", "organization", "project", "invitation"
    )
    summary = get_visible_or_404(queryset, user, pk=pk)
    summary.planned_tasks = list(
        Task.objects.filter(project_id=summary.project_id)
        .exclude(status=Task.Status.CANCELLED)
        .order_by("position", "pk")
    )
    summary.total_hours = sum(task.estimate_hours or 0 for task in summary.planned_tasks)
    summary.launched_plan = HourlyPlan.objects.filter(summary=summary).first()
    return summary


def plan_get(*, user, pk) -> HourlyPlan:
    queryset = HourlyPlan.objects.select_related("project", "expert", "organization")
    plan = get_visible_or_404(queryset, user, pk=pk)
    plan.offer_list = list(plan.offers.order_by("-requested_at", "-pk"))
    return plan


def offer_get(*, user, pk) -> Offer:
    queryset = Offer.objects.select_related(
        "plan__project", "plan__expert", "requested_by", "decided_by"
    ).prefetch_related(Prefetch("lines", queryset=OfferLine.objects.order_by("position", "pk")))
    return get_visible_or_404(queryset, user, pk=pk)


def lifetime_value(organization) -> Decimal:
    """R-COMMISSION: what a customer has paid so far, the sum of its paid invoices."""
    total = Invoice.objects.filter(organization=organization, state=Invoice.State.PAID).aggregate(
        total=Sum("total")
    )["total"]
    return money(total or 0)


RECENT_COMMISSIONS = 50


@dataclass
class PartnerPage:
    partner: ReferralPartner | None
    customers: list = field(default_factory=list)  # referred organizations: name, since
    commissions: list = field(default_factory=list)  # the latest, with the customer's name
    totals: dict = field(default_factory=dict)  # pending / credited sums


def partner_page(*, user) -> PartnerPage:
    """What one sees of what they brought: their link, and the customers attributed to
    them as a partner or by a lead they passed to the pool (names and dates only)."""
    partner = ReferralPartner.objects.filter(user=user).first()
    customers = list(
        Attribution.objects.filter(
            Q(partner__user=user) | Q(lead__expert=user, lead__handling=Lead.Handling.POOL)
        )
        .select_related("organization")
        .only("pk", "created_at", "organization__name", "partner_id", "lead_id")
        .order_by("-created_at", "-pk")
    )
    own = Commission.objects.filter(beneficiary=user)
    commissions = list(
        own.select_related("organization")
        .only(
            "pk",
            "kind",
            "amount",
            "state",
            "available_on",
            "created_at",
            "credited_at",
            "organization__name",
        )
        .order_by("-created_at", "-pk")[:RECENT_COMMISSIONS]
    )
    sums = own.values("state").annotate(total=Sum("amount"))
    totals = {row["state"]: money(row["total"] or 0) for row in sums}
    return PartnerPage(
        partner=partner,
        customers=customers,
        commissions=commissions,
        totals={
            "pending": totals.get(Commission.State.PENDING, money(0)),
            "credited": totals.get(Commission.State.CREDITED, money(0)),
        },
    )


def board_plan_panel(*, project):
    """For the board: the project's hourly plan or, for a draft, its planned-work summary
    waiting for launch (one query)."""
    if project.status == project.Status.DRAFT:
        summary = PlannedWorkSummary.objects.filter(project=project).first()
        return {"summary": summary} if summary else None
    plan = HourlyPlan.objects.filter(project=project).select_related("expert").first()
    return {"plan": plan} if plan else None
