"""Answering a survey (R-NPS) and the detractor alert it may raise."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import User
from softwaresupp.events import changes_apply, event_record
from softwaresupp.notifications import absolute_url, notify
from surveys.models import Survey

COMMENT_MAX = 4000


def _clean_score(score) -> int:
    try:
        value = int(score)
    except (TypeError, ValueError):
        value = None
    if value is None or not 0 <= value <= 10 or str(score).strip() != str(value):
        raise ValidationError({"score": "Choose a score from 0 to 10."})
    return value


def _clean_comment(comment) -> str:
    text = (comment or "").strip()
    if len(text) > COMMENT_MAX:
        raise ValidationError({"comment": f"Keep the comment under {COMMENT_MAX} characters."})
    return text


def detractor_recipients(survey: Survey) -> list:
    """Staff (the team's inbox and every active staff user) and the week's experts."""
    staff = list(User.objects.filter(is_staff=True, is_active=True))
    inbox = [settings.STAFF_ALERT_EMAIL] if settings.STAFF_ALERT_EMAIL else []
    return [*inbox, *staff, *survey.experts.filter(is_active=True)]


def _alert_detractor(survey: Survey, now) -> None:
    survey.detractor_alerted_at = now
    survey.save(update_fields=["detractor_alerted_at"])
    notify(
        template="nps_detractor",
        recipients=detractor_recipients(survey),
        key=f"nps_detractor:{survey.pk}",
        context={
            "survey": survey,
            "respondent": survey.respondent,
            "organization": survey.organization,
            "projects": list(survey.projects.all()),
            "figures_url": absolute_url(reverse("surveys:figures")),
        },
    )


@transaction.atomic
def survey_answer(*, survey: Survey, score, comment: str = "", now=None) -> Survey:
    """R-NPS: record the respondent's score (0-10) and optional comment; one answer per
    survey, changeable until ``expires_at`` (refused from that instant on). A detractor
    answer (0-6) alerts staff and the week's experts once per survey: the stamp and the
    messages are written in this transaction, so a changed answer never alerts twice."""
    now = now or timezone.now()
    survey = (
        Survey.objects.select_for_update(of=("self",))
        .select_related("respondent", "organization")
        .get(pk=survey.pk)
    )
    if not survey.is_open(now):
        closed = date_format(timezone.localtime(survey.expires_at), "j M Y, H:i")
        raise ValidationError(f"This survey closed on {closed}.")
    values = {"score": _clean_score(score), "comment": _clean_comment(comment)}
    first_answer = not survey.is_answered
    changes = changes_apply(survey, values)
    if not changes:
        return survey
    survey.answered_at = now
    survey.full_clean(validate_unique=False)
    survey.save(update_fields=[*changes, "answered_at"])
    event_record(
        actor=survey.respondent,
        target=survey,
        verb="survey answered" if first_answer else "survey answer changed",
        changes=changes,
        organization=survey.organization,
    )
    if survey.is_detractor and survey.detractor_alerted_at is None:
        _alert_detractor(survey, now)
    return survey
