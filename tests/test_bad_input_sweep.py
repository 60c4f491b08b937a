"""Bad input never reaches a user as a server error.

For every routed URL with a tenancy sample, the people who may use it (tenant A's owner,
its assigned expert, staff) open it and post garbage into every field the page offers:
the answer is a page or a redirect with a message, never a 500.
"""

import re

import pytest
from django.urls import reverse

from tests.factories.accounts import login_verified_staff
from tests.tenancy import route_samples
from tests.test_tenancy_sweep import world  # noqa: F401  (the same tenant A)

GARBAGE = ["", "abc", "-1", "1e309", "99999999999999999999", "2026-13-45", "<b>x</b>", "٣"]
FIELD = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"', re.I)


def _field_names(html: str) -> set[str]:
    return {name for name in FIELD.findall(html) if name != "csrfmiddlewaretoken"}


@pytest.mark.parametrize("who", ["owner_a", "expert_a", "staff"])
def test_garbage_in_every_field_never_gives_a_server_error(client, world, who):  # noqa: F811
    user = getattr(world, who)
    if user.is_staff:
        login_verified_staff(client, user)
    else:
        client.force_login(user)
    client.raise_request_exception = False  # collect every failure, then report them all
    failures = []
    for name, sample in route_samples().items():
        url = reverse(name, kwargs=sample(world) if sample else {})
        page = client.get(url)
        if page.status_code >= 500:
            failures.append(f"GET {url}: {page.status_code}")
            continue
        html = page.content.decode(errors="replace") if not page.streaming else ""
        fields = _field_names(html) | {"hours", "day", "estimate_hours", "status", "title", "body"}
        # htmx requests take other branches in some views: try them too.
        attempts = [(value, {}) for value in GARBAGE] + [("abc", {"HTTP_HX_REQUEST": "true"})]
        for value, headers in attempts:
            response = client.post(url, {field: value for field in fields}, **headers)
            if response.status_code >= 500:
                failures.append(f"POST {url} {value!r} {headers}: {response.status_code}")
    assert not failures, "\n".join(failures)
