"""R-SECRET: the credentials vault. Secrets are encrypted at rest and survive key
rotation; a tampered record fails clearly; only assigned experts (today) and staff reveal,
after re-authenticating, each reveal logged; no plaintext in any log of these tests."""

import logging
from datetime import timedelta
from decimal import Decimal
from html import escape
from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from onboarding.models import Credential, CredentialRequest
from onboarding.services import credential_request, credential_reveal, credential_store
from onboarding.services.vault import TAMPERED, CredentialUnreadable, credential_decrypt
from payments.services.payouts import payout_request
from projects.models import Assignment
from softwaresupp import crypto
from softwaresupp.models import Event, OutboxMessage
from tests.factories.accounts import (
    PASSWORD,
    ExpertProfileFactory,
    customer,
    login_verified_staff,
    verified_staff,
)
from tests.factories.projects import ProjectFactory
from tests.payments.payout_helpers import fund, reauthenticated

pytestmark = pytest.mark.django_db

SECRET = "vault-plaintext-Tr0ub4dor&3"


@pytest.fixture(autouse=True)
def _no_plaintext_in_logs(caplog):
    """Every log record of every vault test, at every level, is free of the secret."""
    caplog.set_level(logging.DEBUG)
    yield
    assert SECRET not in caplog.text
    assert not OutboxMessage.objects.filter(text__contains=SECRET).exists()
    assert not OutboxMessage.objects.filter(html__contains=SECRET).exists()


@pytest.fixture
def vault():
    owner = customer(email="owner@example.com")
    organization = owner.memberships.get().organization
    project = ProjectFactory(organization=organization)
    expert = ExpertProfileFactory(user__email="expert@example.com").user
    Assignment.objects.create(
        project=project, expert=expert, starts_on=timezone.now().date() - timedelta(days=10)
    )
    credential = credential_store(
        actor=owner,
        project=project,
        label="Shop admin",
        username="admin@shop.example.com",
        password=SECRET,
        notes="2FA via the office phone",
    )
    return {"owner": owner, "project": project, "expert": expert, "credential": credential}


def _reveal_url(credential):
    return reverse("onboarding:credential_reveal", args=[credential.pk])


def test_the_database_holds_no_plaintext(vault):
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM onboarding_credential")
        rows = cursor.fetchall()
    assert rows and SECRET not in repr(rows) and "office phone" not in repr(rows)
    stored = Credential.objects.get().secret_encrypted
    assert credential_decrypt(Credential.objects.get())["password"] == SECRET
    assert stored.startswith("gAAAA")  # a Fernet token


def test_after_key_rotation_old_records_decrypt_and_the_old_key_can_go(settings, vault):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    expert = vault["expert"]
    fund(expert, "100.00")
    payout = payout_request(expert=expert, amount=Decimal("10.00"), bank_details="PL61 1090 1014")
    totp = Authenticator.objects.create(
        user=expert,
        type=Authenticator.Type.TOTP,
        data={"secret": crypto.encrypt("JBSWY3DPEHPK3PXP")},
    )
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    assert credential_decrypt(Credential.objects.get())["password"] == SECRET
    call_command("reencrypt", stdout=StringIO())
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    assert credential_decrypt(Credential.objects.get())["password"] == SECRET
    payout.refresh_from_db()
    assert payout.bank_details() == "PL61 1090 1014"
    totp.refresh_from_db()
    assert crypto.decrypt(totp.data["secret"]) == "JBSWY3DPEHPK3PXP"


def test_a_tampered_record_fails_with_a_clear_message(client, vault):
    credential = vault["credential"]
    token = credential.secret_encrypted
    Credential.objects.filter(pk=credential.pk).update(
        secret_encrypted=token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
    )
    with pytest.raises(CredentialUnreadable, match="altered or its key is no longer configured"):
        credential_reveal(actor=vault["expert"], credential=credential, ip="10.0.0.1")
    reauthenticated(client, vault["expert"])
    response = client.post(_reveal_url(credential), follow=True)
    assert TAMPERED in response.content.decode()
    assert not Event.objects.filter(verb="credential revealed").exists()
    with pytest.raises(CommandError, match=f"vault credential #{credential.pk}"):
        call_command("reencrypt", stdout=StringIO())


def test_an_unassigned_expert_another_tenant_and_an_ended_assignment_get_404(client, vault):
    credential = vault["credential"]
    ended = ExpertProfileFactory().user
    today = timezone.now().date()
    Assignment.objects.create(
        project=vault["project"],
        expert=ended,
        starts_on=today - timedelta(days=20),
        ends_on=today - timedelta(days=1),
    )
    for person in (ExpertProfileFactory().user, customer(), ended):
        reauthenticated(client, person)
        assert client.post(_reveal_url(credential)).status_code == 404
        assert client.get(credential.get_absolute_url()).status_code == 404
    # The customer sees the entry and its log, never the secret.
    reauthenticated(client, vault["owner"])
    assert client.get(credential.get_absolute_url()).status_code == 200
    assert client.post(_reveal_url(credential)).status_code == 404
    assert not Event.objects.filter(verb="credential revealed").exists()


