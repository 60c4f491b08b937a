"""Survey panels composed into other areas' templates (R-NPS): the board, the organization
page and the weekly summary load these tags, so projects and accounts never import surveys."""

from django import template
from django.urls import reverse

from softwaresupp.notifications import absolute_url
from surveys.selectors import panels

register = template.Library()


@register.simple_tag
def survey_board_panel(project, user):
    return panels.board_survey(user=user, organization_id=project.organization_id)


@register.simple_tag
def survey_receivers_panel(organization, user):
    return panels.survey_receivers(user=user, organization=organization)


@register.simple_tag
def survey_own_choices(user):
    return panels.own_receiver_choices(user=user)


@register.simple_tag
def survey_week_score(summary, email):
    return panels.week_score(summary=summary, email=email)


@register.simple_tag
def survey_url(survey, score=None, absolute=False):
    """The answer page of ``survey`` (with a preselected score)."""
    path = reverse("surveys:answer", kwargs={"token": survey.token})
    if score is not None:
        path += f"?score={score}"
    return absolute_url(path) if absolute else path
