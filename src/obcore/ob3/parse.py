"""Read OB 3.0 credentials as other platforms emit them.

Accepted variants: VCDM 2.0 (``validFrom``) and VCDM 1.1 (``issuanceDate``/``expirationDate``);
OB contexts ``context.json`` and ``context-3.0.1`` … ``3.0.3``; single values where arrays are
canonical (JSON-LD compaction); ``issuer``/``creator``/``source`` as a bare URI; ``image`` as a
bare URI. Anything else wrong raises :class:`~obcore.errors.DocumentError` naming the path.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from obcore.errors import DocumentError
from obcore.ob3._fields import Node
from obcore.ob3.credentials import (
    OB_CONTEXT_PATTERN,
    OB_EXTENSIONS_CONTEXT,
    VC_V1_CONTEXT,
    VC_V2_CONTEXT,
    EndorsementCredential,
    OpenBadgeCredential,
)
from obcore.ob3.model import (
    Achievement,
    AchievementSubject,
    Alignment,
    Criteria,
    EndorsementSubject,
    Evidence,
    IdentityObject,
    Image,
    Profile,
    Result,
    ResultDescription,
)

__all__ = [
    "parse_achievement",
    "parse_credential",
    "parse_endorsement_credential",
    "parse_open_badge_credential",
    "parse_profile",
    "vcdm_version",
]

_PROFILE_KEYS = frozenset({"id", "type", "name", "url", "email", "phone", "description", "image"})
_ENVELOPE_KEYS = frozenset(
    {
        "@context", "id", "type", "name", "description", "issuer", "validFrom", "validUntil",
        "issuanceDate", "expirationDate", "awardedDate", "credentialStatus", "credentialSchema",
        "refreshService", "termsOfUse", "proof", "credentialSubject", "image", "evidence",
        "endorsement", "endorsementJwt",
    }
)  # fmt: skip


def _image(node: Node, key: str) -> Image | None:
    value = node.raw(key)
    if value is None:
        return None
    if isinstance(value, str):  # OB 2.0 habit, still seen in OB 3.0 documents
        return Image(id=value)
    image = Node(value, node.sub(key))
    return Image(id=image.req("id"), caption=image.text("caption"))


def _profile(value: Any, path: str) -> Profile:
    if isinstance(value, str):
        if not value.strip():
            raise DocumentError("must not be empty", path=path)
        return Profile(id=value)
    node = Node(value, path)
    if "type" in node:
        node.types("Profile")
    return Profile(
        id=node.req("id"),
        name=node.text("name"),
        url=node.text("url"),
        email=node.text("email"),
        phone=node.text("phone"),
        description=node.text("description"),
        image=_image(node, "image"),
        extra={k: v for k, v in node.data.items() if k not in _PROFILE_KEYS},
    )


def _alignments(node: Node) -> tuple[Alignment, ...]:
    return tuple(
        Alignment(
            target_name=item.req("targetName"),
            target_url=item.req("targetUrl"),
            target_description=item.text("targetDescription"),
            target_code=item.text("targetCode"),
            target_framework=item.text("targetFramework"),
            target_type=item.text("targetType"),
        )
        for item in node.objs("alignment")
    )


def _text_value(node: Node, key: str) -> str | None:
    value = node.raw(key)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)  # some issuers emit numbers where the model says string
    return node.text(key)


def _result_description(node: Node) -> ResultDescription:
    return ResultDescription(
        id=node.req("id"),
        name=node.req("name"),
        result_type=node.req("resultType"),
        allowed_value=node.texts("allowedValue"),
        required_level=node.text("requiredLevel"),
        required_value=_text_value(node, "requiredValue"),
        value_min=_text_value(node, "valueMin"),
        value_max=_text_value(node, "valueMax"),
        alignment=_alignments(node),
        rubric_criterion_level=tuple(item.data for item in node.objs("rubricCriterionLevel")),
    )


def parse_achievement(value: Any, path: str = "achievement") -> Achievement:
    """An Achievement object (``type`` must contain ``Achievement``)."""
    node = Node(value, path)
    node.types("Achievement")
    criteria = node.req_obj("criteria")
    creator = node.raw("creator")
    try:
        criteria_value = Criteria(id=criteria.text("id"), narrative=criteria.text("narrative"))
    except DocumentError as exc:
        raise DocumentError(exc.reason, path=criteria.path) from None
    return Achievement(
        id=node.req("id"),
        name=node.req("name"),
        description=node.req("description"),
        criteria=criteria_value,
        achievement_type=node.text("achievementType"),
        image=_image(node, "image"),
        creator=None if creator is None else _profile(creator, node.sub("creator")),
        alignment=_alignments(node),
        tag=node.texts("tag"),
        in_language=node.text("inLanguage"),
        version=node.text("version"),
        human_code=node.text("humanCode"),
        field_of_study=node.text("fieldOfStudy"),
        specialization=node.text("specialization"),
        credits_available=node.number("creditsAvailable"),
        result_description=tuple(_result_description(n) for n in node.objs("resultDescription")),
    )


def _identity(node: Node) -> IdentityObject:
    hashed = node.flag("hashed")
    if hashed is None:
        raise node.error("hashed", "is required")
    return IdentityObject(
        identity_hash=node.req("identityHash"),
        identity_type=node.req("identityType"),
        hashed=hashed,
        salt=node.text("salt"),
    )


def _subject(node: Node) -> AchievementSubject:
    node.types("AchievementSubject")
    achievement = node.raw("achievement")
    if achievement is None:
        raise node.error("achievement", "is required")
    if not node.text("id") and not node.raw("identifier"):
        raise DocumentError("needs an id or an identifier", path=node.path)
    source = node.raw("source")
    return AchievementSubject(
        achievement=parse_achievement(achievement, node.sub("achievement")),
        id=node.text("id"),
        identifier=tuple(_identity(item) for item in node.objs("identifier")),
        result=tuple(
            Result(
                result_description=item.text("resultDescription"),
                value=_text_value(item, "value"),
                status=item.text("status"),
                achieved_level=item.text("achievedLevel"),
                alignment=_alignments(item),
            )
            for item in node.objs("result")
        ),
        narrative=node.text("narrative"),
        activity_start_date=node.date("activityStartDate"),
        activity_end_date=node.date("activityEndDate"),
        credits_earned=node.number("creditsEarned"),
        role=node.text("role"),
        term=node.text("term"),
        license_number=node.text("licenseNumber"),
        image=_image(node, "image"),
        source=None if source is None else _profile(source, node.sub("source")),
    )


def vcdm_version(document: Mapping[str, Any]) -> Literal["1.1", "2.0"]:
    """Check ``@context`` (VC first, an OB 3.0 context after it) and tell the VCDM version."""
    node = Node(document)
    contexts = node.raws("@context")
    if not contexts:
        raise node.error("@context", "is required")
    if contexts[0] not in (VC_V2_CONTEXT, VC_V1_CONTEXT):
        raise DocumentError(f"must be {VC_V2_CONTEXT!r} (or VC 1.1's)", path="@context[0]")
    if not any(isinstance(c, str) and OB_CONTEXT_PATTERN.match(c) for c in contexts[1:]):
        raise node.error("@context", "must include an OB 3.0 context after the VC context")
    return "2.0" if contexts[0] == VC_V2_CONTEXT else "1.1"


def _envelope(node: Node) -> dict[str, Any]:
    version = vcdm_version(node.data)
    start, end = (
        ("validFrom", "validUntil") if version == "2.0" else ("issuanceDate", "expirationDate")
    )
    if start not in node and version == "1.1":
        start, end = "validFrom", "validUntil"  # hybrids exist in the wild
    issuer = node.raw("issuer")
    if issuer is None:
        raise node.error("issuer", "is required")
    status = node.obj("credentialStatus")
    refresh = node.obj("refreshService")
    return {
        "id": node.req("id"),
        "issuer": _profile(issuer, "issuer"),
        "valid_from": node.date(start, required=True),
        "valid_until": node.date(end),
        "awarded_date": node.date("awardedDate"),
        "name": node.text("name"),
        "description": node.text("description"),
        "credential_status": None if status is None else status.data,
        "credential_schema": tuple(item.data for item in node.objs("credentialSchema")),
        "refresh_service": None if refresh is None else refresh.data,
        "terms_of_use": tuple(item.data for item in node.objs("termsOfUse")),
        "proof": tuple(item.data for item in node.objs("proof")),
        "extra_contexts": tuple(
            c
            for c in node.raws("@context")[1:]
            if not (
                isinstance(c, str) and (OB_CONTEXT_PATTERN.match(c) or c == OB_EXTENSIONS_CONTEXT)
            )
        ),
        "extra": {k: v for k, v in node.data.items() if k not in _ENVELOPE_KEYS},
    }


def parse_open_badge_credential(document: Any) -> OpenBadgeCredential:
    """An OpenBadgeCredential / AchievementCredential (VCDM 2.0 or 1.1)."""
    node = Node(document)
    types = node.types("VerifiableCredential", "OpenBadgeCredential|AchievementCredential")
    subject = node.req_obj("credentialSubject")
    endorsements = node.objs("endorsement")
    return OpenBadgeCredential(
        **_envelope(node),
        credential_subject=_subject(subject),
        image=_image(node, "image"),
        evidence=tuple(
            Evidence(
                id=item.text("id"),
                name=item.text("name"),
                description=item.text("description"),
                narrative=item.text("narrative"),
                genre=item.text("genre"),
                audience=item.text("audience"),
            )
            for item in node.objs("evidence")
        ),
        endorsement=tuple(item.data for item in endorsements),
        endorsement_jwt=node.texts("endorsementJwt"),
        credential_type=(
            "OpenBadgeCredential" if "OpenBadgeCredential" in types else "AchievementCredential"
        ),
    )


def parse_endorsement_credential(document: Any) -> EndorsementCredential:
    """An EndorsementCredential (VCDM 2.0 or 1.1)."""
    node = Node(document)
    node.types("VerifiableCredential", "EndorsementCredential")
    subject = node.req_obj("credentialSubject")
    subject.types("EndorsementSubject")
    fields = _envelope(node)
    if not fields["name"]:
        raise node.error("name", "is required on an EndorsementCredential")
    return EndorsementCredential(
        **fields,
        credential_subject=EndorsementSubject(
            id=subject.req("id"), endorsement_comment=subject.text("endorsementComment")
        ),
    )


def parse_profile(document: Any) -> Profile:
    """A Profile (as served at an issuer's URL, or embedded)."""
    return _profile(document, "$")


def parse_credential(document: Any) -> OpenBadgeCredential | EndorsementCredential:
    """Any OB 3.0 credential, dispatched on ``type``."""
    node = Node(document)
    if "EndorsementCredential" in node.texts("type"):
        return parse_endorsement_credential(document)
    return parse_open_badge_credential(document)
