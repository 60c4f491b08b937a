from datetime import UTC, date, datetime

import pytest
from django.apps import apps
from django.contrib import admin
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import ExpertProfile, Membership, Organization, User
from softwaresupp.events import event_list_for, event_record
from softwaresupp.money import money
from softwaresupp.notifications import notify
from tests.factories.accounts import (
    StaffFactory,
    UserFactory,
    customer,
    expert,
    login_verified_staff,
)
from tests.factories.projects import AssignmentFactory, ProjectFactory, TaskFactory
from tests.factories.queries import QueryFactory
from tests.factories.timesheets import TimeEntryFactory

LOCAL_APPS = {
    "core",
    "accounts",
    "projects",
    "timesheets",
    "payments",
    "leads",
    "onboarding",
    "surveys",
}


@pytest.mark.django_db
class TestHealth:
    def test_reports_database_and_broker(self, client):
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.json() | {"ms": 0} == {
            "status": "ok",
            "database": "ok",
            "broker": "ok",
            "ms": 0,
        }

    def test_answers_503_when_the_broker_is_down(self, client, settings):
        from softwaresupp.celery import app

        previous = app.conf.broker_url
        app.conf.broker_url = "redis://127.0.0.1:1/0"
        try:
            response = client.get("/healthz")
        finally:
            app.conf.broker_url = previous
        assert response.status_code == 503
        assert response.json()["broker"].startswith("error")
        assert response.json()["database"] == "ok"


@pytest.mark.django_db
class TestErrorPages:
    def test_404_is_friendly(self, client):
        client.force_login(customer())
        response = client.get("/no-such-page/")
        assert response.status_code == 404
        assert "We could not find that page" in response.content.decode()

    def test_500_shows_no_stack_trace(self, settings):
        settings.ROOT_URLCONF = "tests.core.urls_boom"
        client = Client(raise_request_exception=False)
        response = client.get("/boom/")
        assert response.status_code == 500
        body = response.content.decode()
        assert "Something went wrong" in body
        assert "secret internal detail" not in body and "Traceback" not in body


def test_every_model_is_in_admin_with_filters_and_search():
    for model in apps.get_models():
        if model._meta.app_label not in LOCAL_APPS:
            continue
        model_admin = admin.site._registry.get(model)
        assert model_admin is not None, f"{model._meta.label} is not in Django admin"
        # A skill is a name; a board stamp a token per project (nothing to filter by).
        assert model_admin.list_filter or model._meta.label in {
            "accounts.Skill",
            "projects.BoardStamp",
        }, f"{model._meta.label}: list filters"
        assert model_admin.search_fields, f"{model._meta.label}: search"


@pytest.mark.django_db
def test_admin_changelists_load_with_search_for_staff_with_mfa(client):
    customer()
    expert()
    login_verified_staff(client, StaffFactory(is_superuser=True))
    for model in admin.site._registry:
        if model._meta.app_label not in LOCAL_APPS:
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url, {"q": "a"}).status_code == 200, url


@pytest.mark.django_db
def test_seed_demo_is_idempotent():
    call_command("seed_demo", verbosity=0)
    counts = [model.objects.count() for model in (User, Organization, Membership, ExpertProfile)]
    call_command("seed_demo", verbosity=0)
    assert [
        model.objects.count() for model in (User, Organization, Membership, ExpertProfile)
    ] == counts
    # Three working experts and four at onboarding stages (onboarding's demo).
    assert counts[1] == 2 and counts[3] == 7
    assert User.objects.filter(is_staff=True).count() == 1
    regions = set(ExpertProfile.objects.values_list("region", flat=True))
    assert len(regions) == 4
    # Every organization has members, every demo login works.
    assert all(org.memberships.exists() for org in Organization.objects.all())
    assert User.objects.get(email="anna@acme.example").check_password("SoftwareSupp-demo-1")


def _busy(user, projects: int) -> None:
    """More projects for the user (their organization's, or assigned to the expert), each
    with a task, today's hours and an open query."""
    memberships = user.memberships.all()
    for _ in range(projects):
        if memberships:
            project = ProjectFactory(organization=memberships[0].organization)
            worker = AssignmentFactory(project=project).expert
        else:
            project = AssignmentFactory(expert=user, starts_on=date(2000, 1, 1)).project
            worker = user
        TimeEntryFactory(task=TaskFactory(project=project, assignee=worker), expert=worker)
        QueryFactory(project=project)


@pytest.mark.django_db
class TestDashboards:
    @pytest.mark.parametrize(
        "make_user, marker",
        [(customer, "customer-dashboard"), (expert, "expert-dashboard")],
    )
    def test_each_role_lands_on_its_dashboard_in_the_same_queries_however_busy(
        self, client, make_user, marker, django_assert_num_queries
    ):
        user = make_user()
        client.force_login(user)
        _busy(user, 1)
        client.get(reverse("dashboard"))  # warm caches (content types)
        with CaptureQueriesContext(connection) as small:
            response = client.get(reverse("dashboard"))
        assert marker in response.content.decode()
        assert len(small) <= 9  # 8, and a customer owner's first steps (one query)
        _busy(user, 5)
        with django_assert_num_queries(len(small)):
            assert client.get(reverse("dashboard")).status_code == 200

    def test_staff_dashboard(self, client):
        login_verified_staff(client, StaffFactory())
        assert "staff-figures" in client.get(reverse("dashboard")).content.decode()


@pytest.mark.django_db
def test_events_keep_who_what_and_from_to():
    user = UserFactory()
    org = Organization.objects.create(name="X", slug="x")
    event_record(
        actor=user, target=org, verb="renamed", changes={"name": ("Old", "X")}, organization=org
    )
    (event,) = event_list_for(org)
    assert (event.actor, event.verb, event.changes) == (user, "renamed", {"name": ["Old", "X"]})


@pytest.mark.django_db
def test_email_is_sent_after_commit_in_the_recipients_time_zone(django_capture_on_commit_callbacks):
    warsaw = UserFactory(time_zone="Europe/Warsaw")
    when = datetime(2026, 7, 1, 10, 0, tzinfo=UTC)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(
            template="invitation",
            recipients=[warsaw, warsaw.email],
            context={
                "organization": "Acme",
                "inviter": "Anna",
                "accept_url": "http://x/y",
                "expires_at": when,
            },
        )
    assert mail.outbox == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    (message,) = mail.outbox  # the same person twice gets one email
    assert "12:00" in message.body  # 10:00 UTC is 12:00 in Warsaw in July
    assert message.alternatives[0][1] == "text/html"


def test_money_rounds_half_up_to_cents():
    from decimal import Decimal

    assert money(Decimal("2.005")) == Decimal("2.01")
    assert money(Decimal("2.0049")) == Decimal("2.00")
    assert money(Decimal("-2.005")) == Decimal("-2.01")


def test_every_scheduled_job_names_a_registered_task():
    from softwaresupp.celery import app
    from softwaresupp.schedule import BEAT_SCHEDULE

    app.loader.import_default_modules()
    assert BEAT_SCHEDULE, "the beat schedule is empty"
    missing = [entry["task"] for entry in BEAT_SCHEDULE.values() if entry["task"] not in app.tasks]
    assert not missing, f"scheduled but not registered: {missing}"
