"""Private keys at rest: sealed with the key-encryption key (KEK) from settings.

``KEY_ENCRYPTION_KEY`` holds one or more Fernet keys (AES-128-CBC + HMAC-SHA256), comma
separated. The first seals; all of them unseal, so an operator rotates the KEK by putting a new
key first and running ``blason rotate_kek``, which re-seals every stored key, then removing the
old one. In development (``DEBUG`` without a KEK) a key derived from ``SECRET_KEY`` is used so
that a fresh checkout works; production refuses to start without a KEK (see settings).
"""

from __future__ import annotations

import base64
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class KeyStoreError(Exception):
    """A sealed key cannot be opened with the configured key-encryption keys."""


@cache
def _fernet(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    if not keys:
        derived = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=b"blason-dev-kek", info=b"kek"
        ).derive(secret_key.encode())
        keys = (base64.urlsafe_b64encode(derived).decode(),)
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "KEY_ENCRYPTION_KEY must hold Fernet keys (32 url-safe base64-encoded bytes); "
            "generate one with `blason generate_kek`."
        ) from exc


def _current() -> MultiFernet:
    return _fernet(tuple(settings.KEY_ENCRYPTION_KEYS), settings.SECRET_KEY)


def seal(secret: bytes) -> bytes:
    """Encrypt and authenticate ``secret`` with the first key-encryption key."""
    return _current().encrypt(secret)


def unseal(token: bytes) -> bytes:
    try:
        return _current().decrypt(bytes(token))
    except InvalidToken:
        raise KeyStoreError(
            "A stored private key cannot be decrypted: KEY_ENCRYPTION_KEY does not hold the key "
            "it was sealed with."
        ) from None


def reseal(token: bytes) -> bytes:
    """Re-encrypt with the first key-encryption key (for KEK rotation)."""
    try:
        return _current().rotate(bytes(token))
    except InvalidToken:
        raise KeyStoreError("A stored private key cannot be decrypted for rotation.") from None
