"""The NPS figures page (R-NPS): what each person sees (R-TENANT), filters, the trend, and
a query count that does not grow with the answers."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Membership
from surveys.selectors.figures import last_weeks, nps_report
from tests.factories.accounts import (
    OrganizationFactory,
    StaffFactory,
    customer,
    expert,
    login_unverified_staff,
    login_verified_staff,
)
from tests.factories.projects import ProjectFactory
from tests.surveys.figures_data import survey

pytestmark = pytest.mark.django_db
URL = reverse("surveys:figures")


class World:
    """Acme (Robots; expert Eva) and Globex (Shop; expert Raj), answers in the latest
    surveyed week and three weeks before it."""

    def __init__(self):
        self.weeks = last_weeks()
        self.latest, self.earlier = self.weeks[-1], self.weeks[-4]
        self.acme, self.globex = (
            OrganizationFactory(name="Acme"),
            OrganizationFactory(name="Globex"),
        )
        self.robots = ProjectFactory(organization=self.acme, name="Robots")
        self.shop = ProjectFactory(organization=self.globex, name="Shop")
        self.eva, self.raj = expert(user__first_name="Eva"), expert(user__first_name="Raj")
        self.anna = customer(self.acme, email="anna@acme.example")
        self.ben = customer(self.acme, Membership.Role.MEMBER, email="ben@acme.example")
        self.carla = customer(self.globex, email="carla@globex.example")
        acme = {"projects": [self.robots], "experts": [self.eva]}
        self.anna_now = survey(
            self.anna, self.acme, self.latest, score=10, comment="Anna <b>loves</b> it", **acme
        )
        survey(self.ben, self.acme, self.latest, score=6, comment="Ben is unsure", **acme)
        survey(self.anna, self.acme, self.earlier, score=9, **acme)
        survey(self.ben, self.acme, self.earlier, **acme)  # not answered
        survey(
            self.carla,
            self.globex,
            self.latest,
            score=0,
            comment="Carla is angry",
            projects=[self.shop],
            experts=[self.raj],
        )


@pytest.fixture
def world():
    return World()


def page(client, user):
    if user.is_staff:
        login_verified_staff(client, user)
    else:
        client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 200
    return response


def rows(table):
    return {row.label: (row.period.nps, row.period.answered, row.period.sent) for row in table}


class TestStaff:
    def test_verified_staff_see_every_organization_project_and_expert(self, client, world):
        report = page(client, StaffFactory()).context["report"]
        assert (report.overall.nps, report.overall.answered, report.overall.sent) == (0, 4, 5)
        assert report.overall.response_rate == 80
        assert rows(report.organizations) == {"Acme": (33, 3, 4), "Globex": (-100, 1, 1)}
        assert rows(report.projects) == {"Robots": (33, 3, 4), "Shop": (-100, 1, 1)}
        assert {label.split()[0] for label in rows(report.experts)} == {"Eva", "Raj"}
        assert [s.comment for s in report.comments][0:3] == [
            "Carla is angry",
            "Ben is unsure",
            "Anna <b>loves</b> it",
        ]

    def test_the_latest_week_is_counted_apart(self, client, world):
        report = page(client, StaffFactory()).context["report"]
        assert (report.latest_week.nps, report.latest_week.answered) == (-33, 3)  # 10, 6, 0
        acme = next(row for row in report.organizations if row.label == "Acme")
        assert (acme.week.nps, acme.week.answered, acme.week.sent) == (0, 2, 2)

    def test_the_trend_has_12_weeks_and_a_gap_where_nothing_was_answered(self, client, world):
        response = page(client, StaffFactory())
        trend = dict(response.context["report"].trend)
        assert list(trend) == world.weeks
        assert trend[world.earlier].nps == 100 and trend[world.earlier].response_rate == 50
        assert trend[world.weeks[0]].nps is None
        html = response.content.decode()
        assert html.count("<circle") == 2 and 'data-testid="nps-trend"' in html
        assert "style=" not in html and "<script>" not in html

    def test_user_text_is_escaped(self, client, world):
        html = page(client, StaffFactory()).content.decode()
        assert "Anna &lt;b&gt;loves&lt;/b&gt; it" in html and "<b>loves" not in html

    def test_filters_narrow_every_figure(self, client, world):
        login_verified_staff(client, StaffFactory())
        report = client.get(URL, {"organization": world.globex.pk}).context["report"]
        assert rows(report.organizations) == {"Globex": (-100, 1, 1)}
        assert [s.comment for s in report.comments] == ["Carla is angry"]
        report = client.get(URL, {"expert": world.eva.pk, "project": world.robots.pk}).context[
            "report"
        ]
        assert rows(report.projects) == {"Robots": (33, 3, 4)}
        assert report.overall.sent == 4

    def test_nonsense_filters_are_ignored(self, client, world):
        login_verified_staff(client, StaffFactory())
        for params in ({"project": "x"}, {"expert": "-1"}, {"organization": "99999"}):
            response = client.get(URL, params)
            assert response.status_code == 200
            assert response.context["report"].overall.sent == 5

    def test_an_empty_page_shows_dashes_not_errors(self, client):
        html = page(client, StaffFactory()).content.decode()
        assert 'data-testid="nps-score">—<' in html

    def test_unverified_staff_are_sent_to_mfa_and_see_nothing(self, client, world):
        staff = login_unverified_staff(client, StaffFactory(), with_authenticator=True)
        assert client.get(URL).status_code == 302
        report = nps_report(user=staff, params={})
        assert report.overall.sent == 0 and not report.comments


class TestExperts:
    def test_an_expert_sees_only_the_surveys_about_them(self, client, world):
        report = page(client, world.eva).context["report"]
        assert (report.overall.answered, report.overall.sent) == (3, 4)
        assert rows(report.organizations) == {"Acme": (33, 3, 4)}
        assert rows(report.projects) == {"Robots": (33, 3, 4)}
        assert [row.pk for row in report.experts] == [world.eva.pk]
        html = page(client, world.eva).content.decode()
        assert "Carla is angry" not in html and "Globex" not in html and "Shop" not in html

    def test_another_experts_row_on_a_shared_survey_is_not_shown(self, client, world):
        mike = expert(user__first_name="Mike")
        world.anna_now.experts.add(mike)
        report = page(client, world.eva).context["report"]
        assert [row.pk for row in report.experts] == [world.eva.pk]
        assert [c.pk for c in report.options["expert"]] == [world.eva.pk]

    def test_an_expert_of_another_project_reaches_nothing_by_filters(self, client, world):
        client.force_login(world.raj)
        params = {"organization": world.acme.pk, "project": world.robots.pk, "expert": world.eva.pk}
        response = client.get(URL, params)
        report = response.context["report"]
        assert report.filters.organization is None and report.filters.project is None
        assert rows(report.organizations) == {"Globex": (-100, 1, 1)}
        html = response.content.decode()
        assert "Acme" not in html and "Robots" not in html and "Anna" not in html

    def test_an_expert_without_surveys_sees_dashes(self, client, world):
        report = page(client, expert()).context["report"]
        assert report.overall.nps is None and not report.organizations and not report.comments


class TestCustomers:
    def test_a_customer_sees_their_own_answers_only(self, client, world):
        response = page(client, world.anna)
        assert response.templates[0].name == "surveys/figures_own.html"
        assert [s.respondent_id for s in response.context["surveys"]] == [world.anna.pk] * 2
        html = response.content.decode()
        assert "Anna &lt;b&gt;loves&lt;/b&gt; it" in html
        assert "Ben is unsure" not in html and "Carla" not in html and "Globex" not in html

    def test_a_customer_of_another_organization_sees_none_of_them(self, client, world):
        html = page(client, world.carla).content.decode()
        assert "Carla is angry" in html
        assert "Acme" not in html and "Anna" not in html and "Robots" not in html

    def test_an_open_survey_links_to_its_answer_page_and_an_expired_one_does_not(
        self, client, world
    ):
        expired = survey(world.anna, world.acme, world.weeks[0], score=8)
        expired.expires_at = expired.created_at - timedelta(days=1)
        expired.save(update_fields=["expires_at"])
        html = page(client, world.anna).content.decode()
        assert reverse("surveys:answer", kwargs={"token": world.anna_now.token}) in html
        assert reverse("surveys:answer", kwargs={"token": expired.token}) not in html

    def test_the_navigation_links_to_the_page(self, client, world):
        for person in (world.anna, world.eva, StaffFactory()):
            assert f'href="{URL}"' in page(client, person).content.decode()


def _grow(world, count):
    organization = OrganizationFactory()
    project = ProjectFactory(organization=organization)
    for n in range(count):
        survey(
            customer(organization),
            organization,
            world.weeks[n % 12],
            score=n % 11,
            comment=f"Comment {n}",
            projects=[project, world.robots],
            experts=[world.eva],
        )


@pytest.mark.parametrize("who", ["staff", "eva", "anna"])
def test_query_count_is_the_same_with_5_and_50_surveys(
    client, world, who, django_assert_num_queries
):
    person = {"staff": StaffFactory(), "eva": world.eva, "anna": world.anna}[who]
    page(client, person)  # warm caches (content types)
    with CaptureQueriesContext(connection) as small:
        page(client, person)
    _grow(world, 45)
    for n in range(3):
        survey(world.anna, OrganizationFactory(), world.weeks[n], score=5, comment="More")
    with django_assert_num_queries(len(small)):
        response = page(client, person)
    if who == "anna":
        assert len(response.context["surveys"]) == 5
    else:
        assert response.context["report"].overall.sent == {"staff": 53, "eva": 49}[who]
