"""A customer with a project, skills and experts at every onboarding stage."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import Membership
from onboarding.services import offer_send, posting_create
from tests.factories.accounts import ExpertProfileFactory, SkillFactory, customer
from tests.factories.projects import ProjectFactory


def posting_for(owner, *, skills, **fields):
    organization = Membership.objects.filter(user=owner).first().organization
    project = fields.pop("project", None) or ProjectFactory(organization=organization)
    values = {
        "title": "Shop migration",
        "scope": "Move the shop to the new platform.",
        "engagement_type": "hourly",
        "hours_per_week": 20,
        "starts_on": timezone.now().date() + timedelta(days=7),
        "preferred_regions": ["eu"],
        **fields,
    }
    return posting_create(
        actor=owner, organization=organization, project=project, skills=skills, **values
    )


def offer_fields(**overrides) -> dict:
    return {
        "hourly_rate": Decimal("80.00"),
        "hours_per_week": 20,
        "starts_on": timezone.now().date() + timedelta(days=7),
        "estimate_hours": Decimal("120"),
        "experience": "Moved three shops.",
        "message": "Happy to start.",
        **overrides,
    }


def send_offer(expert, posting, **overrides):
    return offer_send(actor=expert, posting=posting, **offer_fields(**overrides))


def market():
    """An owner with a Django posting, a member, and experts: two matching and onboarded,
    one matching but not onboarded (rules not accepted), one with other skills."""
    django, react = SkillFactory(name="Django"), SkillFactory(name="React")
    owner = customer(email="owner@example.com")
    organization = owner.memberships.get().organization
    member = customer(organization, Membership.Role.MEMBER, email="member@example.com")
    posting = posting_for(owner, skills=[django])
    return {
        "owner": owner,
        "member": member,
        "organization": organization,
        "posting": posting,
        "django": django,
        "ana": ExpertProfileFactory(user__email="ana@example.com", skills=[django]).user,
        "ben": ExpertProfileFactory(user__email="ben@example.com", skills=[django, react]).user,
        "newcomer": ExpertProfileFactory(
            user__email="new@example.com", skills=[django], rules_version=""
        ).user,
        "frontend": ExpertProfileFactory(user__email="front@example.com", skills=[react]).user,
    }
