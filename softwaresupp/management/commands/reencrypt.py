"""Re-encrypt every secret stored with the field keys under the newest one (R-SECRET).

Rotating keys: put the new key first in ``FIELD_ENCRYPTION_KEYS`` (the old ones after it),
run this command, then remove the old keys. Covers MFA seeds (allauth's authenticators),
payout bank details and the credentials vault. A record no key decrypts is named (never
shown) and left as it is; the command then fails so the old key is not removed blindly.
"""

from allauth.mfa.models import Authenticator
from cryptography.fernet import InvalidToken
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from onboarding.services.vault import reencrypt_credentials
from payments.models import PayoutRequest
from softwaresupp import crypto

# allauth keeps the encrypted seed under this key of an authenticator's data, per type.
AUTHENTICATOR_FIELDS = {
    Authenticator.Type.TOTP: "secret",
    Authenticator.Type.RECOVERY_CODES: "seed",
}


def _authenticators() -> tuple[int, list[str]]:
    rewritten, unreadable = 0, []
    rows = Authenticator.objects.filter(type__in=AUTHENTICATOR_FIELDS).order_by("pk")
    for authenticator in rows.iterator():
        field = AUTHENTICATOR_FIELDS[authenticator.type]
        data = dict(authenticator.data)
        if not data.get(field):
            continue
        try:
            data[field] = crypto.rotate(data[field])
        except InvalidToken:
            unreadable.append(f"authenticator #{authenticator.pk} ({authenticator.type})")
            continue
        Authenticator.objects.filter(pk=authenticator.pk).update(data=data)
        rewritten += 1
    return rewritten, unreadable


def _bank_details() -> tuple[int, list[str]]:
    rewritten, unreadable = 0, []
    rows = PayoutRequest.objects.exclude(bank_details_encrypted="").order_by("pk")
    for pk, token in rows.values_list("pk", "bank_details_encrypted").iterator():
        try:
            fresh = crypto.rotate(token)
        except InvalidToken:
            unreadable.append(f"payout request #{pk} bank details")
            continue
        PayoutRequest.objects.filter(pk=pk).update(bank_details_encrypted=fresh)
        rewritten += 1
    return rewritten, unreadable


class Command(BaseCommand):
    help = "Re-encrypt MFA seeds, bank details and vault credentials under the newest key."

    def handle(self, *args, **options):
        unreadable = []
        with transaction.atomic():
            for name, rewrite in (
                ("MFA seeds", _authenticators),
                ("bank details", _bank_details),
                ("vault credentials", reencrypt_credentials),
            ):
                count, failed = rewrite()
                unreadable += failed
                self.stdout.write(f"{name}: {count} re-encrypted")
        if unreadable:
            raise CommandError(
                "These records do not decrypt with any configured key (altered, or their key "
                "was removed) and were left unchanged: " + ", ".join(unreadable)
            )
        self.stdout.write(self.style.SUCCESS("Every record is under the newest key."))
