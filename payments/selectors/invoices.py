"""Reading customer invoices (issue 9, items 4 and 6), and pricing hours at the customer rate:
the one place that finds, for each day with hours, the assignment covering it and its rate in
force that day, a fixed number of queries whatever the number of entries."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import OuterRef, Prefetch, Q, Subquery, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Membership, Organization
from payments.models import Invoice, InvoiceLine
from payments.selectors.rates import customer_rates_on
from projects.models import Assignment, Project
from softwaresupp.money import money
from timesheets.models import TimeEntry

HUNDREDTH = Decimal("0.01")
INVOICES_PER_PAGE = 25


def _covering_assignments(rows, first: date, last: date) -> dict[tuple[int, int, date], int]:
    """``{(project_id, expert_id, day): assignment_id}``: for each day with hours, the
    latest-starting assignment of that expert on that project covering the day."""
    pairs = {(row["project_id"], row["expert_id"]) for row in rows}
    if not pairs:
        return {}
    assignments = (
        Assignment.objects.filter(
            project_id__in={p for p, _ in pairs}, expert_id__in={e for _, e in pairs}
        )
        .overlapping(first, last)
        .order_by("starts_on", "pk")
        .values("pk", "project_id", "expert_id", "starts_on", "ends_on")
    )
    by_pair = defaultdict(list)
    for assignment in assignments:
        by_pair[(assignment["project_id"], assignment["expert_id"])].append(assignment)
    covering = {}
    for row in rows:
        key = (row["project_id"], row["expert_id"], row["day"])
        for assignment in by_pair.get(key[:2], []):
            ends_on = assignment["ends_on"]
            if assignment["starts_on"] <= row["day"] and (ends_on is None or row["day"] <= ends_on):
                covering[key] = assignment["pk"]
    return covering


def priced_days(entries, first: date, last: date) -> list[dict]:
    """The ``entries`` (a TimeEntry queryset within ``first``…``last``) summed per
    organization, project, expert and day, each with ``hours`` (in cents of an hour) and
    ``rate``: the customer rate in force that day, or None where none is set yet."""
    rows = list(
        entries.values("organization_id", "project_id", "expert_id", "day")
        .annotate(hours=Sum("hours"))
        .order_by()
    )
    covering = _covering_assignments(rows, first, last)
    rates = customer_rates_on({(a, key[2]) for key, a in covering.items()})
    for row in rows:
        assignment_id = covering.get((row["project_id"], row["expert_id"], row["day"]))
        row["rate"] = rates.get((assignment_id, row["day"])) if assignment_id else None
        # Exact (quarter hours); SQLite's SUM drops the scale.
        row["hours"] = row["hours"].quantize(HUNDREDTH)
    return rows


# --- pages ---------------------------------------------------------------------------------


def invoice_list(*, user, page=None):
    """One page of the invoices ``user`` may see, newest first, with their organizations
    and the names of the projects they bill (a fixed number of queries per page)."""
    invoices = (
        Invoice.objects.visible_to(user)
        .select_related("organization")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=InvoiceLine.objects.select_related("project").order_by("project__name"),
            )
        )
        .order_by("-issued_at", "-id")
    )
    return Paginator(invoices, INVOICES_PER_PAGE).get_page(page)


def invoice_get(*, user, pk) -> Invoice:
    """One invoice ``user`` may see, with its lines' projects and experts; 404 otherwise."""
    lines = InvoiceLine.objects.select_related("project", "expert").order_by(
        "project__name", "expert__last_name", "expert__first_name", "customer_rate", "pk"
    )
    return get_object_or_404(
        Invoice.objects.visible_to(user)
        .select_related("organization")
        .prefetch_related(Prefetch("lines", queryset=lines)),
        pk=pk,
    )


def billed_organizations(user):
    """The organizations whose billing ``user`` manages: those they own."""
    owned = Membership.objects.filter(user=user, role=Membership.Role.OWNER)
    return Organization.objects.filter(pk__in=owned.values("organization_id")).order_by("name")


def _no_hours() -> dict:
    return {"hours": Decimal("0.00"), "cost": Decimal(0), "unpriced": 0}


def _cost_row(project: Project, figures: dict) -> dict:
    """A project's line: this period's hours and cost, and, when it has a budget, what it
    cost so far (invoiced plus this period) against it."""
    cost = money(figures["cost"])
    row = {"name": project.name, **figures, "cost": cost, "budget": project.budget}
    if project.budget:
        spent = (project.invoiced or Decimal("0.00")) + cost
        row["spent"] = spent
        row["budget_share"] = int(spent * 100 / project.budget)
    return row


def period_cost_so_far(*, user, today: date | None = None) -> list[dict]:
    """For each organization ``user`` owns: the current pay period's hours so far, per
    project, at the customer rate in force on each day, and their total ("this period's
    hours will cost"). Each project's amount is rounded once, like an invoice line; hours
    without a customer rate yet are counted apart. A fixed number of queries."""
    from payments.services.settlement import period_of

    first, last = period_of(today or timezone.localdate())
    organizations = list(billed_organizations(user))
    if not organizations:
        return []
    entries = TimeEntry.objects.filter(
        organization_id__in=[o.pk for o in organizations], day__gte=first, day__lte=last
    )
    projects = defaultdict(_no_hours)
    for row in priced_days(entries, first, last):
        project = projects[(row["organization_id"], row["project_id"])]
        project["hours"] += row["hours"]
        if row["rate"] is None:
            project["unpriced"] += row["hours"]
        else:
            project["cost"] += row["hours"] * row["rate"]
    # The projects with hours this period or a budget, with what was invoiced so far (void
    # invoices aside): one query.
    invoiced = (
        InvoiceLine.objects.filter(project=OuterRef("pk"))
        .exclude(invoice__state=Invoice.State.VOID)
        .order_by()
        .values("project")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    shown = Project.objects.filter(
        Q(pk__in={p for _, p in projects}) | Q(organization__in=organizations, budget__isnull=False)
    ).annotate(invoiced=Subquery(invoiced))
    shown = {project.pk: project for project in shown}
    for project in shown.values():
        projects.setdefault((project.organization_id, project.pk), _no_hours())
    summaries = []
    for organization in organizations:
        rows = [
            _cost_row(shown[project_id], figures)
            for (org_id, project_id), figures in projects.items()
            if org_id == organization.pk
        ]
        rows.sort(key=lambda row: row["name"])
        summaries.append(
            {
                "organization": organization,
                "starts_on": first,
                "ends_on": last,
                "projects": rows,
                "hours": sum((row["hours"] for row in rows), Decimal("0.00")),
                "cost": sum((row["cost"] for row in rows), Decimal("0.00")),
                "unpriced": sum((row["unpriced"] for row in rows), Decimal(0)),
            }
        )
    return summaries
