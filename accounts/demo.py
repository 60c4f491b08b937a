"""Demo people and tenants: a staff user, two customer organizations, three experts."""

from datetime import timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import ExpertProfile, Membership, Organization, Skill, User
from accounts.services import expert_profile_create
from accounts.staff_group import STAFF_GROUP

DEMO_PASSWORD = "SoftwareSupp-demo-1"

ORGANIZATIONS = [
    ("Acme Robotics", "acme-robotics", "Europe/Warsaw", "billing@acme.example"),
    ("Globex Retail", "globex-retail", "America/New_York", "accounts@globex.example"),
]
CUSTOMERS = [
    ("anna@acme.example", "Anna", "Nowak", "Europe/Warsaw", "acme-robotics", Membership.Role.OWNER),
    (
        "ben@acme.example",
        "Ben",
        "Lewandowski",
        "Europe/Warsaw",
        "acme-robotics",
        Membership.Role.MEMBER,
    ),
    (
        "carla@globex.example",
        "Carla",
        "Diaz",
        "America/New_York",
        "globex-retail",
        Membership.Role.OWNER,
    ),
    (
        "dan@globex.example",
        "Dan",
        "Miller",
        "America/Chicago",
        "globex-retail",
        Membership.Role.MEMBER,
    ),
]
EXPERTS = [
    (
        "eva@experts.example",
        "Eva",
        "Kowalska",
        "Europe/Warsaw",
        ExpertProfile.Region.EU,
        "Poland",
        "45.00",
        ["Django", "PostgreSQL", "Python"],
    ),
    (
        "raj@experts.example",
        "Raj",
        "Patel",
        "Asia/Kolkata",
        ExpertProfile.Region.ASIA,
        "India",
        "40.00",
        ["React", "TypeScript", "Node.js"],
    ),
    (
        "mike@experts.example",
        "Mike",
        "Johnson",
        "America/Denver",
        ExpertProfile.Region.US,
        "United States",
        "90.00",
        ["Salesforce", "HubSpot", "Python"],
    ),
]
STAFF = ("staff@softwaresupp.com", "Sam", "Staff", "Europe/London")


def _person(email, first, last, tz, *, is_staff=False) -> User:
    user, created = User.objects.get_or_create(
        email=email,
        defaults={"first_name": first, "last_name": last, "time_zone": tz, "is_staff": is_staff},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def seed(world: dict) -> None:
    staff = _person(*STAFF, is_staff=True)
    # What staff may do in admin is the Staff group's permissions (made by a migration).
    staff.groups.add(Group.objects.get(name=STAFF_GROUP))
    world["staff"] = staff
    organizations = {}
    for name, slug, tz, billing in ORGANIZATIONS:
        organizations[slug], _ = Organization.objects.get_or_create(
            slug=slug, defaults={"name": name, "time_zone": tz, "billing_email": billing}
        )
    world["organizations"] = organizations
    world["customers"] = {}
    for email, first, last, tz, slug, role in CUSTOMERS:
        user = _person(email, first, last, tz)
        Membership.objects.get_or_create(
            user=user, organization=organizations[slug], defaults={"role": role}
        )
        world["customers"][email] = user
    world["experts"] = {}
    for email, first, last, tz, region, country, rate, skills in EXPERTS:
        user = _person(email, first, last, tz)
        if not hasattr(user, "expert_profile"):
            expert_profile_create(
                actor=staff,
                user=user,
                region=region,
                country=country,
                hourly_rate=Decimal(rate),
                skills=[Skill.objects.get_or_create(name=name)[0] for name in skills],
                certified_at=timezone.now() - timedelta(days=200),
            )
        world["experts"][email] = user


def logins() -> list[tuple[str, str]]:
    rows = [(STAFF[0], "staff (asked to set up two-factor authentication before admin)")]
    rows += [(c[0], f"customer, {c[5]} of {c[4]}") for c in CUSTOMERS]
    rows += [(e[0], f"expert, {e[5]}") for e in EXPERTS]
    return rows
