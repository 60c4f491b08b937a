import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.urls import reverse

from tests.factories.accounts import PASSWORD, StaffFactory, customer

pytestmark = pytest.mark.django_db


def _sign_in(client, user, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": user.email, "password": password})


def _activate_totp(client, staff) -> str:
    """allauth asks for the password again before MFA changes; then scan, then type a code."""
    _sign_in(client, staff)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.get(reverse("mfa_activate_totp"))
    secret = client.session["mfa.totp.secret"]
    response = client.post(reverse("mfa_activate_totp"), {"code": _current_code(secret)})
    assert response.status_code == 302
    return secret


def _current_code(secret: str) -> str:
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


class TestStaffNeedMFA:
    def test_staff_without_mfa_are_sent_to_set_it_up(self, client):
        staff = StaffFactory()
        _sign_in(client, staff)
        for path in (
            reverse("admin:index"),
            reverse("admin:accounts_user_changelist"),
            reverse("staff_home"),
        ):
            response = client.get(path)
            assert response.status_code == 302, path
            assert response["Location"] == reverse("mfa_activate_totp")

    @pytest.mark.django_db(transaction=True)  # allauth's activation signal runs on commit
    def test_after_setting_up_totp_staff_reach_admin(self, client):
        staff = StaffFactory()
        secret = _activate_totp(client, staff)
        assert client.get(reverse("admin:index")).status_code == 200
        assert client.get(reverse("staff_home")).status_code == 200
        # The seed is encrypted at rest, not stored as typed into the authenticator app.
        stored = Authenticator.objects.get(user=staff, type=Authenticator.Type.TOTP).data["secret"]
        assert stored != secret and secret not in stored

    def test_staff_with_mfa_must_give_a_code_to_sign_in(self, client):
        staff = StaffFactory()
        _activate_totp(client, staff)
        client.logout()
        response = _sign_in(client, staff)
        assert response["Location"] == reverse("mfa_authenticate")
        assert "_auth_user_id" not in client.session

    def test_customers_get_404_and_visitors_sign_in(self, client):
        user = customer()
        assert client.get(reverse("admin:index"))["Location"].startswith(reverse("account_login"))
        client.force_login(user)
        assert client.get(reverse("admin:index")).status_code == 404
        assert client.get(reverse("staff_home")).status_code == 404


def test_failed_sign_ins_are_rate_limited(client):
    user = customer()
    limited = "Too many failed login attempts"
    pages = [_sign_in(client, user, "wrong-password").content.decode() for _ in range(6)]
    assert [limited in page for page in pages] == [False] * 5 + [True]
    # Even the right password is refused while the limit holds.
    assert limited in _sign_in(client, user).content.decode()
    assert "_auth_user_id" not in client.session


def test_wrong_password_shows_an_error_and_no_session(client):
    user = customer()
    response = _sign_in(client, user, "wrong-password")
    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_forms_need_a_csrf_token():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    user = customer()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
