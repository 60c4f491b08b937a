"""Customer queries and the 1-hour first-response promise (R-QUERY-1H, R-QUERY-ANSWER,
R-QUERY-ACTION, R-QUERY-COMMUNITY).

The deadlines live on the rows (``Query.first_response_due_at``, ``QueryPromise.due_at``), so
alerts, lists and figures are queries, not loops. What the customer may see (the query, its
files, the experts' responses, the customer's replies) and what they may not (the internal
community thread) are separate tables with separate visibility rules.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organization
from projects.models.core import Assignment, Project, Task

FIRST_RESPONSE_WITHIN = timedelta(hours=1)
WARN_BEFORE_DEADLINE = timedelta(minutes=15)


ON_TIME, BREACH, NOT_OWED, WAITING = "on time", "breach", "not owed", "waiting"


def first_response_outcome(*, due_at, responded_at, resolved_at, now) -> str:
    """R-QUERY-1H, decided here and nowhere else. Only the team stops the clock:
    ``first_responded_at`` is set by their first response, or by their resolving the query
    (``query_resolve``), never by the customer. A response before 60:00 is on time, at 60:00
    or later (or none by then) a breach. A query the customer closed before the hour was up,
    with no response yet, owed none: it is neither on time nor a breach."""
    if responded_at is not None:
        return ON_TIME if responded_at < due_at else BREACH
    if resolved_at is not None and resolved_at < due_at:
        return NOT_OWED
    return BREACH if now >= due_at else WAITING


def team_project_ids(user):
    """Projects on which ``user`` is one of the experts today: a subquery of ids."""
    return Assignment.objects.current().filter(expert=user).values("project_id")


def is_on_team(user, project) -> bool:
    """Staff, or an expert assigned to the project today: the people who answer queries."""
    if not user.is_authenticated:
        return False
    return (
        user.sees_everything
        or Assignment.objects.current().filter(expert=user, project=project).exists()
    )


class QueryQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(project__in=Project.objects.visible_to(user).values("pk"))

    def open(self):
        return self.exclude(state=Query.State.RESOLVED)


class QueryPartQuerySet(models.QuerySet):
    """Files, responses, replies and promises: seen by whoever may see their query."""

    def visible_to(self, user):
        return self.filter(query__project__in=Project.objects.visible_to(user).values("pk"))


class Query(models.Model):
    """A customer's question on the board, with its 1-hour first-response clock (R-QUERY-1H)."""

    class State(models.TextChoices):
        WAITING = "waiting", "Waiting for first response"  # the 1-hour clock runs
        ANSWERED = "answered", "Answered"  # an expert responded; work may follow
        WAITING_ON_CUSTOMER = "waiting_on_customer", "Waiting on customer"  # expert needs input
        RESOLVED = "resolved", "Resolved"  # closed

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="queries")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=200)
    body = models.TextField()
    asked_at = models.DateTimeField(default=timezone.now)
    first_response_due_at = models.DateTimeField(db_index=True)
    first_responded_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(
        max_length=24, choices=State.choices, default=State.WAITING, db_index=True
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    # R-QUERY-ACTION: the work that followed the query, on the board.
    task = models.OneToOneField(
        Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="source_query"
    )
    # When each alert went out; a set timestamp is what makes the alert job send it once.
    unassigned_alerted_at = models.DateTimeField(null=True, blank=True, editable=False)
    warned_at = models.DateTimeField(null=True, blank=True, editable=False)
    breach_alerted_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = QueryQuerySet.as_manager()

    class Meta:
        ordering = ["-asked_at"]
        verbose_name_plural = "queries"
        indexes = [
            models.Index(fields=["project", "-asked_at"], name="query_project_asked_idx"),
            # The alert job only looks at queries still waiting for a first response whose
            # breach alert has not gone out: a small set, however many queries exist.
            models.Index(
                fields=["first_response_due_at"],
                condition=Q(state="waiting", breach_alerted_at__isnull=True),
                name="query_alert_due_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_response_due_at__gt=models.F("asked_at")),
                name="query_due_after_asked",
            ),
            models.CheckConstraint(
                condition=Q(first_responded_at__isnull=True)
                | Q(first_responded_at__gte=models.F("asked_at")),
                name="query_responded_after_asked",
            ),
            # A query still waiting has had no response; an answered one has.
            models.CheckConstraint(
                condition=~Q(state="waiting") | Q(first_responded_at__isnull=True),
                name="query_waiting_has_no_response",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["answered", "waiting_on_customer"])
                | Q(first_responded_at__isnull=False),
                name="query_answered_has_response",
            ),
            models.CheckConstraint(
                condition=Q(state="resolved", resolved_at__isnull=False)
                | (~Q(state="resolved") & Q(resolved_at__isnull=True)),
                name="query_resolved_at_iff_resolved",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.project_id and not self.organization_id:
            self.organization_id = self.project.organization_id
        if not self.first_response_due_at:
            self.first_response_due_at = self.asked_at + FIRST_RESPONSE_WITHIN
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("queries:detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.state != self.State.RESOLVED

    def answered_on_time(self) -> bool | None:
        """R-QUERY-1H at its edge: 59:59 after asking is on time, 60:00 is a breach."""
        if self.first_responded_at is None:
            return None
        return self.first_responded_at < self.first_response_due_at

    def is_waiting_past(self, now) -> bool:
        """Still without a first response, and the hour is up."""
        return self.state == self.State.WAITING and now >= self.first_response_due_at

    def is_breached(self, now=None) -> bool:
        outcome = first_response_outcome(
            due_at=self.first_response_due_at,
            responded_at=self.first_responded_at,
            resolved_at=self.resolved_at,
            now=now or timezone.now(),
        )
        return outcome == BREACH


class QueryAttachment(models.Model):
    """A file the customer sent with the query; served only through a scoped view."""

    query = models.ForeignKey(Query, on_delete=models.CASCADE, related_name="attachments")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(upload_to="queries/%Y/%m/")
    name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = QueryPartQuerySet.as_manager()

    class Meta:
        ordering = ["query", "id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("queries:attachment", kwargs={"pk": self.query_id, "file_pk": self.pk})


class QueryResponse(models.Model):
    """An expert's response: an answer or an honest "checking" / "needs research", and always
    an estimate: hours to complete or a delivery deadline (R-QUERY-ANSWER)."""

    class Kind(models.TextChoices):
        ANSWER = "answer", "Answer"  # the real answer to the question
        COMMUNITY = "community", "Checking with the community"  # other experts are asked
        RESEARCH = "research", "Needs research"  # it may take a while

    query = models.ForeignKey(Query, on_delete=models.CASCADE, related_name="responses")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.ANSWER)
    body = models.TextField()
    estimate_hours = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    deliver_by = models.DateTimeField(null=True, blank=True)
    waiting_on_customer = models.BooleanField(
        default=False, help_text="The expert needs the customer's input to continue."
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = QueryPartQuerySet.as_manager()

    class Meta:
        ordering = ["query", "created_at", "id"]
        constraints = [
            # R-QUERY-ANSWER: no response without an estimate of when the work is done.
            models.CheckConstraint(
                condition=Q(estimate_hours__isnull=False) | Q(deliver_by__isnull=False),
                name="query_response_has_eta",
            ),
            models.CheckConstraint(
                condition=Q(estimate_hours__isnull=True) | Q(estimate_hours__gt=0),
                name="query_response_estimate_positive",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.query}"

    @property
    def eta(self):
        """When the work is promised: the deadline given, or now plus the hours estimated."""
        if self.deliver_by is not None:
            return self.deliver_by
        return self.created_at + timedelta(hours=float(self.estimate_hours))


class QueryReply(models.Model):
    """The customer's answer in the public thread (details, or the input an expert asked for)."""

    query = models.ForeignKey(Query, on_delete=models.CASCADE, related_name="replies")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    objects = QueryPartQuerySet.as_manager()

    class Meta:
        ordering = ["query", "created_at", "id"]
        verbose_name_plural = "query replies"

    def __str__(self):
        return f"Reply on {self.query}"


class QueryPromise(models.Model):
    """A delivery deadline given to the customer; settled as kept or missed (R-QUERY-ANSWER)."""

    class State(models.TextChoices):
        OPEN = "open", "Open"  # the deadline stands, the work is not delivered yet
        KEPT = "kept", "Kept"  # delivered by the deadline
        MISSED = "missed", "Missed"  # delivered late, or replaced after the deadline passed
        REVISED = "revised", "Revised"  # replaced by a new deadline before this one passed
        # The customer closed the query before the deadline: that proves no delivery, so
        # the promise is neither kept nor missed.
        WITHDRAWN = "withdrawn", "Withdrawn"

    query = models.ForeignKey(Query, on_delete=models.CASCADE, related_name="promises")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    response = models.OneToOneField(QueryResponse, on_delete=models.CASCADE, related_name="promise")
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    made_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.OPEN)
    settled_at = models.DateTimeField(null=True, blank=True)

    objects = QueryPartQuerySet.as_manager()

    class Meta:
        ordering = ["query", "made_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["query"], condition=Q(state="open"), name="query_one_open_promise"
            ),
            models.CheckConstraint(
                condition=Q(state="open", settled_at__isnull=True)
                | (~Q(state="open") & Q(settled_at__isnull=False)),
                name="query_promise_settled_at_iff_settled",
            ),
        ]

    def __str__(self):
        return f"{self.query} by {self.due_at:%Y-%m-%d %H:%M} ({self.get_state_display()})"


class QueryNoteQuerySet(models.QuerySet):
    def visible_to(self, user):
        """R-QUERY-COMMUNITY: staff, and the project's experts while assigned; never the
        customer, even a customer who can see the query itself."""
        if not user.is_authenticated:
            return self.none()
        if user.sees_everything:
            return self
        return self.filter(query__project__in=team_project_ids(user))


class QueryNote(models.Model):
    """A message on the query's internal community thread (R-QUERY-COMMUNITY)."""

    query = models.ForeignKey(Query, on_delete=models.CASCADE, related_name="notes")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    asks_community = models.BooleanField(
        default=False, help_text="Staff and the project's other experts were notified."
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = QueryNoteQuerySet.as_manager()

    class Meta:
        ordering = ["query", "created_at", "id"]

    def __str__(self):
        return f"Internal note on {self.query}"


__all__ = [
    "FIRST_RESPONSE_WITHIN",
    "WARN_BEFORE_DEADLINE",
    "Query",
    "QueryAttachment",
    "QueryNote",
    "QueryNoteQuerySet",
    "QueryPartQuerySet",
    "QueryPromise",
    "QueryQuerySet",
    "QueryReply",
    "QueryResponse",
    "is_on_team",
    "team_project_ids",
]
