"""Demo surveys (R-NPS): twelve weeks of answers from the demo customers that make a
readable trend (rising at Acme, a dip and recovery at Globex), this week's left open.
Written directly, as history: no email and no alerts are sent. Idempotent: a week a member
already has is left as it is."""

from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from accounts.models import Membership
from projects.models import Assignment, Project
from surveys.models import DETRACTOR_MAX, Survey
from surveys.services.sending import SEND_WEEKDAY, survey_week

WEEKS = 12
# Scores per organization, oldest week first; None: not answered.
SCORES = {
    "acme-robotics": [
        (6, 7),
        (5, None),
        (7, 6),
        (7, 8),
        (8, 7),
        (None, 8),
        (8, 9),
        (9, 8),
        (9, None),
        (9, 10),
        (10, 9),
        (None, None),
    ],
    "globex-retail": [
        (9, 8),
        (9, 9),
        (8, None),
        (6, 7),
        (4, 6),
        (7, None),
        (8, 7),
        (8, 9),
        (9, 9),
        (None, 10),
        (10, 9),
        (9, None),
    ],
}
COMMENTS = {
    4: "The release slipped a week and we heard about it late.",
    5: "Answers were slow this week.",
    6: "Good work, but estimates keep growing.",
    10: "Great week: the export shipped early.",
}


def _sent_and_expiry(monday):
    sent = datetime.combine(monday + timedelta(days=SEND_WEEKDAY), time(9), tzinfo=UTC)
    return sent, sent + timedelta(days=settings.SURVEY_EXPIRY_DAYS)


def _seed_organization(organization, scores, latest):
    projects = list(Project.objects.filter(organization=organization, status="active"))
    members = list(
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .order_by("role", "user__email")
    )
    for weeks_ago, pair in enumerate(reversed(scores)):
        monday = latest - timedelta(days=7 * weeks_ago)
        experts = {
            a.expert
            for a in Assignment.objects.overlapping(monday, monday + timedelta(days=6)).filter(
                project__in=projects
            )
        }
        sent, expires = _sent_and_expiry(monday)
        for membership, score in zip(members, pair, strict=False):
            survey, created = Survey.objects.get_or_create(
                organization=organization,
                respondent=membership.user,
                week_starts_on=monday,
                defaults={"created_at": sent, "expires_at": expires},
            )
            if not created:
                continue
            survey.projects.set(projects)
            survey.experts.set(experts)
            if score is not None:
                answered = sent + timedelta(hours=5 + score)
                survey.score = score
                survey.comment = COMMENTS.get(score, "") if membership.user_id % 2 else ""
                survey.answered_at = answered
                if score <= DETRACTOR_MAX:
                    survey.detractor_alerted_at = answered
                survey.save()


def seed(world: dict) -> None:
    latest = survey_week(timezone.now().date())
    for slug, scores in SCORES.items():
        organization = world["organizations"].get(slug)
        if organization is not None:
            _seed_organization(organization, scores[-WEEKS:], latest)
