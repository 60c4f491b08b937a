"""Time zones as people pick and read them.

Every page shows times in the signed-in viewer's zone (``UserTimeZoneMiddleware``) with the
zone's label (the ``when`` template filter); pickers offer canonical Area/City names, the
common ones first, never legacy aliases such as "Zulu" or "W-SU".
"""

import re
import zoneinfo
from functools import cache

from django import forms
from django.utils import timezone

from softwaresupp.http import is_infrastructure_path

# The zones most of the platform's customers and experts work in, offered first.
COMMON_ZONES = [
    "UTC",
    "Europe/London",
    "Europe/Lisbon",
    "Europe/Berlin",
    "Europe/Paris",
    "Europe/Warsaw",
    "Europe/Kyiv",
    "Europe/Istanbul",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
]

AREAS = (
    "Africa",
    "America",
    "Antarctica",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
)
# Area/City (and Area/Region/City, e.g. America/Argentina/Salta); a City in capitals
# (Australia/NSW) is a legacy abbreviation, and LEGACY lists the renamed cities.
AREA_PATTERN = "|".join(AREAS)
CANONICAL = re.compile(rf"^({AREA_PATTERN})/[A-Z][a-z][\w\-]*(/[A-Z][a-z][\w\-]*)?$")
LEGACY = {"America/Godthab", "Asia/Calcutta", "Asia/Saigon", "Asia/Katmandu", "Asia/Rangoon",
          "Europe/Kiev", "Asia/Ulan_Bator", "Asia/Dacca", "Asia/Thimbu", "Asia/Macao",
          "Asia/Ujung_Pandang", "Asia/Chungking", "Asia/Chongqing", "Asia/Harbin",
          "Asia/Kashgar", "Asia/Tel_Aviv", "Asia/Istanbul", "Europe/Nicosia", "Pacific/Truk",
          "Pacific/Ponape", "Pacific/Yap", "Pacific/Samoa", "Pacific/Johnston",
          "Pacific/Enderbury", "Atlantic/Faeroe", "Atlantic/Jan_Mayen", "Africa/Asmera",
          "Africa/Timbuktu", "America/Buenos_Aires", "America/Catamarca", "America/Cordoba",
          "America/Jujuy", "America/Mendoza", "America/Indianapolis", "America/Louisville",
          "America/Fort_Wayne", "America/Knox_IN", "America/Ensenada", "America/Santa_Isabel",
          "America/Porto_Acre", "America/Rosario", "America/Shiprock", "America/Virgin",
          "America/Atka", "Australia/Canberra", "Australia/Yancowinna", "Europe/Belfast",
          "Europe/Tiraspol", "Antarctica/South_Pole", "America/Coral_Harbour"}  # fmt: skip


@cache
def canonical_zones() -> tuple[str, ...]:
    """Every zone a person may pick: UTC and the canonical Area/City names, sorted."""
    names = {
        name
        for name in zoneinfo.available_timezones()
        if CANONICAL.match(name) and name not in LEGACY
    }
    return ("UTC", *sorted(names))


@cache
def zone_choices() -> list:
    """Choices with optgroups: the common zones, then every zone by area."""
    available = set(canonical_zones())
    groups = [("Common", [(z, z.replace("_", " ")) for z in COMMON_ZONES if z in available])]
    for area in AREAS:
        prefix = f"{area}/"
        zones = [(z, z.replace("_", " ")) for z in canonical_zones() if z.startswith(prefix)]
        if zones:
            groups.append((area, zones))
    return groups


def zone_label(value) -> str:
    """The abbreviation the zone uses at that moment ("CET", "EDT", "UTC"); where the zone
    database has none it writes an offset ("+04"), which is shown as "UTC+04"."""
    name = value.tzname() or ""
    return f"UTC{name}" if name[:1] in "+-" else name


class UserTimeZoneMiddleware:
    """Times on every page are shown, and typed, in the signed-in user's time zone; anonymous
    pages stay in UTC (and say so)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_infrastructure_path(request.path):
            # No session or user lookup: the health probe must answer with the database down.
            return self.get_response(request)
        user = getattr(request, "user", None)
        zone = getattr(user, "time_zone", "") if user is not None and user.is_authenticated else ""
        try:
            timezone.activate(zoneinfo.ZoneInfo(zone)) if zone else timezone.deactivate()
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class TimeZoneField(forms.ChoiceField):
    """A time-zone picker: common zones first, then by area; a small script adds a search
    box and, with ``detect=True`` (a form nobody filled yet), preselects the browser's zone.
    A value saved before the list was canonical stays selectable, so a profile with
    "Poland" still saves."""

    def __init__(self, *, detect: bool = False, **kwargs):
        kwargs.setdefault("initial", "UTC")
        super().__init__(choices=zone_choices, **kwargs)
        attrs = {"data-tz-picker": ""}
        if detect:
            attrs["data-tz-detect"] = ""
        self.widget.attrs.update(attrs)

    def keep(self, current: str | None) -> None:
        if current and current not in canonical_zones():
            self.choices = [("Saved", [(current, current)]), *zone_choices()]
