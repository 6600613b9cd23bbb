"""Reading what to show from a verified credential, leniently, whatever platform made it.

obcore's verification decides whether a badge can be trusted; this module only picks the names,
dates and image to display from an OB 3.0 credential (VCDM 2.0 or 1.1, Data Integrity or
VC-JWT) or an OB 2.0 assertion (whose badge class and issuer may be separate documents, read from
what the verification fetched). Nothing here raises on odd input: a missing name is a blank.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from obcore.verify_ob2 import peek_payload

# Longest credential id kept as is; longer ones are stored as a digest.
MAX_KEY_LENGTH = 500

Lookup = Callable[[str], Mapping[str, Any] | None]


@dataclass(frozen=True)
class Details:
    name: str = ""
    description: str = ""
    criteria: str = ""
    issuer_name: str = ""
    issuer_id: str = ""
    issuer_url: str = ""
    issued_at: datetime | None = None
    expires_at: datetime | None = None
    image: str = ""  # a URL or a data: URI


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def parse_date(value: Any) -> datetime | None:
    """An ISO 8601 date-time (``Z`` or an offset; a bare date is midnight UTC) or an OB 1.x
    Unix timestamp; None for anything else."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, UTC)
        except (ValueError, OverflowError, OSError):
            return None
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _image(value: Any) -> str:
    value = _first(value)
    if isinstance(value, Mapping):
        value = value.get("id")
    return _text(value)


def document_of(credential: str) -> dict[str, Any]:
    """The credential as a JSON object: parsed JSON, or the payload of a JWS (a VC-JWT's
    ``vc`` claim when it has one). Not verified: for display and recipient matching only."""
    text = credential.strip()
    if text.startswith("{"):
        try:
            parsed = json.loads(text)
        except (ValueError, RecursionError):
            return {}
        return parsed if isinstance(parsed, dict) else {}
    payload = peek_payload(text) or {}
    vc = payload.get("vc")
    return dict(vc) if isinstance(vc, Mapping) else payload


def is_ob2(document: Mapping[str, Any]) -> bool:
    context = document.get("@context")
    contexts = context if isinstance(context, list) else [context]
    return any(
        isinstance(c, str) and ("w3id.org/openbadges/v2" in c or "openbadgespec.org/v2" in c)
        for c in contexts
    ) or ("badge" in document and "recipient" in document)


def details(document: Mapping[str, Any], lookup: Lookup) -> Details:
    """What to show for a credential; ``lookup`` returns fetched documents by URL."""
    if is_ob2(document):
        return _ob2_details(document, lookup)
    return _ob3_details(document)


def _ob3_details(credential: Mapping[str, Any]) -> Details:
    subject = _mapping(_first(credential.get("credentialSubject")))
    achievement = _mapping(subject.get("achievement"))
    issuer = credential.get("issuer")
    issuer_map = _mapping(issuer)
    criteria = achievement.get("criteria")
    return Details(
        name=_text(achievement.get("name")) or _text(credential.get("name")),
        description=_text(achievement.get("description")) or _text(credential.get("description")),
        criteria=_text(_mapping(criteria).get("narrative")),
        issuer_name=_text(issuer_map.get("name")),
        issuer_id=_text(issuer_map.get("id")) or _text(issuer),
        issuer_url=_text(issuer_map.get("url")),
        issued_at=parse_date(
            credential.get("validFrom")
            or credential.get("issuanceDate")
            or credential.get("awardedDate")
        ),
        expires_at=parse_date(credential.get("validUntil") or credential.get("expirationDate")),
        image=_image(achievement.get("image")) or _image(credential.get("image")),
    )


def _resolve(value: Any, lookup: Lookup) -> Mapping[str, Any]:
    if isinstance(value, Mapping):
        return value
    if isinstance(value, str) and value.startswith(("http://", "https://")):
        return lookup(value) or {}
    return {}


def _ob2_details(assertion: Mapping[str, Any], lookup: Lookup) -> Details:
    badge = _resolve(assertion.get("badge"), lookup)
    issuer_value = badge.get("issuer")
    issuer = _resolve(issuer_value, lookup)
    criteria = badge.get("criteria")
    return Details(
        name=_text(badge.get("name")),
        description=_text(badge.get("description")),
        criteria=_text(_mapping(criteria).get("narrative")),
        issuer_name=_text(issuer.get("name")),
        issuer_id=_text(issuer.get("id")) or _text(issuer_value),
        issuer_url=_text(issuer.get("url")),
        issued_at=parse_date(assertion.get("issuedOn")),
        expires_at=parse_date(assertion.get("expires")),
        image=_image(assertion.get("image")) or _image(badge.get("image")),
    )


def credential_key(document: Mapping[str, Any], credential: str) -> str:
    """How one person's copies of a credential are recognised: its id (a VC-JWT's ``jti`` when
    the credential inside has none), else a digest of the credential text."""
    payload = peek_payload(credential.strip()) if not credential.strip().startswith("{") else None
    identifier = _text(document.get("id")) or _text((payload or {}).get("jti"))
    if identifier and len(identifier) <= MAX_KEY_LENGTH:
        return identifier
    digest = hashlib.sha256((identifier or credential.strip()).encode("utf-8")).hexdigest()
    return f"sha256:{digest}"


def data_uri_bytes(uri: str, *, max_bytes: int) -> bytes | None:
    """The bytes of a ``data:`` URI (base64 or percent-encoded), or None when it is not one,
    is malformed, or is larger than ``max_bytes``."""
    if not uri.startswith("data:") or "," not in uri:
        return None
    header, _sep, payload = uri.partition(",")
    if len(payload) > max_bytes * 2:
        return None
    try:
        if header.endswith(";base64"):
            data = base64.b64decode(payload, validate=False)
        else:
            from urllib.parse import unquote_to_bytes

            data = unquote_to_bytes(payload)
    except (binascii.Error, ValueError):
        return None
    return data if len(data) <= max_bytes else None
