"""Tenant A, its people and the outsiders, built once per test module (R-TENANT).

The world is made inside a transaction held for the whole module and rolled back at its
end; each test runs in a savepoint inside it (pytest-django's ``db``), so a test that writes
leaves the next one the same world.
"""

from datetime import timedelta
from urllib.parse import urlsplit

from django.db import transaction
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from accounts.models import Membership
from projects.models import Assignment
from tests.factories.accounts import (
    PASSWORD,
    ExpertProfileFactory,
    OrganizationFactory,
    StaffFactory,
    customer,
    login_unverified_staff,
    login_verified_staff,
)
from tests.tenancy import MARKER, World, body, hidden_fields, populate_world, rolled_back

# Who may not reach tenant A at all: 404 on every method of every route with A's ids.
OUTSIDERS = [
    "owner_b",  # a customer of another organization
    "outsider_expert",  # an expert never assigned to A
    "ended_expert",  # assigned to A until yesterday
    "future_expert",  # assigned to A from tomorrow
    "staff_no_mfa",  # staff signed in with a password, no authenticator
    "staff_unverified",  # staff with an authenticator, the session not verified with it
]
# Staff whose session is not MFA-verified are sent to set MFA up (or confirm a code).
UNVERIFIED_STAFF = {"staff_no_mfa", "staff_unverified"}


def _expert_on_project_a(world, email, *, starts_on, ends_on=None):
    person = ExpertProfileFactory(user__email=email).user
    Assignment.objects.create(
        project=world.project_a, expert=person, starts_on=starts_on, ends_on=ends_on
    )
    return person


def build_world(capture_on_commit) -> World:
    org_a = OrganizationFactory(name=f"Org {MARKER}", slug="tenant-a")
    org_b = OrganizationFactory(name="Other Company", slug="tenant-b")
    owner_a = customer(
        org_a, Membership.Role.OWNER, email="owner-a@example.com", first_name=f"Olga-{MARKER}"
    )
    world = World(
        org_a=org_a,
        owner_a=owner_a,
        expert_a=ExpertProfileFactory(user__email="expert-a@example.com").user,
        org_b=org_b,
        owner_b=customer(org_b, Membership.Role.OWNER, email="owner-b@example.com"),
        outsider_expert=ExpertProfileFactory(user__email="outsider@example.com").user,
        staff=StaffFactory(email="staff@example.com"),
    )
    with capture_on_commit(execute=True):
        populate_world(world)
    today = timezone.now().date()
    world.extra.update(
        today=today,
        # A week both the ended expert and expert A worked on A (the grid's ?week=).
        past_monday=today - timedelta(days=14 + today.weekday()),
        member_a=customer(org_a, Membership.Role.MEMBER, email="member-a@example.com"),
        ended_expert=_expert_on_project_a(
            world,
            "ended@example.com",
            starts_on=today - timedelta(days=30),
            ends_on=today - timedelta(days=1),
        ),
        future_expert=_expert_on_project_a(
            world, "future@example.com", starts_on=today + timedelta(days=1)
        ),
        staff_no_mfa=StaffFactory(email="staff-no-mfa@example.com"),
        staff_unverified=StaffFactory(email="staff-unverified@example.com"),
    )
    return world


def module_world(django_db_blocker):
    """For a module-scoped ``world`` fixture: the world inside a transaction held for the
    module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world(TestCase.captureOnCommitCallbacks)
        transaction.set_rollback(True)


def client_for(world: World, role: str) -> Client:
    """A client signed in as ``role`` ("anonymous": nobody); staff in an MFA-verified session."""
    client = Client(raise_request_exception=False)
    if role == "anonymous":
        return client
    user = getattr(world, role)
    if role == "staff":
        login_verified_staff(client, user)
    elif role in UNVERIFIED_STAFF:
        login_unverified_staff(client, user, with_authenticator=role == "staff_unverified")
    else:
        client.force_login(user)
        # Just re-authenticated (allauth's own flow), so pages that ask for the password
        # again (a payout request) answer by tenancy, not by a re-authentication redirect.
        client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    return client


def with_query(url: str, params: dict) -> str:
    return f"{url}?{urlencode(params, doseq=True)}" if params else url


def request_url(world, name, sample) -> str:
    return with_query(sample.url(world, name=name), sample.params(world))


def payload_for(world, name, sample) -> dict:
    """The sample's payload over the hidden inputs (tokens…) of the form that posts it, as
    its writer's page offers them; built once per module."""
    cache = world.extra.setdefault("_payloads", {})
    if name not in cache:
        target = sample.url(world, name=name)
        page = sample.form(world) if sample.form else request_url(world, name, sample)
        with rolled_back():
            response = client_for(world, sample.writer).get(page)
        html = body(response) if response.status_code == 200 else ""
        hidden = hidden_fields(html, page_path=urlsplit(page).path, target_path=target)
        cache[name] = {**hidden, **sample.payload(world)}
    return cache[name]
