"""Surveys made directly for the figures' tests (the weekly job is tested on its own)."""

from datetime import timedelta

from django.utils import timezone

from surveys.models import Survey


def survey(respondent, organization, week, *, score=None, comment="", projects=(), experts=()):
    now = timezone.now()
    made = Survey.objects.create(
        organization=organization,
        respondent=respondent,
        week_starts_on=week,
        expires_at=now + timedelta(days=14),
        score=score,
        comment=comment,
        answered_at=now if score is not None else None,
    )
    made.projects.set(projects)
    made.experts.set(experts)
    return made
