"""Weekly NPS surveys (R-NPS): one question, 0-10, to each customer member once a week."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Organization
from projects.models import Project

PROMOTER_MIN = 9  # 9-10 promote
DETRACTOR_MAX = 6  # 0-6 detract; 7-8 are passive


def _survey_token() -> str:
    return secrets.token_urlsafe(32)


class SurveyQuerySet(models.QuerySet):
    def visible_to(self, user):
        """R-TENANT: staff (MFA-verified) all; an expert the surveys about projects they
        worked on that week; a customer only their own answers."""
        if not user.is_authenticated:
            return self.none()
        if user.sees_everything:
            return self
        if user.is_expert:
            return self.filter(Q(experts=user) | Q(respondent=user)).distinct()
        return self.filter(respondent=user)

    def answered(self):
        return self.filter(score__isnull=False)


class Survey(models.Model):
    """One customer member's questionnaire for one week of one organization.

    ``projects`` and ``experts`` are what the week was about (the organization's active
    projects and the experts assigned to them during the week), fixed when the survey is
    created, so figures per project and per expert do not change when teams do later.
    The answer lives on the survey itself: one answer per survey, changeable until
    ``expires_at``.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="surveys"
    )
    week_starts_on = models.DateField(help_text="Monday of the week the survey asks about.")
    token = models.CharField(max_length=64, unique=True, default=_survey_token, editable=False)
    projects = models.ManyToManyField(Project, related_name="surveys")
    experts = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="surveys_about", blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True, max_length=4000)
    answered_at = models.DateTimeField(null=True, blank=True)
    detractor_alerted_at = models.DateTimeField(null=True, blank=True)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        ordering = ["-week_starts_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "respondent", "week_starts_on"],
                name="survey_once_per_member_and_week",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=10),
                name="survey_score_0_to_10",
            ),
        ]
        indexes = [models.Index(fields=["week_starts_on", "organization"])]

    def __str__(self):
        return f"NPS {self.week_starts_on:%d %b %Y} · {self.respondent}"

    @property
    def is_answered(self) -> bool:
        return self.score is not None

    def is_open(self, now=None) -> bool:
        return (now or timezone.now()) < self.expires_at

    @property
    def is_detractor(self) -> bool:
        return self.score is not None and self.score <= DETRACTOR_MAX


class SurveyOptOut(models.Model):
    """A member who does not receive the weekly survey of one organization: their own
    choice, or their organization's (owners choose who receives it)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organization", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"], name="survey_opt_out_once_per_member"
            ),
        ]

    def __str__(self):
        return f"{self.user} receives no survey from {self.organization}"
