"""R-NPS: members opt out of (and back into) their organization's survey; owners choose
for anyone; the job respects it."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from softwaresupp.models import Event
from surveys.models import SurveyOptOut
from surveys.services import survey_opt_out_set, surveys_send
from tests.factories.accounts import customer
from tests.surveys.worlds import FRIDAY, organization_with_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return organization_with_team(2)


def _url(team, person):
    return reverse(
        "surveys:receiver_set", kwargs={"slug": team["organization"].slug, "user_id": person.pk}
    )


def test_a_member_opts_out_and_back_in_from_the_organization_page(client, team):
    owner, member = team["people"]
    client.force_login(member)
    page = client.get(team["organization"].get_absolute_url()).content.decode()
    assert 'id="weekly-survey"' in page and _url(team, member) in page
    assert _url(team, owner) not in page  # a member chooses only for themselves

    response = client.post(_url(team, member), {"receives": "0"})
    assert response.status_code == 302 and response["Location"].endswith("#weekly-survey")
    assert SurveyOptOut.objects.filter(user=member, chosen_by=member).exists()
    assert surveys_send(now=FRIDAY) == 1

    client.post(_url(team, member), {"receives": "1"})
    assert not SurveyOptOut.objects.exists()
    assert list(
        Event.objects.filter(verb__startswith="survey opt").values_list("verb", flat=True)
    ) == [
        "survey opt-in",
        "survey opt-out",
    ]


def test_an_owner_chooses_who_receives_it(client, team):
    owner, member = team["people"]
    client.force_login(owner)
    client.post(_url(team, member), {"receives": "0"})
    assert SurveyOptOut.objects.filter(user=member, chosen_by=owner).exists()


def test_a_member_cannot_choose_for_someone_else(client, team):
    owner, member = team["people"]
    client.force_login(member)
    assert client.post(_url(team, owner), {"receives": "0"}).status_code == 403
    assert not SurveyOptOut.objects.exists()
    with pytest.raises(PermissionDenied):
        survey_opt_out_set(
            actor=member, organization=team["organization"], user=owner, receives=False
        )


def test_only_members_of_the_organization_can_be_chosen(client, team):
    owner = team["people"][0]
    other = organization_with_team(1, slug="other")
    stranger = other["people"][0]
    client.force_login(owner)
    assert client.post(_url(team, stranger), {"receives": "0"}).status_code == 404
    with pytest.raises(PermissionDenied):
        survey_opt_out_set(
            actor=owner, organization=team["organization"], user=stranger, receives=False
        )


def test_setting_what_is_already_set_changes_nothing(team):
    member = team["people"][1]
    org = team["organization"]
    assert survey_opt_out_set(actor=member, organization=org, user=member, receives=True) is False
    assert survey_opt_out_set(actor=member, organization=org, user=member, receives=False)
    assert not survey_opt_out_set(actor=member, organization=org, user=member, receives=False)
    assert Event.objects.filter(verb__startswith="survey opt").count() == 1


@pytest.mark.parametrize("value", ["", "yes", "2"])
def test_a_bad_choice_changes_nothing(client, team, value):
    member = team["people"][1]
    client.force_login(member)
    assert client.post(_url(team, member), {"receives": value}).status_code == 302
    assert not SurveyOptOut.objects.exists()


def test_get_is_not_a_change(client, team):
    member = team["people"][1]
    client.force_login(member)
    assert client.get(_url(team, member)).status_code == 405
    customer(team["organization"])  # the page keeps working with more members
    assert client.get(team["organization"].get_absolute_url()).status_code == 200


def test_a_member_opts_out_from_their_profile_too(client, team):
    member = team["people"][1]
    client.force_login(member)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert 'data-testid="survey-own-choices"' in page and "you receive it" in page
    assert _url(team, member) in page
    client.post(_url(team, member), {"receives": "0"})
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "you do not receive it" in page
