"""R-TENANT: one sweep over every routed URL (see tests/tenancy.py).

Every route is tried with tenant A's ids in its path and query, and every write with a real,
valid payload: the payload succeeds for the person in tenant A allowed to send it, so when
anyone else sends it and is refused, the refusal is the tenancy rule, not a form error.
"""

from urllib.parse import urlsplit

import pytest
from django.urls import resolve, reverse

from tests.tenancy import (
    MARKER,
    body,
    database_fingerprint,
    error_messages,
    handles_post,
    project_routes,
    recording_query_reads,
    rolled_back,
    route_samples,
    said_no,
    write_routes,
)
from tests.tenancy_world import (
    OUTSIDERS,
    UNVERIFIED_STAFF,
    client_for,
    module_world,
    payload_for,
    request_url,
    with_query,
)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Tenant A, built once for the module."""
    yield from module_world(django_db_blocker)


METHODS = ["get", "post", "put", "patch", "delete"]
TENANT_ROLES = ["owner_a", "expert_a", "staff"]


def send(client, method, url, data=None):
    if method == "post":
        return client.post(url, data or {})
    return getattr(client, method)(url)


# --- the samples cover the routes --------------------------------------------------------


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


def test_every_write_route_has_a_valid_payload():
    samples = route_samples()
    writes = set(write_routes())
    missing = sorted(name for name in writes if name in samples and samples[name].payload is None)
    assert not missing, f"Routes that handle POST but whose sample has no payload: {missing}"
    needless = sorted(name for name, s in samples.items() if s.payload and name not in writes)
    assert not needless, f"Payloads for routes that do not handle POST: {needless}"


def test_the_sweep_tells_a_write_route_by_its_code():
    """Through helpers too (the query views post through one), so no write route slips by."""
    assert handles_post(resolve(reverse("queries:respond", kwargs={"pk": 1})).func)
    assert handles_post(resolve(reverse("projects:task_create", kwargs={"pk": 1})).func)
    assert not handles_post(resolve(reverse("projects:board", kwargs={"pk": 1})).func)
    assert not handles_post(resolve(reverse("timesheets:report")).func)


def test_the_sweep_sees_the_query_parameters_a_view_reads(world, db):
    client = client_for(world, "expert_a")
    with rolled_back(), recording_query_reads() as reads:
        client.get(reverse("timesheets:week"))
    assert {"week", "add"} <= reads


# --- who may not ---------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(world, db):
    client = client_for(world, "anonymous")
    before = database_fingerprint()
    failures = []
    for name, sample in route_samples().items():
        url = request_url(world, name, sample)
        payload = payload_for(world, name, sample) if sample.payload else None
        for method in METHODS:
            response = send(client, method, url, payload)
            location = response.get("Location", "")
            if response.status_code != 302 or not location.startswith(reverse("account_login")):
                failures.append(f"{method.upper()} {url}: {response.status_code} {location}")
    assert not failures, "\n".join(failures)
    assert database_fingerprint() == before


def _sent_to_mfa(response) -> bool:
    path = urlsplit(response.get("Location", "")).path
    return response.status_code == 302 and path in (
        reverse("mfa_activate_totp"),
        reverse("mfa_reauthenticate"),
    )


def _outsider_failure(role, sample, response) -> str | None:
    """What is wrong with one answer to an outsider, if anything."""
    if role in UNVERIFIED_STAFF:
        if response.status_code == 404 or _sent_to_mfa(response):
            return None
        return f"{response.status_code}, not 404 or MFA setup"
    if sample.scoped:
        return None if response.status_code == 404 else f"{response.status_code}, not 404"
    if response.status_code >= 500:
        return f"{response.status_code}"
    if MARKER in body(response):
        return "shows tenant A"
    return None


@pytest.mark.parametrize("role", OUTSIDERS)
def test_outsiders_reach_nothing_of_tenant_a(world, db, role):
    """404 on every method of every route with A's ids (the valid payload posted, the query
    carried); no marker of A on their own pages; the database unchanged by each route."""
    client = client_for(world, role)
    before = database_fingerprint()
    failures = []
    for name, sample in route_samples().items():
        url = request_url(world, name, sample)
        payload = payload_for(world, name, sample) if sample.payload else None
        # Views of one's own take GET and POST; PUT, PATCH and DELETE matter where ids are.
        methods = METHODS if sample.scoped or role in UNVERIFIED_STAFF else ["get", "post"]
        with rolled_back():
            for method in methods:
                response = send(client, method, url, payload)
                if problem := _outsider_failure(role, sample, response):
                    failures.append(f"{method.upper()} {url} ({name}) as {role}: {problem}")
            if not sample.own and database_fingerprint() != before:
                failures.append(f"{name} as {role}: the database changed")
    assert not failures, "\n".join(failures)


def test_tenant_a_people_are_refused_what_their_role_may_not_do(world, db):
    """A member against owner-only actions, customers against the experts' and staff's, an
    expert against the owners': the sample's declared refusal, and nothing written."""
    failures = []
    clients = {}
    for name, sample in route_samples().items():
        for role, expected in sample.refused.items():
            client = clients.get(role) or clients.setdefault(role, client_for(world, role))
            before = database_fingerprint()
            url = request_url(world, name, sample)
            with rolled_back():
                response = client.post(url, payload_for(world, name, sample))
                allowed = expected if isinstance(expected, tuple) else (expected,)
                if response.status_code not in allowed:
                    failures.append(f"POST {url} ({name}) as {role}: {response.status_code}")
                if database_fingerprint() != before:
                    failures.append(f"POST {url} ({name}) as {role}: the database changed")
    assert not failures, "\n".join(failures)


# --- the same requests succeed for who may -------------------------------------------------


def test_the_writer_in_tenant_a_succeeds_with_the_same_payload(world, db):
    """So the refusals above are the tenancy rule at work, not a form error."""
    failures = []
    clients = {}
    for name, sample in route_samples().items():
        if sample.payload is None:
            continue
        role = sample.writer
        client = clients.get(role) or clients.setdefault(role, client_for(world, role))
        url = request_url(world, name, sample)
        payload = payload_for(world, name, sample)
        before = database_fingerprint()
        with rolled_back():
            response = client.post(url, payload)
            said = error_messages(response)
            if said_no(response):
                failures.append(f"POST {url} ({name}) as {role}: {response.status_code} {said}")
            elif database_fingerprint() == before:
                failures.append(f"POST {url} ({name}) as {role}: nothing was written")
            elif sample.done and not sample.done(world):
                failures.append(f"POST {url} ({name}) as {role}: not what the sample expects")
    assert not failures, "\n".join(failures)


def _shows_rows_of_a(response, world) -> bool:
    """A's rows, not just the names A's people see on every page (their own, their
    organization's: both carry the marker so no other page leaks them)."""
    html = body(response).replace(world.owner_a.first_name, "").replace(world.org_a.name, "")
    return response.status_code == 200 and MARKER in html


def test_tenant_a_people_read_its_pages_with_the_same_query(world, db):
    """The sweep's 404s come from visibility, not from broken samples: A's people open A's
    pages with the sample's query, the writer sees A's marker on an id-less page that takes
    A's ids in its query, and every query parameter a view reads is declared in its sample."""
    failures = []
    samples = route_samples()
    for role in TENANT_ROLES:
        client = client_for(world, role)
        for name, sample in samples.items():
            # A parameter that is not read keeps forms bound to request.GET bound.
            params = {**sample.params(world), "_sweep": "1"}
            url = with_query(sample.url(world, name=name), params)
            with rolled_back(), recording_query_reads() as reads:
                response = client.get(url)
            if response.status_code >= 500 or (role == "staff" and response.status_code == 404):
                failures.append(f"GET {url} ({name}) as {role}: {response.status_code}")
            if undeclared := sorted(reads - set(params)):
                failures.append(f"{name} reads ?{undeclared} as {role}: declare it in the sample")
            shows_a = sample.query and not sample.scoped and role == sample.writer
            if shows_a and not _shows_rows_of_a(response, world):
                failures.append(f"GET {url} ({name}) as {role}: tenant A's rows are missing")
    assert not failures, "\n".join(failures)
