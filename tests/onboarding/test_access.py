"""R-ACCESS: the customer's onboarding checklist: stakeholders, and tools each given one of
three ways, requested → provided (the customer) → verified (an assigned expert)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from onboarding.models import Stakeholder, ToolAccess
from onboarding.services import stakeholder_add, stakeholder_validate, tool_advance, tool_request
from projects.models import Assignment
from tests.factories.accounts import ExpertProfileFactory, customer, verified_staff
from tests.factories.projects import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    owner = customer(email="owner@example.com")
    organization = owner.memberships.get().organization
    project = ProjectFactory(organization=organization)
    expert = ExpertProfileFactory().user
    Assignment.objects.create(project=project, expert=expert)
    return {"owner": owner, "organization": organization, "expert": expert}


def test_a_tool_goes_requested_provided_verified_in_order_by_the_right_people(team):
    tool = tool_request(
        actor=team["expert"], organization=team["organization"], name="Shopify", method="vault"
    )
    assert tool.state == ToolAccess.State.REQUESTED
    with pytest.raises(PermissionDenied):
        tool_advance(actor=team["expert"], tool=tool)  # the customer provides
    tool = tool_advance(actor=team["owner"], tool=tool)
    assert tool.state == ToolAccess.State.PROVIDED and tool.provided_at
    with pytest.raises(PermissionDenied):
        tool_advance(actor=team["owner"], tool=tool)  # the expert verifies
    tool = tool_advance(actor=team["expert"], tool=tool)
    assert tool.state == ToolAccess.State.VERIFIED and tool.verified_by == team["expert"]
    with pytest.raises(ValidationError, match="already verified"):
        tool_advance(actor=verified_staff(), tool=tool)


def test_stakeholders_are_given_by_the_customer_and_validated_by_the_expert(team):
    person = stakeholder_add(
        actor=team["owner"],
        organization=team["organization"],
        name="Eva",
        role="CTO",
        email="eva@example.com",
        phone="+48 600 100 200",
    )
    with pytest.raises(ValidationError, match="already a stakeholder"):
        stakeholder_add(
            actor=team["owner"],
            organization=team["organization"],
            name="Eva again",
            role="CTO",
            email="eva@example.com",
        )
    with pytest.raises(PermissionDenied):
        stakeholder_add(
            actor=team["expert"],
            organization=team["organization"],
            name="X",
            role="Y",
            email="x@example.com",
        )
    with pytest.raises(PermissionDenied):
        stakeholder_validate(actor=team["owner"], stakeholder=person)
    assert stakeholder_validate(actor=team["expert"], stakeholder=person).is_validated


def test_the_checklist_is_for_the_customer_its_current_experts_and_staff(client, team):
    url = reverse("onboarding:checklist", args=[team["organization"].slug])
    for person, status in (
        (team["owner"], 200),
        (team["expert"], 200),
        (customer(), 404),
        (ExpertProfileFactory().user, 404),
    ):
        client.force_login(person)
        assert client.get(url).status_code == status
    Assignment.objects.filter(expert=team["expert"]).update(
        starts_on=timezone.now().date() - timedelta(days=9),
        ends_on=timezone.now().date() - timedelta(days=1),
    )
    client.force_login(team["expert"])
    assert client.get(url).status_code == 404


def test_a_bad_stakeholder_shows_the_error_beside_the_field_and_saves_nothing(client, team):
    client.force_login(team["owner"])
    response = client.post(
        reverse("onboarding:stakeholder_add", args=[team["organization"].slug]),
        {"name": "Eva", "role": "CTO", "email": "not-an-address", "phone": ""},
    )
    assert (
        response.status_code == 200 and "Enter a valid email address" in response.content.decode()
    )
    assert not Stakeholder.objects.exists()
