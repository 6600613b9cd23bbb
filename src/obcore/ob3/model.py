"""OB 3.0 component classes (everything but the credentials): typed, immutable, cheap to emit.

``to_json()`` follows ``serialization.md``: ``type`` as arrays (except ``Image`` and
``IdentityObject``, whose ``type`` is a single IRI), complex values as objects, sequences as
arrays, and no ``None`` or empty values. Builders validate only what a typo could break (required
fields, timezones), so issuing tens of thousands of credentials stays cheap.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from obcore.errors import DocumentError
from obcore.ob3._fields import format_datetime, require_aware
from obcore.ob3.identity import identity_matches, salted_identity

__all__ = [
    "Achievement",
    "AchievementSubject",
    "Alignment",
    "Criteria",
    "EndorsementSubject",
    "Evidence",
    "IdentityObject",
    "Image",
    "Profile",
    "Result",
    "ResultDescription",
]


def _need(value: Any, name: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise DocumentError("is required and must be a non-empty string", path=name)


def _put(out: dict[str, Any], key: str, value: Any) -> None:
    """Emit only meaningful values: the schemas forbid nulls and empty arrays."""
    if value is None or (isinstance(value, str | list | tuple | dict) and not value):
        return
    out[key] = value


@dataclass(frozen=True, kw_only=True, slots=True)
class Image:
    """An image: ``id`` is an HTTPS URL or a ``data:`` URI."""

    id: str
    caption: str | None = None

    def __post_init__(self) -> None:
        _need(self.id, "image.id")

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "type": "Image"}
        _put(out, "caption", self.caption)
        return out


@dataclass(frozen=True, kw_only=True, slots=True)
class Criteria:
    """How the achievement is earned: a page (``id``) and/or Markdown ``narrative``."""

    id: str | None = None
    narrative: str | None = None

    def __post_init__(self) -> None:
        if not self.id and not self.narrative:
            raise DocumentError("needs an id or a narrative", path="criteria")

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        _put(out, "id", self.id)
        _put(out, "narrative", self.narrative)
        return out


@dataclass(frozen=True, kw_only=True, slots=True)
class Alignment:
    """A link to an external framework item (competency, standard)."""

    target_name: str
    target_url: str
    target_description: str | None = None
    target_code: str | None = None
    target_framework: str | None = None
    target_type: str | None = None

    def __post_init__(self) -> None:
        _need(self.target_name, "alignment.targetName")
        _need(self.target_url, "alignment.targetUrl")

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "type": ["Alignment"],
            "targetName": self.target_name,
            "targetUrl": self.target_url,
        }
        _put(out, "targetDescription", self.target_description)
        _put(out, "targetCode", self.target_code)
        _put(out, "targetFramework", self.target_framework)
        _put(out, "targetType", self.target_type)
        return out


@dataclass(frozen=True, kw_only=True, slots=True)
class IdentityObject:
    """A recipient identifier; ``identity_hash`` is the plaintext when ``hashed`` is false."""

    identity_hash: str
    identity_type: str = "emailAddress"
    hashed: bool = True
    salt: str | None = None

    def __post_init__(self) -> None:
        _need(self.identity_hash, "identifier.identityHash")
        _need(self.identity_type, "identifier.identityType")

    @classmethod
    def create(
        cls,
        value: str,
        identity_type: str = "emailAddress",
        *,
        hashed: bool = True,
        salt: str | None = None,
    ) -> IdentityObject:
        """Normalise ``value`` (e-mails lower-cased) and, by default, hash it with a fresh salt."""
        identity, used_salt = salted_identity(
            value, identity_type, hashed=hashed, salt=salt, path="identifier.identityHash"
        )
        return cls(
            identity_hash=identity, identity_type=identity_type, hashed=hashed, salt=used_salt
        )

    def matches(self, candidate: str) -> bool:
        """Does this identifier designate ``candidate`` (an e-mail, phone number, URL…)?"""
        return identity_matches(
            self.identity_hash,
            hashed=self.hashed,
            salt=self.salt,
            identity_type=self.identity_type,
            candidate=candidate,
        )

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "type": "IdentityObject",
            "hashed": self.hashed,
            "identityHash": self.identity_hash,
            "identityType": self.identity_type,
        }
        _put(out, "salt", self.salt)
        return out


@dataclass(frozen=True, kw_only=True, slots=True)
class Profile:
    """An issuer, creator or endorser. ``extra`` carries further Profile properties verbatim."""

    id: str
    name: str | None = None
    url: str | None = None
    email: str | None = None
    phone: str | None = None
    description: str | None = None
    image: Image | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _need(self.id, "issuer.id")

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "type": ["Profile"]}
        _put(out, "name", self.name)
        _put(out, "url", self.url)
        _put(out, "email", self.email)
        _put(out, "phone", self.phone)
        _put(out, "description", self.description)
        if self.image is not None:
            out["image"] = self.image.to_json()
        for key, value in self.extra.items():
            out.setdefault(key, value)
        return out


@dataclass(frozen=True, kw_only=True, slots=True)
class ResultDescription:
    """What results an achievement records (grade, status, score range, rubric)."""

    id: str
    name: str
    result_type: str
    allowed_value: tuple[str, ...] = ()
    required_level: str | None = None
    required_value: str | None = None
    value_min: str | None = None
    value_max: str | None = None
    alignment: tuple[Alignment, ...] = ()
    rubric_criterion_level: tuple[Mapping[str, Any], ...] = ()

    def __post_init__(self) -> None:
        _need(self.id, "resultDescription.id")
        _need(self.name, "resultDescription.name")
        _need(self.result_type, "resultDescription.resultType")

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "type": ["ResultDescription"],
            "name": self.name,
            "resultType": self.result_type,
        }
        _put(out, "allowedValue", list(self.allowed_value))
        _put(out, "requiredLevel", self.required_level)
        _put(out, "requiredValue", self.required_value)
        _put(out, "valueMin", self.value_min)
        _put(out, "valueMax", self.value_max)
        _put(out, "alignment", [a.to_json() for a in self.alignment])
        _put(out, "rubricCriterionLevel", [dict(level) for level in self.rubric_criterion_level])
        return out


@dataclass(frozen=True, kw_only=True, slots=True)
class Result:
    """A result the recipient obtained, pointing at a ResultDescription by its id."""

    result_description: str | None = None
    value: str | None = None
    status: str | None = None
    achieved_level: str | None = None
    alignment: tuple[Alignment, ...] = ()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": ["Result"]}
        _put(out, "resultDescription", self.result_description)
        _put(out, "value", self.value)
        _put(out, "status", self.status)
        _put(out, "achievedLevel", self.achieved_level)
        if self.alignment:
            out["alignment"] = [a.to_json() for a in self.alignment]
        return out


@dataclass(frozen=True, kw_only=True, slots=True)
class Evidence:
    """Evidence of the achievement: a URL (or ``urn:``) ``id`` and/or descriptive text."""

    id: str | None = None
    name: str | None = None
    description: str | None = None
    narrative: str | None = None
    genre: str | None = None
    audience: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        _put(out, "id", self.id)
        out["type"] = ["Evidence"]
        _put(out, "name", self.name)
        _put(out, "description", self.description)
        _put(out, "narrative", self.narrative)
        _put(out, "genre", self.genre)
        _put(out, "audience", self.audience)
        return out


@dataclass(frozen=True, kw_only=True, slots=True)
class Achievement:
    """The badge itself: what was achieved and how (``criteria``)."""

    id: str
    name: str
    description: str
    criteria: Criteria
    achievement_type: str | None = None
    image: Image | None = None
    creator: Profile | None = None
    alignment: tuple[Alignment, ...] = ()
    tag: tuple[str, ...] = ()
    in_language: str | None = None
    version: str | None = None
    human_code: str | None = None
    field_of_study: str | None = None
    specialization: str | None = None
    credits_available: float | None = None
    result_description: tuple[ResultDescription, ...] = ()
    #: signed EndorsementCredentials of the achievement, verbatim
    endorsement: tuple[Mapping[str, Any], ...] = ()

    def __post_init__(self) -> None:
        _need(self.id, "achievement.id")
        _need(self.name, "achievement.name")
        _need(self.description, "achievement.description")
        if not isinstance(self.criteria, Criteria):
            raise DocumentError("must be a Criteria", path="achievement.criteria")

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "type": ["Achievement"]}
        _put(out, "achievementType", self.achievement_type)
        if self.creator is not None:
            out["creator"] = self.creator.to_json()
        out["name"] = self.name
        out["description"] = self.description
        out["criteria"] = self.criteria.to_json()
        if self.image is not None:
            out["image"] = self.image.to_json()
        if self.alignment:
            out["alignment"] = [a.to_json() for a in self.alignment]
        if self.tag:
            out["tag"] = list(self.tag)
        _put(out, "inLanguage", self.in_language)
        _put(out, "version", self.version)
        _put(out, "humanCode", self.human_code)
        _put(out, "fieldOfStudy", self.field_of_study)
        _put(out, "specialization", self.specialization)
        _put(out, "creditsAvailable", self.credits_available)
        if self.result_description:
            out["resultDescription"] = [r.to_json() for r in self.result_description]
        if self.endorsement:
            out["endorsement"] = [dict(e) for e in self.endorsement]
        return out


@dataclass(frozen=True, kw_only=True, slots=True)
class AchievementSubject:
    """The recipient: an ``id`` (DID, URL) and/or ``identifier`` entries, and the achievement."""

    achievement: Achievement
    id: str | None = None
    identifier: tuple[IdentityObject, ...] = ()
    result: tuple[Result, ...] = ()
    narrative: str | None = None
    activity_start_date: datetime | None = None
    activity_end_date: datetime | None = None
    credits_earned: float | None = None
    role: str | None = None
    term: str | None = None
    license_number: str | None = None
    image: Image | None = None
    source: Profile | None = None

    def __post_init__(self) -> None:
        if not self.id and not self.identifier:
            raise DocumentError("needs an id or an identifier", path="credentialSubject")
        for name in ("activity_start_date", "activity_end_date"):
            value = getattr(self, name)
            if value is not None:
                require_aware(value, f"credentialSubject.{name}")

    def matches(self, candidate: str) -> bool:
        """Is ``candidate`` (an e-mail, phone, URL or the subject id) this recipient?"""
        if self.id is not None and self.id == candidate.strip():
            return True
        return any(identifier.matches(candidate) for identifier in self.identifier)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        _put(out, "id", self.id)
        out["type"] = ["AchievementSubject"]
        if self.identifier:
            out["identifier"] = [i.to_json() for i in self.identifier]
        out["achievement"] = self.achievement.to_json()
        if self.result:
            out["result"] = [r.to_json() for r in self.result]
        _put(out, "narrative", self.narrative)
        if self.activity_start_date is not None:
            out["activityStartDate"] = format_datetime(self.activity_start_date)
        if self.activity_end_date is not None:
            out["activityEndDate"] = format_datetime(self.activity_end_date)
        _put(out, "creditsEarned", self.credits_earned)
        _put(out, "role", self.role)
        _put(out, "term", self.term)
        _put(out, "licenseNumber", self.license_number)
        if self.image is not None:
            out["image"] = self.image.to_json()
        if self.source is not None:
            out["source"] = self.source.to_json()
        return out


@dataclass(frozen=True, kw_only=True, slots=True)
class EndorsementSubject:
    """What an endorsement is about: the ``id`` of a Profile, Achievement or credential."""

    id: str
    endorsement_comment: str | None = None

    def __post_init__(self) -> None:
        _need(self.id, "credentialSubject.id")

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "type": ["EndorsementSubject"]}
        _put(out, "endorsementComment", self.endorsement_comment)
        return out
