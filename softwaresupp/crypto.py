"""Application-level encryption of secrets at rest (MFA seeds, customer credentials)."""

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


def _fernet() -> MultiFernet:
    # The first key encrypts; every listed key decrypts, so keys can be rotated.
    return MultiFernet([Fernet(key.encode()) for key in settings.FIELD_ENCRYPTION_KEYS])


def encrypt(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode()


def rotate(token: str) -> str:
    """The same secret under the newest key (raises InvalidToken if no key decrypts it):
    after every record is rotated, older keys can be removed."""
    return _fernet().rotate(token.encode()).decode()
