"""Bad input never reaches a user as a server error, and a refused request writes nothing.

For every routed URL with a tenancy sample, the people who may use it (tenant A's owner, its
assigned expert, staff) open it and post garbage into every field the page offers; the
sample's writer posts its valid payload with one field at a time replaced by garbage; and
every query parameter a view reads is given garbage, one at a time. The answer is a page or a
redirect with a message, never a 500; and whenever the answer says no, the database is as
it was.
"""

import re

import pytest

from tests.tenancy import (
    body,
    database_fingerprint,
    rolled_back,
    route_samples,
    said_no,
    write_routes,
)
from tests.tenancy_world import client_for, module_world, payload_for, request_url, with_query


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Tenant A, built once for the module."""
    yield from module_world(django_db_blocker)


# Into every field at once: most are refused by the first form check.
GARBAGE = ["-1", "1e309", "99999999999999999999", "2026-13-45", "٣"]
# One field or one query parameter at a time, the rest valid: these reach the services.
FEW = ["\x00", "-1", "99999999999999999999", "0001-01-01"]
LONG = "x" * 3000
FIELD = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"', re.I)
EXTRA_FIELDS = {"hours", "day", "estimate_hours", "status", "title", "body"}


def _field_names(html: str) -> set[str]:
    return {name for name in FIELD.findall(html) if name != "csrfmiddlewaretoken"}


def _post_checked(client, url, data, failures, label, *, before, **headers):
    """Post, then: no 500, and no change if the answer is a refusal. Each post is undone, so
    the database is always the one whose digest (``before``) the test took first."""
    with rolled_back():
        response = client.post(url, data, **headers)
        if response.status_code >= 500:
            failures.append(f"POST {url} {label}: {response.status_code}")
        elif said_no(response) and database_fingerprint() != before:
            failures.append(f"POST {url} {label}: refused ({response.status_code}) yet wrote")


@pytest.mark.parametrize("who", ["owner_a", "expert_a", "staff"])
def test_garbage_in_every_field_never_gives_a_server_error(world, db, who):
    client = client_for(world, who)
    before = database_fingerprint()
    writes = set(write_routes())
    failures = []
    for name, sample in route_samples().items():
        url = request_url(world, name, sample)
        with rolled_back():
            page = client.get(url)
        if page.status_code >= 500:
            failures.append(f"GET {url}: {page.status_code}")
            continue
        fields = _field_names(body(page) if page.status_code == 200 else "") | EXTRA_FIELDS
        # A view that takes no POST gets one try: the last one, htmx (other branches).
        for value in GARBAGE if name in writes else []:
            data = {field: value for field in fields}
            _post_checked(client, url, data, failures, f"{value!r} in every field", before=before)
        data = {field: LONG for field in fields}
        label = "htmx, long text in every field"
        _post_checked(client, url, data, failures, label, before=before, HTTP_HX_REQUEST="true")
    assert not failures, "\n".join(failures)


def test_garbage_in_one_field_of_a_valid_payload(world, db):
    """Everything else valid, so the garbage reaches the deepest checks (the services')."""
    writes = {name: s for name, s in route_samples().items() if s.payload is not None}
    clients = {role: client_for(world, role) for role in {s.writer for s in writes.values()}}
    before = database_fingerprint()
    failures = []
    for name, sample in writes.items():
        client = clients[sample.writer]
        url = request_url(world, name, sample)
        payload = payload_for(world, name, sample)
        for field in payload:
            for value in FEW:
                data = {**payload, field: value}
                label = f"{field}={value[:20]!r}"
                _post_checked(client, url, data, failures, label, before=before)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("who", ["owner_a", "expert_a", "staff"])
def test_garbage_in_each_query_parameter(world, db, who):
    """Each parameter the sample declares (the sweep checks it declares every one a view
    reads) gets garbage while the others keep tenant A's values; nothing is written."""
    client = client_for(world, who)
    failures = []
    for name, sample in route_samples().items():
        params = sample.params(world)
        base = sample.url(world, name=name)
        before = database_fingerprint()
        with rolled_back():
            for param in params:
                for value in [*FEW, LONG]:
                    url = with_query(base, {**params, param: value})
                    response = client.get(url)
                    if response.status_code >= 500:
                        failures.append(f"GET {url[:120]!r} as {who}: {response.status_code}")
            if database_fingerprint() != before:
                failures.append(f"GET {base} with garbage as {who}: the database changed")
    assert not failures, "\n".join(failures)
