"""R-EXPERT-ONBOARD: profile, certification, mailbox and the network's rules (version and
time kept); an expert who has not finished cannot be assigned or send offers."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import NETWORK_RULES_VERSION, ExpertProfile
from accounts.services import expert_profile_complete, expert_rules_accept
from projects.models import Assignment
from projects.services.projects import assignment_open
from tests.factories.accounts import ExpertProfileFactory, SkillFactory, customer, verified_staff
from tests.factories.projects import ProjectFactory

pytestmark = pytest.mark.django_db


def test_factory_experts_are_onboarded_and_each_missing_step_counts():
    assert ExpertProfileFactory().is_onboarded
    cases = {
        "profile": ExpertProfileFactory(skills=[]),
        "certification": ExpertProfileFactory(certified_at=None),
        "rules": ExpertProfileFactory(rules_version=""),
        "old rules": ExpertProfileFactory(rules_version="2020-1"),
    }
    for case, profile in cases.items():
        assert not profile.is_onboarded, case
    onboarded = set(ExpertProfile.objects.onboarded().values_list("pk", flat=True))
    assert not onboarded & {p.pk for p in cases.values()}


def test_an_expert_who_has_not_finished_onboarding_cannot_be_assigned():
    project = ProjectFactory()
    staff = verified_staff()
    rookie = ExpertProfileFactory(rules_version="").user
    with pytest.raises(ValidationError, match="acceptance of the network's rules"):
        assignment_open(actor=staff, project=project, expert=rookie)
    skill_less = ExpertProfileFactory(skills=[]).user
    with pytest.raises(ValidationError, match=r"profile \(skills"):
        assignment_open(actor=staff, project=project, expert=skill_less)
    assert not Assignment.objects.exists()


def test_the_expert_completes_the_checklist_and_accepts_the_rules_with_version_and_time(client):
    profile = ExpertProfileFactory(skills=[], rules_version="", rules_accepted_at=None)
    skill = SkillFactory(name="Django")
    client.force_login(profile.user)
    page = client.get(reverse("onboarding:expert_checklist"))
    assert "outside the network" in page.content.decode()
    refused = client.post(reverse("onboarding:expert_rules_accept"), {})
    assert "Tick the box" in refused.content.decode()
    client.post(
        reverse("onboarding:expert_profile_save"),
        {"skills": [skill.pk], "availability": "part_time"},
    )
    client.post(reverse("onboarding:expert_rules_accept"), {"accept": "on"})
    profile.refresh_from_db()
    assert list(profile.skills.all()) == [skill] and profile.availability == "part_time"
    assert profile.rules_version == NETWORK_RULES_VERSION and profile.rules_accepted_at
    assert profile.is_onboarded
    assert (
        'data-testid="onboarded"'
        in client.get(reverse("onboarding:expert_checklist")).content.decode()
    )


def test_only_the_expert_accepts_the_rules_and_a_skill_is_required():
    profile = ExpertProfileFactory(rules_version="")
    with pytest.raises(PermissionDenied):
        expert_rules_accept(actor=verified_staff(), profile=profile)
    with pytest.raises(PermissionDenied):
        expert_profile_complete(
            actor=customer(), profile=profile, skills=[SkillFactory()], availability="hourly"
        )
    with pytest.raises(ValidationError, match="at least one skill"):
        expert_profile_complete(
            actor=profile.user, profile=profile, skills=[], availability="hourly"
        )


def test_the_checklist_is_for_experts_only(client):
    client.force_login(customer())
    assert client.get(reverse("onboarding:expert_checklist")).status_code == 404
