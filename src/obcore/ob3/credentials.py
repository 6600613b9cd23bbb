"""OB 3.0 credentials (VC Data Model 2.0): OpenBadgeCredential and EndorsementCredential.

``to_json()`` emits what the 1EdTech schemas and validator require: ``@context`` = VC v2, then
OB ``context-3.0.3.json``, then ``extensions.json`` only when a 1EdTech extension type is used;
``issuer`` as an embedded Profile; dates as ``YYYY-MM-DDTHH:MM:SSZ``. Credentials read from VCDM
1.1 documents are re-emitted in VCDM 2.0 form (``validFrom``/``validUntil``): serialise the
*original* JSON when a signature must survive.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from obcore.errors import DocumentError
from obcore.ob3._fields import format_datetime, require_aware
from obcore.ob3.model import AchievementSubject, EndorsementSubject, Evidence, Image, Profile

__all__ = [
    "OB_CONTEXT",
    "OB_CONTEXT_PATTERN",
    "OB_EXTENSIONS_CONTEXT",
    "VC_V1_CONTEXT",
    "VC_V2_CONTEXT",
    "EndorsementCredential",
    "OpenBadgeCredential",
]

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
VC_V1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_EXTENSIONS_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
OB_CONTEXT_PATTERN = re.compile(
    r"^https://purl\.imsglobal\.org/spec/ob/v3p0/context(-3\.\d\.\d)*\.json$"
)
# Types only extensions.json defines: without it they are undefined JSON-LD terms (pitfall 9.2).
_EXTENSION_TYPES = frozenset(
    {"1EdTechJsonSchemaValidator2019", "1EdTechRevocationList", "1EdTechCredentialRefresh"}
)

Context = str | Mapping[str, Any]


def _types(value: Any) -> list[Any]:
    if isinstance(value, Mapping):
        found = value.get("type")
        return found if isinstance(found, list) else [found]
    return []


@dataclass(frozen=True, kw_only=True, slots=True)
class _Envelope:
    """What every OB 3.0 credential shares (VerifiableCredential properties)."""

    id: str
    issuer: Profile
    valid_from: datetime
    valid_until: datetime | None = None
    awarded_date: datetime | None = None
    name: str | None = None
    description: str | None = None
    credential_status: Mapping[str, Any] | None = None
    credential_schema: tuple[Mapping[str, Any], ...] = ()
    refresh_service: Mapping[str, Any] | None = None
    terms_of_use: tuple[Mapping[str, Any], ...] = ()
    #: embedded proofs, verbatim (emit them only on the exact document they sign)
    proof: tuple[Mapping[str, Any], ...] = ()
    #: contexts after the VC and OB ones (e.g. an extension's), emitted last
    extra_contexts: tuple[Context, ...] = ()
    #: further top-level properties, emitted verbatim (their terms must be in a context)
    extra: Mapping[str, Any] = field(default_factory=dict)

    def _check(self, kind: str) -> None:
        if not isinstance(self.id, str) or not self.id.strip():
            raise DocumentError("is required and must be a URI", path="id")
        if not isinstance(self.issuer, Profile):
            raise DocumentError(f"must be a Profile in a {kind}", path="issuer")
        require_aware(self.valid_from, "validFrom")
        if self.valid_until is not None:
            require_aware(self.valid_until, "validUntil")
            if self.valid_until < self.valid_from:
                raise DocumentError("is before validFrom", path="validUntil")
        if self.awarded_date is not None:
            require_aware(self.awarded_date, "awardedDate")

    def context(self) -> list[Context]:
        """``@context`` in the required order; ``extensions.json`` only when it is needed."""
        contexts: list[Context] = [VC_V2_CONTEXT, OB_CONTEXT]
        used = {
            *_types(self.credential_status),
            *_types(self.refresh_service),
            *(t for item in self.credential_schema for t in _types(item)),
        }
        if used & _EXTENSION_TYPES:
            contexts.append(OB_EXTENSIONS_CONTEXT)
        contexts.extend(c for c in self.extra_contexts if c not in contexts)
        return contexts

    def _head(self, credential_type: str) -> dict[str, Any]:
        out: dict[str, Any] = {
            "@context": self.context(),
            "id": self.id,
            "type": ["VerifiableCredential", credential_type],
        }
        if self.name:
            out["name"] = self.name
        if self.description:
            out["description"] = self.description
        return out

    def _tail(self, out: dict[str, Any]) -> dict[str, Any]:
        out["issuer"] = self.issuer.to_json()
        out["validFrom"] = format_datetime(self.valid_from)
        if self.valid_until is not None:
            out["validUntil"] = format_datetime(self.valid_until)
        if self.awarded_date is not None:
            out["awardedDate"] = format_datetime(self.awarded_date)
        if self.credential_status:
            out["credentialStatus"] = dict(self.credential_status)
        if self.credential_schema:
            out["credentialSchema"] = [dict(item) for item in self.credential_schema]
        if self.refresh_service:
            out["refreshService"] = dict(self.refresh_service)
        if self.terms_of_use:
            out["termsOfUse"] = [dict(item) for item in self.terms_of_use]
        for key, value in self.extra.items():
            out.setdefault(key, value)
        if self.proof:
            out["proof"] = [dict(item) for item in self.proof]
        return out


@dataclass(frozen=True, kw_only=True, slots=True)
class OpenBadgeCredential(_Envelope):
    """An awarded badge: OpenBadgeCredential (alias AchievementCredential)."""

    credential_subject: AchievementSubject
    image: Image | None = None
    evidence: tuple[Evidence, ...] = ()
    #: signed EndorsementCredentials, verbatim (re-serialising would break their proofs)
    endorsement: tuple[Mapping[str, Any], ...] = ()
    endorsement_jwt: tuple[str, ...] = ()
    credential_type: Literal["OpenBadgeCredential", "AchievementCredential"] = "OpenBadgeCredential"

    def __post_init__(self) -> None:
        self._check(self.credential_type)
        if not isinstance(self.credential_subject, AchievementSubject):
            raise DocumentError("must be an AchievementSubject", path="credentialSubject")

    def to_json(self) -> dict[str, Any]:
        """The credential as JSON (a fresh dict, safe to add a proof to)."""
        out = self._head(self.credential_type)
        if self.image is not None:
            out["image"] = self.image.to_json()
        out["credentialSubject"] = self.credential_subject.to_json()
        if self.evidence:
            out["evidence"] = [e.to_json() for e in self.evidence]
        if self.endorsement:
            out["endorsement"] = [dict(e) for e in self.endorsement]
        if self.endorsement_jwt:
            out["endorsementJwt"] = list(self.endorsement_jwt)
        return self._tail(out)


@dataclass(frozen=True, kw_only=True, slots=True)
class EndorsementCredential(_Envelope):
    """A third party's endorsement of a Profile, Achievement or credential (``name`` required)."""

    credential_subject: EndorsementSubject

    def __post_init__(self) -> None:
        self._check("EndorsementCredential")
        if not self.name or not self.name.strip():
            raise DocumentError("is required on an EndorsementCredential", path="name")
        if not isinstance(self.credential_subject, EndorsementSubject):
            raise DocumentError("must be an EndorsementSubject", path="credentialSubject")

    def to_json(self) -> dict[str, Any]:
        out = self._head("EndorsementCredential")
        out["credentialSubject"] = self.credential_subject.to_json()
        return self._tail(out)
