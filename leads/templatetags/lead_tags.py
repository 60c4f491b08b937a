"""The board shows a project's planned work or hourly plan (R-PLAN) through this tag, so
projects' templates reach leads without projects importing it."""

from django import template

from leads.selectors import board_plan_panel

register = template.Library()


@register.simple_tag
def lead_board_panel(project):
    return board_plan_panel(project=project)
