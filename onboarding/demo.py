"""Demo matching and onboarding: an open posting at Globex with two offers, one Eva posted
on Acme's behalf for the project she planned as the expert of its lead, Acme onboarded
(stakeholders, tools at each state, fake credentials in the vault), and experts at each
onboarding stage. Through the services, without announcing (only Acme's owners are told of
Eva's posting). Idempotent: what exists (by title, email, name or label) is left as it is."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.demo import _person
from accounts.models import Skill
from accounts.services import expert_profile_create, expert_rules_accept
from onboarding.models import Credential, Offer, Posting, Stakeholder, ToolAccess
from onboarding.services import (
    credential_store,
    offer_send,
    posting_create,
    stakeholder_add,
    tool_advance,
    tool_request,
)
from projects.models import Project
from projects.posting_rights import projects_posted_for

# (email, first, last, time zone, region, country, rate, skills, certified, rules accepted)
NEW_EXPERTS = [
    # Just signed up: no skills yet, not certified, rules not accepted.
    (
        "nina@experts.example",
        "Nina",
        "Berg",
        "Europe/Oslo",
        "western_europe",
        "Norway",
        "80.00",
        [],
        False,
        False,
    ),
    # Profile done, waiting for staff to certify.
    (
        "omar@experts.example",
        "Omar",
        "Haddad",
        "Asia/Dubai",
        "asia",
        "UAE",
        "40.00",
        ["Node.js"],
        False,
        False,
    ),
    # Certified, has not accepted the network's rules yet.
    (
        "lena@experts.example",
        "Lena",
        "Vogel",
        "Europe/Berlin",
        "western_europe",
        "Germany",
        "75.00",
        ["Python", "React"],
        True,
        False,
    ),
    # Fully onboarded, offers on the open posting.
    (
        "sofia@experts.example",
        "Sofia",
        "Marino",
        "Europe/Rome",
        "western_europe",
        "Italy",
        "70.00",
        ["Python", "PostgreSQL"],
        True,
        True,
    ),
]
POSTING = {
    "title": "Analytics pipeline for the storefront",
    "scope": "Nightly export of orders and HubSpot deals into PostgreSQL, with a weekly "
    "sales dashboard for the board.",
    "engagement_type": "part_time",
    "hours_per_week": 20,
    "budget_min": Decimal("4000"),
    "budget_max": Decimal("8000"),
    "preferred_regions": ["eu", "western_europe"],
}
# Posted by Eva for Acme, as the expert of its lead (R-MATCH), for the project she planned.
ON_BEHALF = {
    "title": "Front end for the reseller portal",
    "scope": "React pages for resellers ordering from the customer portal Eva built.",
    "engagement_type": "hourly",
    "hours_per_week": 10,
    "preferred_regions": ["eu", "western_europe"],
}
OFFERS = [
    ("eva@experts.example", "65.00", 20, "60", "Built the fleet dashboard's data layer."),
    ("sofia@experts.example", "110.00", 25, "48", "Five years of dbt and PostgreSQL pipelines."),
]
STAKEHOLDERS = [
    ("Anna Nowak", "CEO", "anna@acme.example", "+48 600 100 200"),
    ("Tomasz Wiśniewski", "CTO", "tomasz@acme.example", "+48 600 300 400"),
]
# (tool, method, steps to advance: 0 requested, 1 provided, 2 verified)
TOOLS = [
    ("Fleet admin panel", ToolAccess.Method.VAULT, 2),
    ("GitHub organization", ToolAccess.Method.EXPERT_MAILBOX, 1),
    ("Google Analytics", ToolAccess.Method.SUPPORT_ADDRESS, 0),
]
CREDENTIALS = [
    (
        "Fleet admin panel",
        "https://admin.fleet.acme.example",
        "ops@acme.example",
        "demo-Fleet#2024",
    ),
    ("Staging database", "", "readonly", "demo-not-a-real-password"),
]


def _experts(world) -> dict:
    staff = world["staff"]
    experts = dict(world["experts"])
    for email, first, last, tz, region, country, rate, skills, certified, rules in NEW_EXPERTS:
        user = _person(email, first, last, tz)
        if not hasattr(user, "expert_profile"):
            profile = expert_profile_create(
                actor=staff,
                user=user,
                region=region,
                country=country,
                hourly_rate=Decimal(rate),
                skills=[Skill.objects.get_or_create(name=name)[0] for name in skills],
                certified_at=timezone.now() - timedelta(days=30) if certified else None,
            )
            if rules:
                expert_rules_accept(actor=user, profile=profile)
        experts[email] = user
    # The network's working experts have accepted the rules (R-EXPERT-ONBOARD).
    for user in world["experts"].values():
        profile = user.expert_profile
        if not profile.accepted_current_rules:
            expert_rules_accept(actor=user, profile=profile)
            profile.refresh_from_db()
    return experts


def _posting(world, experts) -> None:
    carla = world["customers"]["carla@globex.example"]
    project = world["projects"]["globex-storefront"]
    posting = Posting.objects.filter(title=POSTING["title"]).first()
    if posting is None:
        posting = posting_create(
            actor=carla,
            organization=project.organization,
            project=project,
            skills=Skill.objects.filter(name__in=["Python", "PostgreSQL"]),
            starts_on=timezone.now().date() + timedelta(days=14),
            **POSTING,
        )
    for email, rate, hours, estimate, experience in OFFERS:
        if not Offer.objects.filter(posting=posting, expert=experts[email]).exists():
            offer_send(
                actor=experts[email],
                posting=posting,
                hourly_rate=Decimal(rate),
                hours_per_week=hours,
                starts_on=timezone.now().date() + timedelta(days=14),
                estimate_hours=Decimal(estimate),
                experience=experience,
                message="Happy to start with a short call about the data sources.",
            )


def _posting_on_behalf(world) -> None:
    """Eva posts for the project she planned with Acme, the one her lead's right covers;
    nothing when the leads' demo did not run (no planned project)."""
    eva = world["experts"]["eva@experts.example"]
    if Posting.objects.filter(title=ON_BEHALF["title"]).exists():
        return
    project = (
        projects_posted_for(eva)
        .exclude(status=Project.Status.CLOSED)
        .select_related("organization")
        .order_by("pk")
        .first()
    )
    if project is None:
        return
    posting_create(
        actor=eva,
        organization=project.organization,
        project=project,
        skills=[Skill.objects.get_or_create(name="React")[0]],
        starts_on=timezone.now().date() + timedelta(days=21),
        **ON_BEHALF,
    )


def _acme_onboarded(world) -> None:
    anna = world["customers"]["anna@acme.example"]
    eva = world["experts"]["eva@experts.example"]
    project = world["projects"]["acme-fleet"]
    acme = project.organization
    for name, role, email, phone in STAKEHOLDERS:
        if not Stakeholder.objects.filter(organization=acme, email=email).exists():
            stakeholder_add(
                actor=anna, organization=acme, name=name, role=role, email=email, phone=phone
            )
    for name, method, steps in TOOLS:
        if ToolAccess.objects.filter(organization=acme, name=name, method=method).exists():
            continue
        tool = tool_request(actor=anna, organization=acme, name=name, method=method)
        for step in range(steps):
            tool = tool_advance(actor=anna if step == 0 else eva, tool=tool)
    for label, url, username, password in CREDENTIALS:
        if not Credential.objects.filter(organization=acme, label=label).exists():
            credential_store(
                actor=anna,
                project=project,
                label=label,
                url=url,
                username=username,
                password=password,
            )


def seed(world: dict) -> None:
    experts = _experts(world)
    _posting(world, experts)
    _posting_on_behalf(world)
    _acme_onboarded(world)
