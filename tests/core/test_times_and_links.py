"""Issue 14, item 1: times in the viewer's zone with its label on every page that shows one;
absolute links follow the address the platform is served on (``start --port``)."""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.management import call_command
from django.urls import reverse

from accounts.forms import CustomerSignupForm, ProfileForm
from accounts.models import Membership
from projects.forms.projects import ProjectForm
from projects.models import Assignment, Project
from projects.selectors.queries import query_task_initial
from projects.services.projects import project_create
from projects.services.query_common import query_summary
from projects.services.releases import release_create
from softwaresupp.management.commands import start
from softwaresupp.notifications import absolute_url, render_message
from softwaresupp.timezones import COMMON_ZONES, canonical_zones
from tests.factories.accounts import OrganizationFactory, StaffFactory, customer, expert
from tests.factories.projects import (
    ProjectFactory,
    ProjectUpdateFactory,
    TaskCommentFactory,
    TaskFactory,
    WeeklySummaryFactory,
)
from tests.factories.queries import QueryFactory, QueryNoteFactory, QueryResponseFactory

NOON_UTC = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)  # 08:00 in New York (EDT)
TEMPLATES = Path(django_settings.BASE_DIR) / "templates"


@pytest.fixture
def world(db):
    with time_machine.travel(NOON_UTC, tick=False):
        organization = OrganizationFactory(time_zone="Europe/Warsaw")
        owner = customer(organization, Membership.Role.OWNER, time_zone="America/New_York")
        project = ProjectFactory(organization=organization)
        lead = expert(user__time_zone="America/New_York")
        Assignment.objects.create(
            project=project, expert=lead, role=Assignment.Role.LEAD, starts_on=NOON_UTC.date()
        )
        task = TaskFactory(project=project, title="Export the orders", status="done")
        TaskCommentFactory(task=task, author=owner)
        update = ProjectUpdateFactory(task__project=project)
        release = release_create(actor=lead, project=project, title="July release", tasks=[task])
        summary = WeeklySummaryFactory(project=project, sent_at=NOON_UTC, recipient_count=1)
        query = QueryFactory(project=project, author=owner)
        QueryResponseFactory(query=query, author=lead)
        QueryNoteFactory(query=query, author=lead)
    return locals()


def test_every_time_on_the_pages_is_in_the_viewers_zone_with_its_label(client, world):
    pages = {
        world["owner"]: [
            reverse("projects:task_detail", kwargs={"pk": world["task"].pk}),
            reverse("projects:task_detail", kwargs={"pk": world["update"].task_id}),
            world["release"].get_absolute_url(),
            reverse("projects:summary_detail", kwargs={"pk": world["summary"].pk}),
            world["query"].get_absolute_url(),
            reverse("queries:project_list", kwargs={"pk": world["project"].pk}),
            reverse("queries:list"),
        ],
        world["lead"]: [world["query"].get_absolute_url()],
    }
    with time_machine.travel(NOON_UTC, tick=False):
        for viewer, urls in pages.items():
            client.force_login(viewer)
            for url in urls:
                html = client.get(url).content.decode()
                stamps = re.findall(r"<time datetime=\"([^\"]+)\">([^<]+)</time>", html)
                assert stamps, url
                for iso, text in stamps:
                    assert iso.endswith("-04:00"), (url, iso)
                    assert text.endswith(" EDT"), (url, text)
                assert "08:00 EDT" in html, url
                assert "12:00" not in re.sub(r"<[^>]+>", "", html), url


def test_no_page_formats_a_time_of_day_itself():
    """The pattern, not one page: every page writes times with |when (zone and label);
    emails are rendered in the recipient's zone by the outbox and write their own."""
    offenders = [
        f"{path.relative_to(TEMPLATES)}: {line.strip()[:80]}"
        for path in TEMPLATES.rglob("*.html")
        if "email" not in path.relative_to(TEMPLATES).parts
        for line in path.read_text().splitlines()
        if re.search(r"\|date:['\"][^'\"]*[HGgh]:i", line)
    ]
    assert offenders == []


def test_an_anonymous_page_says_its_times_are_utc(rf):
    from django.template import Context, Template

    html = Template("{% load when %}{{ moment|when }}").render(Context({"moment": NOON_UTC}))
    assert html == '<time datetime="2026-07-01T12:00+00:00">1 Jul 2026, 12:00 UTC</time>'


