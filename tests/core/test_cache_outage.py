"""Redis down: the cache behind allauth's rate limits keeps answering from process memory,
so people still sign in and failed attempts are still limited (docs/reliability.md)."""

import socket

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from tests.factories.accounts import PASSWORD, customer

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis_down():
    unreachable = {
        "default": {
            "BACKEND": "softwaresupp.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    with override_settings(CACHES=unreachable):
        yield


def _sign_in(client, user, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": user.email, "password": password})


def test_the_cache_answers_from_memory(redis_down):
    assert cache.add("attempts", 1) is True
    assert cache.incr("attempts") == 2
    assert cache.get("attempts") == 2
    cache.delete("attempts")
    assert cache.get("attempts") is None


def test_sign_in_works_while_redis_is_down(client, redis_down):
    response = _sign_in(client, customer())
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_failed_sign_ins_are_still_limited_while_redis_is_down(client, redis_down):
    user = customer()
    limited = "Too many failed login attempts"
    pages = [_sign_in(client, user, "wrong-password").content.decode() for _ in range(6)]
    assert [limited in page for page in pages] == [False] * 5 + [True]
    assert limited in _sign_in(client, user).content.decode()
    assert "_auth_user_id" not in client.session
