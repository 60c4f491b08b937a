"""The alerts of the 1-hour response promise (R-QUERY-1H), run every minute by
``projects.tasks.queries.query_alerts_task``."""

from collections import defaultdict

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from projects.models import Assignment, Query
from projects.models.queries import WARN_BEFORE_DEADLINE
from projects.services.query_common import query_summary, staff_recipients
from softwaresupp.notifications import absolute_url, notify
from softwaresupp.outbox import outbox_batch

# A message lists at most this many queries, then links to the full list.
DIGEST_LIMIT = 50


def _digest(template: str, recipients, queries: list, all_url: str) -> None:
    """One message per person and kind; a long list shows its first entries and a link.
    The messages are outbox rows written in the run's transaction, with the stamps: an
    alert is marked sent exactly when its messages are queued, and the key (kind and
    queries) keeps a repeated run from queueing them twice."""
    if recipients and queries:
        summaries = [query_summary(query) for query in queries]
        notify(
            template=template,
            recipients=recipients,
            key=f"{template}:" + ",".join(str(query.pk) for query in queries),
            context={
                "queries": summaries[:DIGEST_LIMIT],
                "count": len(summaries),
                "more": max(0, len(summaries) - DIGEST_LIMIT),
                "all_url": all_url,
            },
        )


def query_alerts_send() -> dict[str, int]:
    """The alerts of the 1-hour promise (R-QUERY-1H), as one catch-up over the rows:

    - a query waiting on a project with no expert assigned today (any more): staff;
    - 15 minutes before its deadline: a warning to the project's experts;
    - at its deadline (60:00 after asking): a breach alert to them and to staff.

    Each alert is sent once per query: this run locks the waiting queries that are due an
    alert and not yet stamped with it (skipping any another run holds), stamps them, and
    sends what it stamped, so a second, late or concurrent run finds nothing left to send.
    A warning whose deadline passed before any run saw it gives way to the breach alert, and
    once the breach alert is out the query leaves the job's index.
    Each person gets one message per kind per run, listing their queries. The number of SQL
    statements is fixed, however many queries are open."""
    now = timezone.now()
    team_today = Assignment.objects.covering(now.date()).filter(project_id=OuterRef("project_id"))
    with transaction.atomic():
        due = list(
            Query.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(state=Query.State.WAITING, breach_alerted_at__isnull=True)
            .annotate(has_team=Exists(team_today))
            .filter(
                Q(unassigned_alerted_at__isnull=True, has_team=False)
                | Q(warned_at__isnull=True, first_response_due_at__lte=now + WARN_BEFORE_DEADLINE)
                | Q(first_response_due_at__lte=now)
            )
            .select_related("project")
            .order_by("first_response_due_at", "pk")
        )
        unassigned = [q for q in due if q.unassigned_alerted_at is None and not q.has_team]
        breached = [q for q in due if q.first_response_due_at <= now]
        warned = [
            q
            for q in due
            if q.warned_at is None and now < q.first_response_due_at <= now + WARN_BEFORE_DEADLINE
        ]
        for stamp, queries in (
            ("unassigned_alerted_at", unassigned),
            ("warned_at", warned),
            ("breach_alerted_at", breached),
        ):
            if queries:
                Query.objects.filter(pk__in=[q.pk for q in queries]).update(**{stamp: now})

        teams: dict[int, list] = defaultdict(list)
        if warned or breached:
            alerted_projects = {q.project_id for q in (*warned, *breached)}
            for assignment in (
                Assignment.objects.covering(now.date())
                .filter(project_id__in=alerted_projects)
                .select_related("expert")
                .order_by("expert_id")
            ):
                teams[assignment.project_id].append(assignment.expert)
        warnings, breaches = defaultdict(list), defaultdict(list)
        people = {}
        for queries, digests in ((warned, warnings), (breached, breaches)):
            for query in queries:
                for expert in teams[query.project_id]:
                    people[expert.pk] = expert
                    digests[expert.pk].append(query)
        experts_url = absolute_url(reverse("queries:list"))
        with outbox_batch():  # every message of the run in one INSERT
            for pk, queries in warnings.items():
                _digest("query_warning", [people[pk]], queries, experts_url)
            for pk, queries in breaches.items():
                _digest("query_breach", [people[pk]], queries, experts_url)
            if unassigned or breached:
                staff = staff_recipients()
                staff_url = absolute_url(reverse("queries:staff_open"))
                _digest("query_unassigned", staff, unassigned, staff_url)
                _digest("query_breach", staff, breached, staff_url)
    return {"unassigned": len(unassigned), "warned": len(warned), "breached": len(breached)}
