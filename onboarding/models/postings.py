"""A project that needs an expert, and the experts' offers for it (R-MATCH)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import ExpertProfile, Organization, Skill
from projects.models import Project
from projects.posting_rights import projects_posted_for

REGION_CODES = {code for code, _ in ExpertProfile.Region.choices}


class PostingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """R-MATCH / R-TENANT: staff see all; customers their organizations' postings;
        an onboarded expert the open postings sharing at least one of their skills, and
        those they made an offer on (to follow its outcome); the expert of a customer's
        lead the postings they made for that customer."""
        if not user.is_authenticated:
            return self.none()
        if user.sees_everything:
            return self
        # The expert of a customer's lead sees what they posted for it while they still
        # may post for its project (their offers stay theirs: OfferQuerySet); a posting
        # for another of the customer's projects is not theirs to follow.
        posted_for = Q(
            on_behalf=True,
            created_by=user,
            project__in=projects_posted_for(user).values("pk"),
        )
        own = Q(organization__memberships__user=user) | posted_for
        profile = getattr(user, "expert_profile", None)
        if profile is None:
            return self.filter(own).distinct()
        onboarded = ExpertProfile.objects.onboarded().filter(pk=profile.pk)
        skill_match = Posting.skills.through.objects.filter(
            posting_id=OuterRef("pk"), skill__experts=profile
        )
        matching = Q(status=Posting.Status.OPEN) & Q(Exists(skill_match)) & Q(Exists(onboarded))
        offered = Q(Exists(Offer.objects.filter(posting_id=OuterRef("pk"), expert=user)))
        return self.filter(own | matching | offered).distinct()


class Posting(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"  # shown to matching experts, taking offers
        CHOSEN = "chosen", "Expert chosen"  # the customer chose an offer; assignment made
        CLOSED = "closed", "Closed"  # withdrawn by the customer without a choice

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="postings"
    )
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="postings")
    title = models.CharField(max_length=200)
    scope = models.TextField(help_text="What the expert will do.")
    skills = models.ManyToManyField(Skill, related_name="postings", verbose_name="technology")
    engagement_type = models.CharField(
        max_length=16,
        choices=Project.EngagementType.choices,
        default=Project.EngagementType.HOURLY,
    )
    hours_per_week = models.PositiveSmallIntegerField(help_text="Expected hours per week.")
    starts_on = models.DateField()
    budget_min = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, help_text="USD"
    )
    budget_max = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, help_text="USD"
    )
    # Region codes of ExpertProfile.Region; a preference shown to experts, not a filter.
    preferred_regions = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Posted by the expert of the customer's lead (``created_by``), not by the customer: the
    # customer still decides (R-MATCH; projects.posting_rights says who may).
    on_behalf = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    # Set by the announcement job once the matching experts were emailed (R-MATCH: once).
    announced_at = models.DateTimeField(null=True, blank=True)
    chosen_at = models.DateTimeField(null=True, blank=True)
    # Closed by the customer (or staff) without a choice; the reason is the customer's.
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.TextField(max_length=2000, blank=True)

    objects = PostingQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours_per_week__gte=1) & Q(hours_per_week__lte=80),
                name="posting_hours_per_week_range",
            ),
            models.CheckConstraint(
                condition=Q(budget_min__isnull=True)
                | Q(budget_max__isnull=True)
                | Q(budget_max__gte=models.F("budget_min")),
                name="posting_budget_range",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False),
                name="posting_closed_has_time",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("onboarding:posting_detail", kwargs={"pk": self.pk})

    def clean(self):
        if (
            self.project_id
            and self.organization_id
            and self.project.organization_id != self.organization_id
        ):
            raise ValidationError({"project": "Choose a project of this organization."})
        if not 1 <= (self.hours_per_week or 0) <= 80:
            raise ValidationError({"hours_per_week": "Between 1 and 80 hours a week."})
        if self.budget_min is not None and self.budget_min < 0:
            raise ValidationError({"budget_min": "A budget cannot be negative."})
        if (
            self.budget_min is not None
            and self.budget_max is not None
            and self.budget_max < self.budget_min
        ):
            raise ValidationError({"budget_max": "The upper end is below the lower end."})
        unknown = set(self.preferred_regions or []) - REGION_CODES
        if unknown:
            raise ValidationError({"preferred_regions": "Choose regions from the list."})

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def decided_text(self) -> str:
        """Why the posting takes no more offers, edits or choices."""
        if self.status == self.Status.CLOSED:
            return "This posting was closed without a choice; it takes no more offers."
        return "The customer has already chosen an expert for this posting."

    def preferred_region_labels(self) -> list[str]:
        labels = dict(ExpertProfile.Region.choices)
        return [labels[code] for code in self.preferred_regions if code in labels]


class OfferQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff all; the customer the offers on their postings (withdrawn ones aside);
        an expert only their own: experts never see each other's offers (R-MATCH)."""
        if not user.is_authenticated:
            return self.none()
        if user.sees_everything:
            return self
        customer = Q(organization__memberships__user=user) & ~Q(status=Offer.Status.WITHDRAWN)
        return self.filter(customer | Q(expert=user)).distinct()


class Offer(models.Model):
    class Status(models.TextChoices):
        SENT = "sent", "Sent"  # waiting for the customer; the expert may edit or withdraw
        WITHDRAWN = "withdrawn", "Withdrawn"  # taken back by the expert before the choice
        CHOSEN = "chosen", "Chosen"  # the customer chose it: the expert is assigned
        DECLINED = "declined", "Declined"  # another offer was chosen, or the posting closed

    posting = models.ForeignKey(Posting, on_delete=models.CASCADE, related_name="offers")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="offers"
    )
    hourly_rate = models.DecimalField(
        max_digits=14, decimal_places=2, help_text="USD per hour the customer pays."
    )
    hours_per_week = models.PositiveSmallIntegerField(help_text="Availability, hours per week.")
    starts_on = models.DateField()
    estimate_hours = models.DecimalField(
        max_digits=9, decimal_places=2, help_text="Estimated hours for the scope."
    )
    experience = models.TextField(help_text="Relevant experience.")
    message = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SENT)
    shortlisted = models.BooleanField(default=False)
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    suggested_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = OfferQuerySet.as_manager()

    class Meta:
        ordering = ["posting", "hourly_rate", "id"]
        constraints = [
            models.UniqueConstraint(fields=["posting", "expert"], name="offer_one_per_expert"),
            models.CheckConstraint(condition=Q(hourly_rate__gt=0), name="offer_rate_positive"),
            models.CheckConstraint(
                condition=Q(estimate_hours__gt=0), name="offer_estimate_positive"
            ),
        ]

    def __str__(self):
        return f"{self.expert} for {self.posting} (${self.hourly_rate}/h)"

    def save(self, *args, **kwargs):
        if self.posting_id and not self.organization_id:
            self.organization_id = self.posting.organization_id
        super().save(*args, **kwargs)

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.SENT and self.posting.is_open
