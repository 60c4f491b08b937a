"""Demo leads in every stage (R-LEAD); Stark Industries waits in planning for its planned
work (sending it opens the customer's organization, R-LEAD-SUMMARY); Acme's planned work
became an hourly plan with an offer (R-PLAN), and a referral partner with a referred customer
(R-COMMISSION). Written through the services, as the people would; idempotent: a lead that
exists (by expert and company) is left as it is."""

from datetime import timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import NETWORK_RULES_VERSION, User
from accounts.services import expert_rules_accept
from leads.models import STAGE_ORDER, Attribution, HourlyPlan, Lead, ReferralPartner
from leads.services import (
    lead_advance,
    lead_create,
    lead_outcome_record,
    offer_request,
    offer_send,
    partner_join,
    plan_launch,
    summary_send,
)
from leads.services.commissions import commissions_run

PARTNER = ("paula@partners.example", "Paula", "Partner")
# (expert, company, contact, contact email, need, stage, handling)
LEADS = [
    (
        "eva",
        "Initech",
        "Bill Lumbergh",
        "bill@initech.example",
        "TPS report automation",
        "new",
        "self",
    ),
    (
        "eva",
        "Umbrella Labs",
        "Alice Abernathy",
        "alice@umbrella.example",
        "Lab inventory app",
        "introduction",
        "self",
    ),
    (
        "raj",
        "Hooli",
        "Gavin Belson",
        "gavin@hooli.example",
        "React dashboard rebuild",
        "offer_presented",
        "self",
    ),
    (
        "raj",
        "Cyberdyne",
        "Miles Dyson",
        "miles@cyberdyne.example",
        "Node.js API, no capacity",
        "new",
        "pool",
    ),
    (
        "eva",
        "Stark Industries",
        "Pepper Potts",
        "pepper@stark.example",
        "Django admin for suppliers",
        "planning",
        "self",
    ),
    ("eva", "Acme Robotics", "Anna Nowak", "anna@acme.example", "A customer portal", "won", "self"),
    ("mike", "Soylent", "Sol Roth", "sol@soylent.example", "HubSpot migration", "lost", "self"),
]
PLANNED = {
    "Acme Robotics": [("Portal sign-in", Decimal("8")), ("Order history page", Decimal("12"))],
}


def _expert(world, name):
    return world["experts"][f"{name}@experts.example"]


def _lead(world, row) -> None:
    name, company, contact, email, need, stage, handling = row
    expert = _expert(world, name)
    if Lead.objects.filter(expert=expert, company=company).exists():
        return
    lead = lead_create(
        actor=expert,
        company=company,
        contact_name=contact,
        contact_email=email,
        need=need,
        handling=handling,
    )
    last = Lead.Stage.PLANNING if stage in ("planning", "won") else stage
    if stage != "lost":
        for step in STAGE_ORDER[1 : STAGE_ORDER.index(last) + 1]:
            meeting = timezone.now() - timedelta(days=3)
            lead = lead_advance(
                actor=expert,
                lead=lead,
                to=step,
                meeting_at=meeting if step == Lead.Stage.OFFER_PRESENTED else None,
            )
    else:
        lead = lead_outcome_record(
            actor=expert, lead=lead, outcome=Lead.Stage.LOST, reason="Chose an in-house hire."
        )
    if company in PLANNED:
        summary = summary_send(
            actor=expert,
            lead=lead,
            project_name=f"{company}: planned work",
            description=need,
            tasks=PLANNED[company],
            message="As discussed in our meeting: the first weeks of work.",
        )
        if stage == "won":
            _launch(world, summary, expert)


def _launch(world, summary, expert) -> None:
    owner = world["customers"]["anna@acme.example"]
    profile = expert.expert_profile
    if profile.rules_version != NETWORK_RULES_VERSION:
        # The demo expert has read the network's rules before taking a customer.
        expert_rules_accept(actor=expert, profile=profile)
        profile.refresh_from_db()
    plan = plan_launch(
        actor=owner,
        summary=summary,
        expert=expert,
        customer_rate=Decimal("65.00"),
        weekly_hour_cap=Decimal("20"),
    )
    offer = offer_request(
        actor=owner, plan=plan, title="Partner portal", request="Let our resellers order too."
    )
    offer_send(
        actor=expert,
        offer=offer,
        lines=[("Reseller accounts", Decimal("16")), ("Reseller price lists", Decimal("12"))],
        rate=Decimal("65.00"),
        note="Two weeks of work at the plan's rate.",
    )


def _partner(world) -> ReferralPartner:
    email, first, last = PARTNER
    user, created = User.objects.get_or_create(
        email=email, defaults={"first_name": first, "last_name": last}
    )
    if created:
        from accounts.demo import DEMO_PASSWORD

        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    partner = partner_join(user=user)
    for slug in ("acme-robotics", "globex-retail"):
        organization = world["organizations"][slug]
        if not Attribution.objects.filter(organization=organization).exists():
            # Demo history: both customers signed up through Paula's link months ago, so
            # every invoice they pay earns her a commission.
            Attribution.objects.create(
                organization=organization,
                partner=partner,
                created_at=timezone.now() - timedelta(days=120),
            )
    return partner


def seed(world: dict) -> None:
    for row in LEADS:
        _lead(world, row)
    world["referral_partner"] = _partner(world)
    # The paid demo invoice earns its commission (pending for the hold period).
    commissions_run()
    world["hourly_plans"] = list(HourlyPlan.objects.all())