def test_reveal_without_reauthentication_is_refused(client, vault):
    client.force_login(vault["expert"])
    response = client.post(_reveal_url(vault["credential"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not Event.objects.filter(verb="credential revealed").exists()


def test_every_reveal_is_logged_and_shown_to_the_customer_without_caching(client, vault):
    credential = vault["credential"]
    reauthenticated(client, vault["expert"])
    for _ in range(2):
        response = client.post(_reveal_url(credential), REMOTE_ADDR="203.0.113.7")
        assert response.status_code == 302
        page = client.get(_reveal_url(credential))
        assert escape(SECRET) in page.content.decode()
        assert "no-store" in page["Cache-Control"] and page["Pragma"] == "no-cache"
    # The grant is spent: reloading the page does not show the secret again.
    assert client.get(_reveal_url(credential)).status_code == 302
    reveals = Event.objects.filter(verb="credential revealed", target_id=credential.pk)
    assert reveals.count() == 2
    assert {(e.actor, e.note) for e in reveals} == {(vault["expert"], "from 203.0.113.7")}
    client.force_login(vault["owner"])
    log = client.get(credential.get_absolute_url()).content.decode()
    assert "203.0.113.7" in log and str(vault["expert"]) in log and escape(SECRET) not in log


def test_staff_reveal_after_reauthenticating_too(client, vault):
    staff = verified_staff()
    login_verified_staff(client, staff)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert client.post(_reveal_url(vault["credential"])).status_code == 302
    assert Event.objects.get(verb="credential revealed").actor == staff


def test_a_refused_form_never_shows_the_secret_again(client, vault):
    client.force_login(vault["owner"])
    organization = vault["project"].organization
    response = client.post(
        reverse("onboarding:credential_new", args=[organization.slug]),
        {"project": vault["project"].pk, "label": "", "username": "u", "password": SECRET},
    )
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    assert escape(SECRET) not in response.content.decode()
    assert Credential.objects.count() == 1


def test_admin_lists_and_pages_show_no_secret(client, vault):
    login_verified_staff(client, verified_staff())
    credential = vault["credential"]
    for url in (
        reverse("admin:onboarding_credential_changelist"),
        reverse("admin:onboarding_credential_change", args=[credential.pk]),
    ):
        page = client.get(url).content.decode()
        assert escape(SECRET) not in page and credential.secret_encrypted[:40] not in page


def test_the_experts_request_gives_the_customer_a_one_time_link(client, vault):
    request = credential_request(actor=vault["expert"], project=vault["project"], label="FTP")
    email = OutboxMessage.objects.get(template="onboarding_credential_request")
    link = reverse("onboarding:credential_submit", args=[request.token])
    assert email.to == "owner@example.com" and link in email.text
    client.force_login(vault["expert"])
    assert client.get(link).status_code == 404  # the customer's link, not the expert's
    client.force_login(vault["owner"])
    response = client.post(link, {"username": "ftp", "password": SECRET, "notes": ""})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == CredentialRequest.Status.FULFILLED
    assert request.credential.label == "FTP"
    assert OutboxMessage.objects.filter(
        template="onboarding_credential_ready", to="expert@example.com"
    ).exists()
    assert client.post(link, {"password": "again"}).status_code == 410
    assert Credential.objects.filter(label="FTP").count() == 1


def _rotation_due() -> bool:
    return Credential.objects.with_rotation_due().get().rotation_due


def test_an_ended_assignment_ends_access_and_flags_the_credential_for_rotation(client, vault):
    credential = vault["credential"]
    today = timezone.now().date()
    # Stored a week ago, while the expert was assigned.
    Credential.objects.update(secret_changed_on=today - timedelta(days=7))
    assignment = Assignment.objects.get(expert=vault["expert"])
    Assignment.objects.filter(pk=assignment.pk).update(ends_on=today)
    assert not _rotation_due()  # the last day: still on the project
    Assignment.objects.filter(pk=assignment.pk).update(ends_on=today - timedelta(days=1))
    assert _rotation_due()
    reauthenticated(client, vault["expert"])
    assert client.post(_reveal_url(credential)).status_code == 404
    client.force_login(vault["owner"])
    assert (
        "Rotate: an expert left"
        in client.get(
            reverse("onboarding:checklist", args=[credential.organization.slug])
        ).content.decode()
    )
    client.post(
        reverse("onboarding:credential_replace", args=[credential.pk]),
        {"username": "admin", "password": "vault-plaintext-new", "notes": ""},
    )
    assert not _rotation_due()


def test_an_expert_who_left_before_the_secret_was_stored_does_not_flag_it(vault):
    today = timezone.now().date()
    Credential.objects.update(secret_changed_on=today - timedelta(days=3))
    Assignment.objects.filter(expert=vault["expert"]).update(ends_on=today - timedelta(days=4))
    assert not _rotation_due()
    Assignment.objects.filter(expert=vault["expert"]).update(ends_on=today - timedelta(days=3))
    assert _rotation_due()


def test_the_customer_deletes_a_credential_and_its_ciphertext_goes(client, vault):
    credential = vault["credential"]
    client.force_login(vault["owner"])
    client.post(reverse("onboarding:credential_delete", args=[credential.pk]))
    credential.refresh_from_db()
    assert credential.deleted_at and credential.secret_encrypted == ""
    assert client.get(credential.get_absolute_url()).status_code == 404


def test_a_member_of_the_customer_who_is_not_an_owner_still_keeps_the_vault(vault):
    member = customer(
        vault["project"].organization, Membership.Role.MEMBER, email="member@example.com"
    )
    stored = credential_store(actor=member, project=vault["project"], label="CMS", password="x")
    assert stored.pk
