"""Template helpers of the projects area: the dashboard's projects panel (one query), so
the dashboard, which belongs to accounts, composes it without importing projects."""

from django import template

from projects.selectors.projects import dashboard_projects, first_steps

register = template.Library()


@register.simple_tag
def project_dashboard_panel(user):
    return dashboard_projects(user=user)


@register.simple_tag
def project_first_steps(user):
    return first_steps(user=user)
