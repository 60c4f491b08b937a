"""The 12-week NPS trend as server-side SVG: no script and no style attribute, so it
draws under the Content-Security-Policy; colours are presentation attributes and the
classes in static/css/app.css."""

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()

WIDTH, HEIGHT = 600, 220
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 10, 30  # margins for the axis labels


def _x(index: int, count: int) -> float:
    step = (WIDTH - LEFT - RIGHT) / max(count - 1, 1)
    return round(LEFT + index * step, 1)


def _y(nps: int) -> float:
    """−100 at the bottom, +100 at the top."""
    return round(TOP + (100 - nps) * (HEIGHT - TOP - BOTTOM) / 200, 1)


@register.filter
def nps_value(value) -> str:
    """A figure for display: "—" where nothing was answered (no division by zero)."""
    return "—" if value is None else str(value)


@register.simple_tag
def nps_trend_svg(trend) -> str:
    """``trend``: (Monday, NpsFigure) per week, oldest first. Weeks without answers have
    no point; the line joins the weeks that have one."""
    count = len(trend)
    points = [
        (_x(i, count), _y(figure.nps), week, figure)
        for i, (week, figure) in enumerate(trend)
        if figure.nps is not None
    ]
    grid = format_html_join(
        "",
        '<line x1="{}" y1="{}" x2="{}" y2="{}" class="nps-grid"/>'
        '<text x="{}" y="{}" class="nps-axis" text-anchor="end">{}</text>',
        (
            (LEFT, _y(level), WIDTH - RIGHT, _y(level), LEFT - 4, _y(level) + 4, level)
            for level in (100, 50, 0, -50, -100)
        ),
    )
    labels = format_html_join(
        "",
        '<text x="{}" y="{}" class="nps-axis" text-anchor="middle">{}</text>',
        ((_x(i, count), HEIGHT - 8, f"{week:%d %b}") for i, (week, _) in enumerate(trend)),
    )
    line = format_html(
        '<polyline points="{}" class="nps-line" fill="none"/>',
        " ".join(f"{x},{y}" for x, y, _, _ in points),
    )
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="4" class="nps-point"><title>{}: NPS {} ({} of {} answered)'
        "</title></circle>",
        ((x, y, f"{week:%d %b %Y}", f.nps, f.answered, f.sent) for x, y, week, f in points),
    )
    return format_html(
        '<svg viewBox="0 0 {} {}" class="nps-chart" role="img" aria-label="{}"'
        ' data-testid="nps-trend">{}{}{}{}</svg>',
        WIDTH,
        HEIGHT,
        "NPS by week, the last 12 weeks",
        grid,
        labels,
        line,
        dots,
    )
