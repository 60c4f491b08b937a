"""Tenant A's posting, offers, checklist and vault for the tenancy sweep.

The posting asks for a skill only expert A (and the experts who offered) have, so the
sweep's outside experts — onboarded, but without that skill — must not see it."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from onboarding.models import (
    Credential,
    CredentialRequest,
    Offer,
    Posting,
    Stakeholder,
    ToolAccess,
)
from onboarding.services import (
    credential_request,
    credential_store,
    offer_send,
    posting_create,
    stakeholder_add,
    tool_request,
)
from projects.models import Assignment
from softwaresupp.models import Event
from tests.factories.accounts import ExpertProfileFactory, SkillFactory
from tests.factories.projects import ProjectFactory
from tests.tenancy import MARKER, Sample


def _offer(expert, posting, rate="80.00"):
    return offer_send(
        actor=expert,
        posting=posting,
        hourly_rate=Decimal(rate),
        hours_per_week=20,
        starts_on=timezone.now().date() + timedelta(days=3),
        estimate_hours=Decimal("40"),
        experience=f"Experience {MARKER}",
        message=f"Offer {MARKER}",
    )


def populate(world):
    """Runs before the projects' samples: its own project of A, with expert A assigned."""
    project = ProjectFactory(organization=world.org_a, name=f"Onboarding {MARKER}")
    Assignment.objects.create(
        project=project,
        expert=world.expert_a,
        starts_on=timezone.now().date() - timedelta(days=30),
    )
    world.extra["onboarding_project_a"] = project
    # Skills are the network's, not a tenant's: every expert and customer may see the name.
    skill = SkillFactory(name="Sweep skill")
    world.expert_a.expert_profile.skills.add(skill)
    offerer = ExpertProfileFactory(user__email="offerer@example.com", skills=[skill]).user
    posting = posting_create(
        actor=world.owner_a,
        organization=world.org_a,
        project=project,
        skills=[skill],
        title=f"Posting {MARKER}",
        scope=f"Scope {MARKER}",
        engagement_type="hourly",
        hours_per_week=20,
        starts_on=timezone.now().date() + timedelta(days=3),
    )
    stakeholder = stakeholder_add(
        actor=world.owner_a,
        organization=world.org_a,
        name=f"Stake {MARKER}",
        role="CTO",
        email="cto@tenant-a.example.com",
    )
    world.extra.update(
        posting_skill=skill,
        posting_a=posting,
        offer_expert_a=_offer(world.expert_a, posting),
        offer_other_a=_offer(offerer, posting, rate="90.00"),
        stakeholder_a=stakeholder,
        tool_a=tool_request(
            actor=world.owner_a, organization=world.org_a, name=f"Tool {MARKER}", method="vault"
        ),
        credential_a=credential_store(
            actor=world.owner_a,
            project=project,
            label=f"Login {MARKER}",
            username="admin",
            password=f"pw-{MARKER}",
        ),
        credential_request_a=credential_request(
            actor=world.expert_a, project=project, label=f"Wanted {MARKER}"
        ),
    )


def _org(w):
    return {"slug": w.org_a.slug}


def _offer_payload(w):
    return {
        "hourly_rate": "85.00",
        "hours_per_week": "20",
        "starts_on": (w.today + timedelta(days=5)).isoformat(),
        "estimate_hours": "30",
        "experience": "Sweep experience",
        "message": "Sweep offer",
    }


def _secret(w):
    return {"username": "sweeper", "password": "sweep-password", "notes": ""}


def _revealed(w):
    return Event.objects.filter(
        verb="credential revealed", target_id=w.credential_a.pk, actor=w.expert_a
    ).exists()


