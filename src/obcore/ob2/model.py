"""Open Badges 2.0: builders for hosted and signed badges.

Output is what 1EdTech's ``badgecheck`` accepts: ``@context`` ``https://w3id.org/openbadges/v2``
on top-level documents, ``issuedOn``/``expires`` in UTC with ``Z``, issuers with ``name``,
``url`` and ``email``, ``verification.creator`` on signed assertions (badgecheck needs it).
Revocation lists live in :mod:`obcore.status`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from obcore.errors import DocumentError
from obcore.ob3._fields import format_datetime, require_aware
from obcore.ob3.identity import identity_matches, salted_identity

__all__ = [
    "OB2_CONTEXT",
    "AlignmentObject",
    "Assertion",
    "BadgeClass",
    "Criteria",
    "CryptographicKey",
    "Endorsement",
    "Evidence",
    "IdentityObject",
    "Image",
    "Profile",
    "RecipientType",
    "VerificationObject",
    "revoked_assertion",
]

OB2_CONTEXT = "https://w3id.org/openbadges/v2"
RecipientType = Literal["email", "url", "telephone", "id"]


def _opt(out: dict[str, Any], key: str, value: Any) -> None:
    if value is not None and value != "" and value != ():
        out[key] = list(value) if isinstance(value, tuple) else value


def _top(out: dict[str, Any], context: bool) -> dict[str, Any]:
    return {"@context": OB2_CONTEXT, **out} if context else out


def _ref(value: Any, context: bool = False) -> Any:
    """An IRI stays a string; an embedded object is serialised without its own context."""
    return value if isinstance(value, str) else value.to_json(context=context)


@dataclass(frozen=True, kw_only=True, slots=True)
class IdentityObject:
    """``recipient``: ``identity`` is plaintext, or ``sha256$hex`` when ``hashed``."""

    identity: str
    type: RecipientType = "email"
    hashed: bool = True
    salt: str | None = None

    @classmethod
    def create(
        cls,
        value: str,
        type: RecipientType = "email",
        *,
        hashed: bool = True,
        salt: str | None = None,
    ) -> IdentityObject:
        """Normalise ``value`` (e-mails lower-cased) and by default hash it with a fresh salt."""
        identity, used_salt = salted_identity(
            value, type, hashed=hashed, salt=salt, path="recipient.identity"
        )
        return cls(identity=identity, type=type, hashed=hashed, salt=used_salt)

    def matches(self, candidate: str) -> bool:
        """Does this recipient designate ``candidate`` (e-mail case-insensitively)?"""
        return identity_matches(
            self.identity,
            hashed=self.hashed,
            salt=self.salt,
            identity_type=self.type,
            candidate=candidate,
        )

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type, "hashed": self.hashed, "identity": self.identity}
        _opt(out, "salt", self.salt)
        return out


@dataclass(frozen=True, kw_only=True, slots=True)
class Image:
    id: str
    caption: str | None = None
    author: str | None = None

    def to_json(self, context: bool = False) -> str | dict[str, Any]:
        # A bare IRI is what every OB 2.0 consumer understands; the object only when needed.
        if not self.caption and not self.author:
            return self.id
        out: dict[str, Any] = {"id": self.id, "type": "schema:ImageObject"}
        _opt(out, "caption", self.caption)
        _opt(out, "author", self.author)
        return out


@dataclass(frozen=True, kw_only=True, slots=True)
class Criteria:
    id: str | None = None
    narrative: str | None = None

    def __post_init__(self) -> None:
        if not self.id and not self.narrative:
            raise DocumentError("needs an id or a narrative", path="criteria")

    def to_json(self, context: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {}
        _opt(out, "id", self.id)
        _opt(out, "narrative", self.narrative)
        return out


@dataclass(frozen=True, kw_only=True, slots=True)
class AlignmentObject:
    target_name: str
    target_url: str
    target_description: str | None = None
    target_framework: str | None = None
    target_code: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"targetName": self.target_name, "targetUrl": self.target_url}
        _opt(out, "targetDescription", self.target_description)
        _opt(out, "targetFramework", self.target_framework)
        _opt(out, "targetCode", self.target_code)
        return out


@dataclass(frozen=True, kw_only=True, slots=True)
class Evidence:
    id: str | None = None
    narrative: str | None = None
    name: str | None = None
    description: str | None = None
    genre: str | None = None
    audience: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "Evidence"}
        for key in ("id", "narrative", "name", "description", "genre", "audience"):
            _opt(out, key, getattr(self, key))
        return out


@dataclass(frozen=True, kw_only=True, slots=True)
class VerificationObject:
    """On an Assertion: ``HostedBadge``, or ``SignedBadge`` with the key's ``creator`` IRI.
    On a Profile: a hosting policy (``allowed_origins``, ``starts_with``)."""

    type: Literal["HostedBadge", "SignedBadge"] = "HostedBadge"
    creator: str | None = None
    allowed_origins: tuple[str, ...] = ()
    starts_with: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type}
        _opt(out, "creator", self.creator)
        _opt(out, "allowedOrigins", self.allowed_origins)
        _opt(out, "startsWith", self.starts_with)
        return out


@dataclass(frozen=True, kw_only=True, slots=True)
class Profile:
    """An issuer. badgecheck requires ``name``, ``url`` and ``email`` on issuers."""

    id: str
    name: str
    url: str
    email: str
    type: Literal["Issuer", "Profile"] = "Issuer"
    telephone: str | None = None
    description: str | None = None
    image: Image | None = None
    public_key: tuple[str, ...] = ()
    revocation_list: str | None = None
    verification: VerificationObject | None = None
    # Addresses of hosted OB 2.0 ``Endorsement`` assertions about this issuer.
    endorsement: tuple[str, ...] = ()

    def to_json(self, context: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "type": self.type, "name": self.name}
        out["url"] = self.url
        out["email"] = self.email
        _opt(out, "telephone", self.telephone)
        _opt(out, "description", self.description)
        if self.image is not None:
            out["image"] = self.image.to_json()
        _opt(out, "publicKey", self.public_key[0] if len(self.public_key) == 1 else self.public_key)
        _opt(out, "revocationList", self.revocation_list)
        if self.verification is not None:
            out["verification"] = self.verification.to_json()
        if self.endorsement:
            out["endorsement"] = list(self.endorsement)
        return _top(out, context)


@dataclass(frozen=True, kw_only=True, slots=True)
class CryptographicKey:
    """An RSA public key (PEM) published at ``id``, owned by the issuer Profile ``owner``."""

    id: str
    owner: str
    public_key_pem: str

    def to_json(self, context: bool = True) -> dict[str, Any]:
        out = {"id": self.id, "type": "CryptographicKey", "owner": self.owner}
        out["publicKeyPem"] = self.public_key_pem
        return _top(out, context)


@dataclass(frozen=True, kw_only=True, slots=True)
class BadgeClass:
    id: str
    name: str
    description: str
    image: Image | str
    criteria: Criteria | str
    issuer: Profile | str
    alignment: tuple[AlignmentObject, ...] = ()
    tags: tuple[str, ...] = ()
    version: str | None = None
    # Addresses of hosted OB 2.0 ``Endorsement`` assertions about this badge.
    endorsement: tuple[str, ...] = ()

    def to_json(self, context: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "type": "BadgeClass", "name": self.name}
        out["description"] = self.description
        out["image"] = _ref(self.image)
        out["criteria"] = _ref(self.criteria)
        out["issuer"] = _ref(self.issuer)
        if self.alignment:
            out["alignment"] = [a.to_json() for a in self.alignment]
        _opt(out, "tags", self.tags)
        _opt(out, "version", self.version)
        if self.endorsement:
            out["endorsement"] = list(self.endorsement)
        return _top(out, context)


@dataclass(frozen=True, kw_only=True, slots=True)
class Assertion:
    """An award. Hosted: ``id`` is the URL serving it. Signed: ``urn:uuid:`` id, JWS-wrapped."""

    id: str
    recipient: IdentityObject
    badge: BadgeClass | str
    issued_on: datetime
    verification: VerificationObject = VerificationObject()
    image: str | None = None
    evidence: tuple[Evidence, ...] = ()
    narrative: str | None = None
    expires: datetime | None = None

    def __post_init__(self) -> None:
        require_aware(self.issued_on, "issuedOn")
        if self.expires is not None:
            require_aware(self.expires, "expires")
        if self.verification.type == "SignedBadge" and not self.verification.creator:
            raise DocumentError("a SignedBadge needs the key IRI", path="verification.creator")

    def to_json(self, context: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "type": "Assertion"}
        out["recipient"] = self.recipient.to_json()
        out["badge"] = _ref(self.badge)
        out["verification"] = self.verification.to_json()
        out["issuedOn"] = format_datetime(self.issued_on)
        _opt(out, "image", self.image)
        if self.evidence:
            out["evidence"] = [e.to_json() for e in self.evidence]
        _opt(out, "narrative", self.narrative)
        if self.expires is not None:
            out["expires"] = format_datetime(self.expires)
        return _top(out, context)


@dataclass(frozen=True, kw_only=True, slots=True)
class Endorsement:
    """A claim (``{"id": endorsed IRI, "endorsementComment": …}``) by another issuer. Hosted:
    ``id`` is the address serving it, on the endorsing issuer's site (``verification`` type
    ``hosted``), as an Assertion is; a BadgeClass or a Profile links it from ``endorsement``."""

    id: str
    claim_id: str
    issuer: Profile | str
    issued_on: datetime
    endorsement_comment: str | None = None
    verification: VerificationObject = VerificationObject()

    def __post_init__(self) -> None:
        require_aware(self.issued_on, "issuedOn")

    def to_json(self, context: bool = True) -> dict[str, Any]:
        claim: dict[str, Any] = {"id": self.claim_id}
        _opt(claim, "endorsementComment", self.endorsement_comment)
        out: dict[str, Any] = {"id": self.id, "type": "Endorsement", "claim": claim}
        out["issuer"] = _ref(self.issuer)
        out["issuedOn"] = format_datetime(self.issued_on)
        out["verification"] = self.verification.to_json()
        return _top(out, context)


def revoked_assertion(assertion_id: str, reason: str | None = None) -> dict[str, Any]:
    """The body to serve with HTTP 410 Gone for a revoked hosted Assertion."""
    out: dict[str, Any] = {"@context": OB2_CONTEXT, "id": assertion_id, "type": "Assertion"}
    out["revoked"] = True
    _opt(out, "revocationReason", reason)
    return out
