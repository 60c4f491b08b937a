"""R-TENANT: one sweep over every routed URL (see tests/tenancy.py)."""

import pytest
from django.urls import reverse

from accounts.models import Membership
from tests.factories.accounts import (
    ExpertProfileFactory,
    OrganizationFactory,
    StaffFactory,
    customer,
)
from tests.tenancy import (
    MARKER,
    World,
    database_fingerprint,
    populate_world,
    project_routes,
    route_samples,
)

METHODS = ["get", "post", "put", "patch", "delete"]


@pytest.fixture
def world(db, django_capture_on_commit_callbacks):
    org_a = OrganizationFactory(name=f"Org {MARKER}", slug="tenant-a")
    org_b = OrganizationFactory(name="Other Company", slug="tenant-b")
    owner_a = customer(org_a, Membership.Role.OWNER, email="owner-a@example.com", first_name=MARKER)
    owner_b = customer(org_b, Membership.Role.OWNER, email="owner-b@example.com")
    world = World(
        org_a=org_a,
        owner_a=owner_a,
        expert_a=ExpertProfileFactory(user__email="expert-a@example.com").user,
        org_b=org_b,
        owner_b=owner_b,
        outsider_expert=ExpertProfileFactory(user__email="outsider@example.com").user,
        staff=StaffFactory(email="staff@example.com"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        populate_world(world)
    return world


def test_every_route_has_a_sample():
    samples = route_samples()
    missing = [name for name, _ in project_routes() if name not in samples]
    assert not missing, (
        f"Routes without a tenancy sample (add them to tests/<app>/samples.py): {missing}"
    )


def test_samples_name_only_existing_routes():
    routed = {name for name, _ in project_routes()}
    stale = sorted(set(route_samples()) - routed)
    assert not stale, f"Samples for routes that no longer exist: {stale}"


def _url(name, sample, world):
    return reverse(name, kwargs=sample(world) if sample else {})


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    for name, sample in route_samples().items():
        for method in METHODS:
            response = getattr(client, method)(_url(name, sample, world))
            assert response.status_code == 302, f"{method.upper()} {name}: {response.status_code}"
            assert response["Location"].startswith(reverse("account_login")), name


@pytest.mark.parametrize("outsider", ["owner_b", "outsider_expert"])
def test_outsiders_get_404_and_change_nothing(client, world, outsider):
    client.force_login(getattr(world, outsider))
    before = database_fingerprint()
    for name, sample in route_samples().items():
        url = _url(name, sample, world)
        for method in METHODS:
            response = getattr(client, method)(url, follow=False)
            if sample is not None:
                assert response.status_code == 404, (
                    f"{method.upper()} {url} as {outsider}: {response.status_code}"
                )
            else:
                assert response.status_code < 500, f"{method.upper()} {url}: {response.status_code}"
                # Exports stream (StreamingHttpResponse has no .content): read them whole.
                body = (
                    b"".join(response.streaming_content) if response.streaming else response.content
                )
                assert MARKER not in body.decode(errors="replace"), f"{name} shows tenant A"
    assert database_fingerprint() == before


def test_staff_reach_tenant_routes(client, world):
    """The sweep's 404s come from visibility, not from broken samples: staff see A's pages."""
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(
        user=world.staff, type=Authenticator.Type.TOTP, data={"secret": "x"}
    )
    client.force_login(world.staff)
    for name, sample in route_samples().items():
        if sample is None:
            continue
        response = client.get(_url(name, sample, world))
        assert response.status_code in (200, 302, 405), (
            f"GET {name} as staff: {response.status_code}"
        )