def test_pickers_offer_canonical_zones_common_first_and_no_legacy_aliases(db):
    zones = canonical_zones()
    for alias in ("Zulu", "W-SU", "Etc/GMT+3", "US/Eastern", "Poland", "Australia/NSW"):
        assert alias not in zones
    assert {"UTC", "Europe/Warsaw", "America/Argentina/Salta", "Asia/Kolkata"} <= set(zones)
    field = CustomerSignupForm().fields["time_zone"]
    assert field.choices[0][0] == "Common"
    assert [value for value, _ in field.choices[0][1]] == COMMON_ZONES
    assert "data-tz-detect" in str(CustomerSignupForm()["time_zone"])
    form = CustomerSignupForm(data={"time_zone": "W-SU"})
    form.is_valid()
    assert "time_zone" in form.errors


def test_a_profile_saved_with_a_legacy_zone_still_saves(db):
    user = customer(time_zone="Poland")
    form = ProfileForm(
        data={"first_name": "A", "last_name": "B", "time_zone": "Poland"}, instance=user
    )
    assert form.is_valid(), form.errors


def test_a_new_project_works_in_its_organizations_zone_unless_another_is_picked(db):
    organization = OrganizationFactory(time_zone="Asia/Tokyo")
    owner = customer(organization)
    organizations = Organization_of(owner)
    form = ProjectForm(organizations=organizations)
    assert form["time_zone"].value() == ""
    assert "The organization&#x27;s time zone (Asia/Tokyo)" in str(form["time_zone"])
    project = project_create(actor=owner, organization=organization, name="Shop", time_zone="")
    assert project.time_zone == "Asia/Tokyo"
    picked = project_create(
        actor=owner, organization=organization, name="App", time_zone="Europe/Lisbon"
    )
    assert picked.time_zone == "Europe/Lisbon"


def query_email_context(query):
    return {"query": query_summary(query), "expert": "Eva"}


def Organization_of(user):
    from projects.selectors.projects import organizations_for_new_project

    return organizations_for_new_project(user=user)


def test_the_create_page_makes_the_project_in_the_organizations_zone(client, db):
    organization = OrganizationFactory(time_zone="Asia/Tokyo")
    owner = customer(organization)
    client.force_login(owner)
    response = client.post(
        reverse("projects:create"),
        {
            "organization": organization.pk,
            "name": "Shop",
            "engagement_type": Project._meta.get_field("engagement_type").default,
            "status": Project.Status.ACTIVE,
            "time_zone": "",
            "communication_channel": Project._meta.get_field("communication_channel").default,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Project.objects.get(name="Shop").time_zone == "Asia/Tokyo"


class TestServedAddress:
    def test_the_port_given_to_start_is_the_links_port(self):
        assert start.served_site_url("127.0.0.1", "8101", {}) == "http://127.0.0.1:8101"
        assert start.served_site_url("0.0.0.0", "8101", {}) == "http://127.0.0.1:8101"
        assert start.served_site_url("::1", "9000", {}) == "http://[::1]:9000"

    def test_an_operators_site_url_wins(self):
        environ = {"SITE_URL": "https://app.example.com/"}
        assert start.served_site_url("0.0.0.0", "8101", environ) == "https://app.example.com"

    def test_start_with_port_8101_links_emails_and_query_tasks_to_8101(
        self, settings, monkeypatch, db
    ):
        monkeypatch.delenv("SITE_URL", raising=False)
        settings.SITE_URL = "http://127.0.0.1:8000"
        # On PostgreSQL start refuses the public development keys (tested elsewhere).
        monkeypatch.setattr(start, "development_keys_in_use", lambda: [])
        children = {}
        monkeypatch.setattr(
            start.Command,
            "_run_processes",
            lambda self, host, port: children.update(site_url=__import__("os").environ["SITE_URL"]),
        )
        call_command("start", "--port", "8101", "--no-seed")
        assert children["site_url"] == "http://127.0.0.1:8101"  # web, worker and beat
        assert django_settings.SITE_URL == "http://127.0.0.1:8101"

        query = QueryFactory(title="Broken export")
        initial = query_task_initial(query)
        assert f"http://127.0.0.1:8101/queries/{query.pk}/" in initial["description"]
        assert absolute_url("/tasks/1/") == "http://127.0.0.1:8101/tasks/1/"
        message = render_message("query_resolved", StaffFactory(), query_email_context(query))
        assert "http://127.0.0.1:8101/" in message["html"] and ":8000" not in message["html"]

    def test_start_documents_port_in_its_help(self):
        parser = start.Command().create_parser("manage.py", "start")
        assert "absolute links" in parser.format_help()
