"""The credentials vault (R-SECRET). Secrets are encrypted with the platform's field keys
before they reach the database and decrypted only in ``credential_reveal``; no message,
event or exception here carries them."""

import json

from cryptography.fernet import InvalidToken
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from onboarding.models import Credential, CredentialRequest
from onboarding.services.access import is_member
from projects.models import Assignment
from softwaresupp import crypto
from softwaresupp.events import event_record
from softwaresupp.notifications import absolute_url, notify

TAMPERED = (
    "This credential cannot be decrypted: the stored record was altered or its key is no "
    "longer configured. Nothing was revealed; ask the customer to submit it again."
)


class CredentialUnreadable(Exception):
    """The ciphertext does not decrypt with any configured key (tampered, or key removed)."""


def _encrypt(username: str, password: str, notes: str) -> str:
    return crypto.encrypt(json.dumps({"username": username, "password": password, "notes": notes}))


def _require_member(actor, organization) -> None:
    """The customer's members keep their vault; staff may act on their behalf."""
    if not (actor.sees_everything or is_member(actor, organization)):
        raise PermissionDenied("Only the customer's members store credentials.")


def _check_secret(password: str) -> None:
    if not password:
        raise ValidationError({"password": "Enter the password or key."})


@transaction.atomic
def credential_store(
    *,
    actor,
    project,
    label: str,
    password: str,
    username: str = "",
    notes: str = "",
    url: str = "",
    request: CredentialRequest | None = None,
) -> Credential:
    """R-SECRET: the customer submits a login through the secure form; only its ciphertext
    is kept. Through an expert's one-time link, it fulfils that request (once)."""
    organization = project.organization
    _require_member(actor, organization)
    _check_secret(password)
    if request is not None:
        request = CredentialRequest.objects.select_for_update().get(pk=request.pk)
        if not request.can_fulfil() or request.project_id != project.pk:
            raise ValidationError("This link was already used or has expired.")
    credential = Credential(
        organization=organization,
        project=project,
        label=label.strip(),
        url=url,
        secret_encrypted=_encrypt(username, password, notes),
        secret_changed_on=timezone.now().date(),
        created_by=actor,
    )
    credential.full_clean()
    credential.save()
    event_record(
        actor=actor,
        target=credential,
        organization=organization,
        verb="credential stored",
        note=f"for {project}",
    )
    if request is not None:
        request.status, request.credential = CredentialRequest.Status.FULFILLED, credential
        request.fulfilled_at = timezone.now()
        request.save(update_fields=["status", "credential", "fulfilled_at"])
        notify(
            template="onboarding_credential_ready",
            recipients=[request.requested_by],
            key=f"onboarding_credential_ready:{request.pk}",
            context={
                "credential": credential,
                "project": project,
                "credential_url": absolute_url(credential.get_absolute_url()),
            },
        )
    return credential


def _lock_live(credential: Credential) -> Credential:
    credential = (
        Credential.objects.select_for_update().select_related("organization").get(pk=credential.pk)
    )
    if credential.deleted_at is not None:
        raise ValidationError("This credential was deleted.")
    return credential


@transaction.atomic
def credential_replace(
    *, actor, credential: Credential, password: str, username: str = "", notes: str = ""
) -> Credential:
    """The customer replaces the secret (e.g. after rotating it): the rotation flag clears,
    as no expert who left knew the new one."""
    credential = _lock_live(credential)
    _require_member(actor, credential.organization)
    _check_secret(password)
    credential.secret_encrypted = _encrypt(username, password, notes)
    credential.secret_changed_on = timezone.now().date()
    credential.updated_at = timezone.now()
    credential.save(update_fields=["secret_encrypted", "secret_changed_on", "updated_at"])
    event_record(
        actor=actor,
        target=credential,
        organization=credential.organization,
        verb="credential replaced",
    )
    return credential


@transaction.atomic
def credential_delete(*, actor, credential: Credential) -> Credential:
    """The customer deletes a credential: the ciphertext is wiped, the row and its reveal
    log stay."""
    credential = _lock_live(credential)
    _require_member(actor, credential.organization)
    credential.secret_encrypted = ""
    credential.deleted_at = credential.updated_at = timezone.now()
    credential.save(update_fields=["secret_encrypted", "deleted_at", "updated_at"])
    event_record(
        actor=actor,
        target=credential,
        organization=credential.organization,
        verb="credential deleted",
    )
    return credential


def credential_decrypt(credential: Credential) -> dict:
    """The stored secret, or ``CredentialUnreadable`` with a message naming no secret."""
    try:
        return json.loads(crypto.decrypt(credential.secret_encrypted))
    except (InvalidToken, ValueError):
        raise CredentialUnreadable(TAMPERED) from None


@transaction.atomic
def credential_reveal(*, actor, credential: Credential, ip: str) -> dict:
    """R-SECRET: the secret for staff or an expert assigned to the project today (the view
    has required a fresh re-authentication); every reveal is in the event log with who,
    when and from where — the customer's reveal log. A record that does not decrypt
    reveals nothing and is not logged as revealed."""
    revealable = Credential.objects.revealable_by(actor).filter(pk=credential.pk)
    credential = revealable.select_related("organization").first()
    if credential is None:
        raise PermissionDenied("Not yours to reveal.")
    secret = credential_decrypt(credential)
    event_record(
        actor=actor,
        target=credential,
        organization=credential.organization,
        verb="credential revealed",
        note=f"from {ip or 'unknown address'}",
    )
    return secret


@transaction.atomic
def credential_request(*, actor, project, label: str, note: str = "") -> CredentialRequest:
    """An assigned expert asks for a login; the customer's owners get a one-time link to
    submit it through the secure form (R-SECRET)."""
    if not Assignment.objects.current().filter(expert=actor, project=project).exists():
        raise PermissionDenied("Only an expert assigned to the project asks for credentials.")
    request = CredentialRequest(
        organization=project.organization,
        project=project,
        requested_by=actor,
        label=label.strip(),
        note=note.strip(),
    )
    request.full_clean()
    request.save()
    event_record(
        actor=actor,
        target=request,
        organization=project.organization,
        verb="credential requested",
        note=request.label,
    )
    owners = Membership.objects.filter(organization=project.organization).owners()
    notify(
        template="onboarding_credential_request",
        recipients=[m.user for m in owners.select_related("user")],
        key=f"onboarding_credential_request:{request.pk}",
        context={
            "request": request,
            "project": project,
            "expert": actor,
            "submit_url": absolute_url(
                reverse("onboarding:credential_submit", kwargs={"token": request.token})
            ),
        },
    )
    return request


def reencrypt_credentials() -> tuple[int, list[str]]:
    """Rewrite every stored secret under the newest key (``manage.py reencrypt``); returns
    how many were rewritten and the ids that do not decrypt."""
    rewritten, unreadable = 0, []
    rows = Credential.objects.exclude(secret_encrypted="").values_list("pk", "secret_encrypted")
    for pk, token in rows.iterator():
        try:
            fresh = crypto.rotate(token)
        except InvalidToken:
            unreadable.append(f"vault credential #{pk}")
            continue
        Credential.objects.filter(pk=pk, secret_encrypted=token).update(secret_encrypted=fresh)
        rewritten += 1
    return rewritten, unreadable
