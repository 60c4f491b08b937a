"""The demo: an open posting with offers, one posted on Acme's behalf by its lead's expert,
Acme onboarded with a vault, experts at each onboarding stage; seeded twice, the same rows."""

import pytest

from accounts import demo as accounts_demo
from accounts.models import ExpertProfile
from leads import demo as leads_demo
from leads.models import PlannedWorkSummary
from onboarding import demo
from onboarding.models import Credential, Offer, Posting, Stakeholder, ToolAccess
from onboarding.services.vault import credential_decrypt
from projects.demo import boards
from projects.posting_rights import projects_posted_for

pytestmark = pytest.mark.django_db


def _seed(*, leads: bool = False) -> None:
    world: dict = {}
    for module in (accounts_demo, boards, *([leads_demo] if leads else []), demo):
        module.seed(world)


def _counts():
    return [m.objects.count() for m in (Posting, Offer, Stakeholder, ToolAccess, Credential)]


def test_the_demo_is_complete_and_idempotent():
    _seed()
    first = _counts()
    _seed()
    assert _counts() == first == [1, 2, 2, 3, 2]
    posting = Posting.objects.get()
    assert posting.is_open and posting.offers.filter(status=Offer.Status.SENT).count() == 2
    assert set(ToolAccess.objects.values_list("state", flat=True)) == {
        "requested",
        "provided",
        "verified",
    }
    assert credential_decrypt(Credential.objects.get(label="Staging database"))["password"]
    stages = {p.user.email: p.onboarding_steps() for p in ExpertProfile.objects.all()}
    assert [step for step, done in stages["nina@experts.example"].items() if done] == ["mailbox"]
    assert (
        stages["omar@experts.example"]["profile"]
        and not stages["omar@experts.example"]["certification"]
    )
    assert (
        stages["lena@experts.example"]["certification"]
        and not stages["lena@experts.example"]["rules"]
    )
    assert all(stages["eva@experts.example"].values())


def test_with_the_leads_eva_posts_for_the_project_she_planned_with_acme():
    _seed(leads=True)
    _seed(leads=True)
    posting = Posting.objects.get(on_behalf=True)
    planned = PlannedWorkSummary.objects.get(lead__company="Acme Robotics")
    assert posting.project == planned.project and posting.created_by == planned.lead.expert
    assert posting.organization.slug == "acme-robotics" and posting.is_open
    assert list(projects_posted_for(posting.created_by)) == [posting.project]
