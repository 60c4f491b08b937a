"""The alerts of the 1-hour response promise (R-QUERY-1H), run every minute by
``projects.tasks.queries.query_alerts_task``."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from projects.models import Assignment, Query
from projects.models.queries import WARN_BEFORE_DEADLINE
from projects.services.query_common import staff_recipients
from softwaresupp.notifications import absolute_url, notify
from softwaresupp.outbox import outbox_batch

# A message lists at most this many queries, then links to the full list.
DIGEST_LIMIT = 50


@dataclass(frozen=True)
class _Due:
    """A query due an alert, as the job reads it."""

    pk: int
    project_id: int
    project_name: str
    title: str
    asked_at: datetime
    first_response_due_at: datetime
    unassigned_alerted_at: datetime | None
    warned_at: datetime | None
    has_team: bool


class _Summaries:
    """What the digests say about each query, built once per query and only for the queries
    a message lists (its first ``DIGEST_LIMIT``): a wave of 10,000 alerts lists a few
    thousand. Links come from one reversed path, not a ``reverse()`` per query."""

    def __init__(self):
        self.built: dict[int, dict] = {}
        marker = 2**31 - 1
        self.link = absolute_url(reverse("queries:detail", kwargs={"pk": marker}))
        self.marker = str(marker)

    def of(self, query: _Due) -> dict:
        if query.pk not in self.built:
            # What ``query_summary()`` gives for a Query, from the row.
            self.built[query.pk] = {
                "title": query.title,
                "project": query.project_name,
                "url": self.link.replace(self.marker, str(query.pk)),
                "asked_at": query.asked_at,
                "due_at": query.first_response_due_at,
            }
        return self.built[query.pk]


def _digest(template: str, recipients, queries: list, all_url: str, summaries) -> None:
    """One message per person and kind, sent to everyone whose list is this one; a long
    list shows its first entries and a link. The messages are outbox rows written in the
    run's transaction, with the stamps: an alert is marked sent exactly when its messages
    are queued, and the key (kind and queries) keeps a repeated run from queueing them
    twice. The text names no recipient, so it is rendered once per time zone."""
    if recipients and queries:
        notify(
            template=template,
            recipients=recipients,
            key=f"{template}:" + ",".join(str(query.pk) for query in queries),
            context={
                "queries": [summaries.of(query) for query in queries[:DIGEST_LIMIT]],
                "count": len(queries),
                "more": max(0, len(queries) - DIGEST_LIMIT),
                "all_url": all_url,
            },
            per_time_zone=True,
        )


def _by_list(digests: dict, people: dict) -> list[tuple[list, list]]:
    """Each person's list of queries, grouped: the people with the same list (a project's
    team, typically) get the same message, rendered once."""
    groups: dict[tuple, tuple[list, list]] = {}
    for pk, queries in digests.items():
        key = tuple(query.pk for query in queries)
        groups.setdefault(key, ([], queries))[0].append(people[pk])
    return list(groups.values())


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
        # Plain rows, not models: a wave reads 10,000 of them.
        due = [
            _Due(**row)
            for row in Query.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(state=Query.State.WAITING, breach_alerted_at__isnull=True)
            .annotate(has_team=Exists(team_today))
            .filter(
                Q(unassigned_alerted_at__isnull=True, has_team=False)
                | Q(warned_at__isnull=True, first_response_due_at__lte=now + WARN_BEFORE_DEADLINE)
                | Q(first_response_due_at__lte=now)
            )
            .order_by("first_response_due_at", "pk")
            .values(
                *_Due.__annotations__.keys() - {"project_name"}, project_name=F("project__name")
            )
        ]
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
        summaries = _Summaries()
        with outbox_batch():  # every message of the run in one INSERT
            for template, digests in (("query_warning", warnings), ("query_breach", breaches)):
                for recipients, queries in _by_list(digests, people):
                    _digest(template, recipients, queries, experts_url, summaries)
            if unassigned or breached:
                staff = staff_recipients()
                staff_url = absolute_url(reverse("queries:staff_open"))
                _digest("query_unassigned", staff, unassigned, staff_url, summaries)
                _digest("query_breach", staff, breached, staff_url, summaries)
    return {"unassigned": len(unassigned), "warned": len(warned), "breached": len(breached)}
