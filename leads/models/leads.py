"""The lead pipeline (R-LEAD): an expert registers a lead and takes it through the stages
in order, reporting the outcome."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organization, Skill


class LeadQuerySet(models.QuerySet):
    def visible_to(self, user):
        """R-TENANT: staff (MFA-verified) the whole pipeline; an expert their own leads."""
        if not user.is_authenticated:
            return self.none()
        if user.sees_everything:
            return self
        return self.filter(expert=user)

    def open(self):
        return self.filter(stage__in=OPEN_STAGES)

    def posting_for_customer(self):
        """R-MATCH: leads whose expert may post a project for the customer (the planned
        work went to its organization, and the lead was not lost)."""
        return self.filter(organization__isnull=False).exclude(stage=Lead.Stage.LOST)


class Lead(models.Model):
    class Stage(models.TextChoices):
        NEW = "new", "New"  # registered, no conversation yet
        INTRODUCTION = "introduction", "Introduction"  # the network introduced to the company
        OFFER_PRESENTED = "offer_presented", "Offer presented"  # offer and pricing, the meeting
        PLANNING = "planning", "Planning"  # the project is being drafted (planned-work summary)
        WON = "won", "Won"  # the customer became a customer
        LOST = "lost", "Lost"  # ended without a deal, with a reason

    class Handling(models.TextChoices):
        # Priority as the customer's expert (R-COMMISSION).
        SELF = "self", "I handle the customer myself"
        # No capacity: another expert works, this one earns 25% lifetime (R-COMMISSION).
        POOL = "pool", "Pass to the pool of certified experts"

    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="leads"
    )
    company = models.CharField(max_length=200)
    contact_name = models.CharField(max_length=150)
    contact_email = models.EmailField()
    need = models.TextField(max_length=4000, help_text="What the company needs done.")
    technology = models.ManyToManyField(Skill, blank=True, related_name="+")
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.NEW)
    handling = models.CharField(max_length=8, choices=Handling.choices, default=Handling.SELF)
    meeting_at = models.DateTimeField(
        null=True, blank=True, help_text="The 30-60 minute meeting presenting the offer."
    )
    lost_reason = models.TextField(max_length=2000, blank=True)
    # The customer organization, once the planned-work summary is sent (R-LEAD-SUMMARY).
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="leads"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The last change of stage or details: a lead unchanged for 7 days reminds its expert.
    changed_at = models.DateTimeField(default=timezone.now, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = LeadQuerySet.as_manager()

    class Meta:
        ordering = ["-changed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(stage="lost") | ~Q(lost_reason=""), name="lead_lost_has_reason"
            ),
            models.CheckConstraint(
                condition=~Q(stage__in=["offer_presented", "planning", "won"])
                | Q(meeting_at__isnull=False),
                name="lead_offer_has_meeting",
            ),
        ]

    def __str__(self):
        return f"{self.company} ({self.get_stage_display()})"

    def get_absolute_url(self):
        return reverse("leads:detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    @property
    def may_post_for_customer(self) -> bool:
        """As ``LeadQuerySet.posting_for_customer``, for one lead already read."""
        return self.organization_id is not None and self.stage != Lead.Stage.LOST

    @property
    def next_stage(self) -> str | None:
        """The one stage a lead may move to next (won or lost end it)."""
        if self.stage not in STAGE_ORDER[:-1]:
            return None
        return STAGE_ORDER[STAGE_ORDER.index(self.stage) + 1]


# R-LEAD: the stages in their order; a lead moves one step at a time, or ends as lost.
STAGE_ORDER = (
    Lead.Stage.NEW,
    Lead.Stage.INTRODUCTION,
    Lead.Stage.OFFER_PRESENTED,
    Lead.Stage.PLANNING,
    Lead.Stage.WON,
)
OPEN_STAGES = STAGE_ORDER[:-1]