ROUTES = {
    # The expert's own checklist: no ids; an outside expert's valid post saves their own.
    "onboarding:expert_checklist": Sample(writer="expert_a"),
    "onboarding:expert_profile_save": Sample(
        payload=lambda w: {"skills": [w.posting_skill.pk], "availability": "part_time"},
        writer="expert_a",
        own="an expert completes their own profile",
    ),
    "onboarding:expert_rules_accept": Sample(
        payload=lambda w: {"accept": "on"},
        writer="expert_a",
        own="an expert accepts the rules for themselves",
    ),
    "onboarding:posting_list": Sample(),
    "onboarding:posting_new": Sample(
        kwargs=_org,
        payload=lambda w: {
            "project": w.onboarding_project_a.pk,
            "title": "Sweep posting",
            "scope": "Sweep scope",
            "skills": [w.posting_skill.pk],
            "engagement_type": "hourly",
            "hours_per_week": "10",
            "starts_on": (w.today + timedelta(days=3)).isoformat(),
            "preferred_regions": ["eu"],
        },
        done=lambda w: Posting.objects.filter(title="Sweep posting").exists(),
    ),
    "onboarding:posting_detail": Sample(kwargs=lambda w: {"pk": w.posting_a.pk}),
    # The customer closes without choosing: an owner or staff; a member is refused (as for
    # the choice), the experts who see the posting get 404 (it is not theirs to close).
    "onboarding:posting_close": Sample(
        kwargs=lambda w: {"pk": w.posting_a.pk},
        payload=lambda w: {"reason": "Sweep close"},
        form=lambda w: w.posting_a.get_absolute_url(),
        refused={"member_a": 403, "expert_a": 404},
        done=lambda w: Posting.objects.filter(pk=w.posting_a.pk, status="closed").exists(),
    ),
    "onboarding:offer_send": Sample(
        kwargs=lambda w: {"pk": w.posting_a.pk},
        payload=_offer_payload,
        writer="expert_a",
        form=lambda w: w.posting_a.get_absolute_url(),
        done=lambda w: Offer.objects.filter(
            expert=w.expert_a, hourly_rate=Decimal("85.00")
        ).exists(),
    ),
    "onboarding:offer_withdraw": Sample(
        kwargs=lambda w: {"pk": w.offer_expert_a.pk},
        payload=lambda w: {},
        writer="expert_a",
        form=lambda w: w.posting_a.get_absolute_url(),
        refused={"owner_a": 404},
    ),
    "onboarding:offer_shortlist": Sample(
        kwargs=lambda w: {"pk": w.offer_other_a.pk},
        payload=lambda w: {"shortlisted": "1"},
        form=lambda w: w.posting_a.get_absolute_url(),
    ),
    "onboarding:offer_suggest": Sample(
        kwargs=lambda w: {"pk": w.offer_other_a.pk},
        payload=lambda w: {"suggested": "1"},
        writer="staff",
        form=lambda w: w.posting_a.get_absolute_url(),
        refused={"owner_a": 403},
    ),
    # Only an owner chooses: a member is refused, staff too (they only suggest).
    "onboarding:offer_choose": Sample(
        kwargs=lambda w: {"pk": w.offer_other_a.pk},
        payload=lambda w: {},
        form=lambda w: w.posting_a.get_absolute_url(),
        refused={"member_a": 403, "staff": 403},
        done=lambda w: Assignment.objects.filter(
            project=w.onboarding_project_a, expert=w.offer_other_a.expert
        ).exists(),
    ),
    "onboarding:checklist": Sample(kwargs=_org),
    "onboarding:stakeholder_add": Sample(
        kwargs=_org,
        payload=lambda w: {
            "name": "Sweep Person",
            "role": "PM",
            "email": "pm@tenant-a.example.com",
            "phone": "+48 600 000 000",
        },
        form=lambda w: f"/orgs/{w.org_a.slug}/onboarding/",
        refused={"expert_a": 403},
        done=lambda w: Stakeholder.objects.filter(email="pm@tenant-a.example.com").exists(),
    ),
    "onboarding:stakeholder_validate": Sample(
        kwargs=lambda w: {"pk": w.stakeholder_a.pk},
        payload=lambda w: {},
        writer="expert_a",
        form=lambda w: f"/orgs/{w.org_a.slug}/onboarding/",
        refused={"owner_a": 403},
    ),
    "onboarding:tool_add": Sample(
        kwargs=_org,
        payload=lambda w: {"name": "Sweep tool", "url": "", "method": "support_address"},
        form=lambda w: f"/orgs/{w.org_a.slug}/onboarding/",
        done=lambda w: ToolAccess.objects.filter(name="Sweep tool").exists(),
    ),
    "onboarding:tool_advance": Sample(
        kwargs=lambda w: {"pk": w.tool_a.pk},
        payload=lambda w: {},
        form=lambda w: f"/orgs/{w.org_a.slug}/onboarding/",
        refused={"expert_a": 403},
    ),
    "onboarding:credential_new": Sample(
        kwargs=_org,
        payload=lambda w: {
            "project": w.onboarding_project_a.pk,
            "label": "Sweep login",
            "url": "",
            **_secret(w),
        },
        done=lambda w: Credential.objects.filter(label="Sweep login").exists(),
    ),
    "onboarding:credential_detail": Sample(kwargs=lambda w: {"pk": w.credential_a.pk}),
    # Customers see the entry and its reveal log, never the secret: 404 to reveal.
    "onboarding:credential_reveal": Sample(
        kwargs=lambda w: {"pk": w.credential_a.pk},
        payload=lambda w: {},
        writer="expert_a",
        form=lambda w: w.credential_a.get_absolute_url(),
        refused={"owner_a": 404, "member_a": 404},
        done=_revealed,
    ),
    "onboarding:credential_replace": Sample(
        kwargs=lambda w: {"pk": w.credential_a.pk},
        payload=_secret,
    ),
    "onboarding:credential_delete": Sample(
        kwargs=lambda w: {"pk": w.credential_a.pk},
        payload=lambda w: {},
        form=lambda w: w.credential_a.get_absolute_url(),
        refused={"expert_a": 403},
        done=lambda w: Credential.objects.filter(
            pk=w.credential_a.pk, deleted_at__isnull=False
        ).exists(),
    ),
    "onboarding:credential_request": Sample(
        kwargs=lambda w: {"pk": w.onboarding_project_a.pk},
        payload=lambda w: {"label": "Sweep wanted", "note": ""},
        writer="expert_a",
        refused={"owner_a": 404},
        done=lambda w: CredentialRequest.objects.filter(label="Sweep wanted").exists(),
    ),
    "onboarding:credential_submit": Sample(
        kwargs=lambda w: {"token": w.credential_request_a.token},
        payload=_secret,
        refused={"expert_a": 404},
        done=lambda w: CredentialRequest.objects.filter(
            pk=w.credential_request_a.pk, status="fulfilled"
        ).exists(),
    ),
}
