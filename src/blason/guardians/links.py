"""The links a parent receives, signed with the site's secret (Django's signing).

Two kinds, each with its own salt so one cannot stand for the other:

- the **consent** link (``/guardian/consent/<token>/``): confirm or refuse a held account.
  It lives ``GUARDIAN_CONSENT_DAYS`` days.
- the **access** link (``/guardian/open/<token>/``): see and delete the children's accounts.
  It lives ``LOGIN_LINK_MAX_AGE`` seconds, like a sign-in link.

A link carries the guardianship's id and the value of a counter (``consent_version``,
``access_version``) when it was made; using it moves the counter on, so a link works once, and
telling an expired or used link from a forged one is possible (its signature is ours).
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

CONSENT_SALT = "blason.guardians.consent"
ACCESS_SALT = "blason.guardians.access"


class LinkError(Exception):
    """A link that cannot be used; ``reason`` says why: forged, expired or used."""

    status = 400
    reason = "forged"


class LinkForged(LinkError):
    pass


class LinkExpired(LinkError):
    status = 410
    reason = "expired"


class LinkUsed(LinkError):
    status = 410
    reason = "used"


@dataclass(frozen=True)
class LinkRef:
    guardianship: uuid.UUID
    version: int


def _short(value: uuid.UUID) -> str:
    return base64.urlsafe_b64encode(value.bytes).rstrip(b"=").decode()


def _long(text: str) -> uuid.UUID:
    return uuid.UUID(bytes=base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))


def _sign(salt: str, refs: list[LinkRef]) -> str:
    value = "~".join(f"{_short(ref.guardianship)}.{ref.version}" for ref in refs)
    return signing.TimestampSigner(salt=salt).sign(value)


def _read(salt: str, token: str, max_age: int) -> list[LinkRef]:
    signer = signing.TimestampSigner(salt=salt)
    try:
        value = signer.unsign(token, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise LinkExpired from exc
    except signing.BadSignature as exc:
        raise LinkForged from exc
    try:
        refs = []
        for part in value.split("~"):
            short, version = part.split(".")
            refs.append(LinkRef(_long(short), int(version)))
    except ValueError as exc:  # signed by us, so never; unless the secret leaked
        raise LinkForged from exc
    return refs


def consent_max_age() -> int:
    return int(settings.GUARDIAN_CONSENT_DAYS) * 86400


def consent_token(guardianship_uuid: uuid.UUID, version: int) -> str:
    return _sign(CONSENT_SALT, [LinkRef(guardianship_uuid, version)])


def read_consent(token: str) -> LinkRef:
    (ref,) = _read(CONSENT_SALT, token, consent_max_age())[:1]
    return ref


def access_token(refs: list[LinkRef]) -> str:
    return _sign(ACCESS_SALT, refs)


def read_access(token: str) -> list[LinkRef]:
    return _read(ACCESS_SALT, token, int(settings.SESAME_MAX_AGE))
