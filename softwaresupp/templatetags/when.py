"""``{{ moment|when }}``: a time as every page shows it, in the viewer's time zone (the
active one, see ``UserTimeZoneMiddleware``) with that zone's label, in a <time> element.

Formats: ``when`` "30 Nov 2026, 14:05 CET"; ``when:"short"`` "30 Nov, 14:05 CET";
``when:"day"`` "Mon 30 Nov 2026, 14:05 CET". ``whentext`` is the same words without markup
(for title attributes)."""

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html

from softwaresupp.timezones import zone_label

register = template.Library()

FORMATS = {"": "j M Y, H:i", "short": "j M, H:i", "day": "D j M Y, H:i"}


def _local(value):
    if not isinstance(value, datetime):
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.get_current_timezone())
    return timezone.localtime(value)


@register.filter
def whentext(value, style: str = "") -> str:
    local = _local(value)
    if local is None:
        return ""
    return f"{date_format(local, FORMATS.get(style, FORMATS['']))} {zone_label(local)}"


@register.filter
def when(value, style: str = ""):
    local = _local(value)
    if local is None:
        return ""
    return format_html(
        '<time datetime="{}">{}</time>', local.isoformat(timespec="minutes"), whentext(local, style)
    )
