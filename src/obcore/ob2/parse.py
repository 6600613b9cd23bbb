"""Read OB 2.0 documents as other platforms emit them.

Accepted variants: ``type`` as a string or array; IRIs or embedded objects for ``badge``,
``issuer``, ``image``, ``criteria`` and ``evidence``; the ``verify``/``hosted``/``signed``
aliases; OB 1.x Unix timestamps. Anything else wrong raises
:class:`~obcore.errors.DocumentError` naming the path of the problem.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, get_args

from obcore.errors import DocumentError
from obcore.ob2.model import (
    OB2_CONTEXT,
    AlignmentObject,
    Assertion,
    BadgeClass,
    Criteria,
    CryptographicKey,
    Endorsement,
    Evidence,
    IdentityObject,
    Image,
    Profile,
    RecipientType,
    VerificationObject,
)
from obcore.ob3._fields import Node

__all__ = [
    "parse_assertion",
    "parse_badge_class",
    "parse_cryptographic_key",
    "parse_endorsement",
    "parse_profile",
]

_VERIFICATION_ALIASES = {"hosted": "HostedBadge", "signed": "SignedBadge"}


def _date(node: Node, key: str) -> datetime | None:
    value = node.raw(key)
    if isinstance(value, int) and not isinstance(value, bool):  # OB 1.x Unix timestamps
        try:
            return datetime.fromtimestamp(value, UTC)
        except (ValueError, OverflowError, OSError):
            raise node.error(key, f"{value} is not a valid Unix timestamp") from None
    return node.date(key)


def _issued_on(node: Node) -> datetime:
    value = _date(node, "issuedOn")
    if value is None:
        raise node.error("issuedOn", "is required")
    return value


def _recipient_type(node: Node) -> RecipientType:
    kind = node.text("type") or "email"
    for known in get_args(RecipientType):
        if kind == known:
            return known  # type: ignore[no-any-return]
    raise node.error("type", f"must be email, url, telephone or id, not {kind!r}")


def _is_ob2_context(context: Any) -> bool:
    """The OB 2.0 context by its URL, or embedded: an object defining every term of the
    OB 2.0 context as it does (as badgecheck reads it, by expansion, not by address)."""
    if context == OB2_CONTEXT:
        return True
    if not isinstance(context, dict):
        return False
    from obcore.contexts import load_context

    terms = load_context(OB2_CONTEXT)["@context"]
    embedded = context.get("@context", context)
    return isinstance(embedded, dict) and all(embedded.get(k) == v for k, v in terms.items())


def _check_context(node: Node) -> None:
    contexts = node.raws("@context")
    if contexts and not any(_is_ob2_context(context) for context in contexts):
        raise node.error("@context", f"must be {OB2_CONTEXT!r}")


def _image(node: Node, key: str) -> Image | None:
    value = node.raw(key)
    if value is None or isinstance(value, str):
        return None if value is None else Image(id=value)
    image = Node(value, node.sub(key))
    return Image(id=image.req("id"), caption=image.text("caption"), author=image.text("author"))


def _verification(node: Node) -> VerificationObject | None:
    key = "verification" if "verification" in node else "verify"
    found = node.obj(key)
    if found is None:
        return None
    kind = found.text("type") or "HostedBadge"
    kind = _VERIFICATION_ALIASES.get(kind, kind)
    if kind not in ("HostedBadge", "SignedBadge"):
        raise found.error("type", f"unknown verification type {kind!r}")
    return VerificationObject(
        type="SignedBadge" if kind == "SignedBadge" else "HostedBadge",
        creator=found.text("creator"),
        allowed_origins=found.texts("allowedOrigins"),
        starts_with=found.texts("startsWith"),
    )


def _endorsement_ids(node: Node) -> tuple[str, ...]:
    """The addresses of the ``endorsement`` of a BadgeClass or a Profile: IRIs, or the ``id``
    of embedded Endorsements."""
    found = []
    for index, item in enumerate(node.raws("endorsement")):
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict) and isinstance(item.get("id"), str):
            found.append(item["id"])
        else:
            raise DocumentError(
                "must be an IRI or an Endorsement with an id", path=node.sub("endorsement", index)
            )
    return tuple(found)


def parse_profile(document: Any, path: str = "") -> Profile:
    """An issuer Profile (``type`` Issuer or Profile)."""
    node = Node(document, path)
    _check_context(node)
    kind = node.types("Issuer|Profile")
    return Profile(
        id=node.req("id"),
        name=node.req("name"),
        url=node.req("url"),
        email=node.req("email"),
        type="Issuer" if "Issuer" in kind else "Profile",
        telephone=node.text("telephone"),
        description=node.text("description"),
        image=_image(node, "image"),
        public_key=node.texts("publicKey"),
        revocation_list=node.text("revocationList"),
        verification=_verification(node),
        endorsement=_endorsement_ids(node),
    )


def parse_cryptographic_key(document: Any) -> CryptographicKey:
    node = Node(document)
    _check_context(node)
    node.types("CryptographicKey")
    return CryptographicKey(
        id=node.req("id"), owner=node.req("owner"), public_key_pem=node.req("publicKeyPem")
    )


def parse_badge_class(document: Any, path: str = "") -> BadgeClass:
    node = Node(document, path)
    _check_context(node)
    node.types("BadgeClass")
    image = _image(node, "image")
    if image is None:
        raise node.error("image", "is required")
    criteria: Criteria | str
    raw_criteria, issuer = node.raw("criteria"), node.raw("issuer")
    if isinstance(raw_criteria, str):
        criteria = raw_criteria
    else:
        found = node.req_obj("criteria")
        if not found.text("id") and not found.text("narrative"):
            raise DocumentError("needs an id or a narrative", path=found.path)
        criteria = Criteria(id=found.text("id"), narrative=found.text("narrative"))
    if issuer is None:
        raise node.error("issuer", "is required")
    return BadgeClass(
        id=node.req("id"),
        name=node.req("name"),
        description=node.req("description"),
        image=image,
        criteria=criteria,
        issuer=issuer if isinstance(issuer, str) else parse_profile(issuer, node.sub("issuer")),
        alignment=tuple(
            AlignmentObject(
                target_name=item.req("targetName"),
                target_url=item.req("targetUrl"),
                target_description=item.text("targetDescription"),
                target_framework=item.text("targetFramework"),
                target_code=item.text("targetCode"),
            )
            for item in node.objs("alignment")
        ),
        tags=node.texts("tags"),
        version=None if node.raw("version") is None else str(node.raw("version")),
        endorsement=_endorsement_ids(node),
    )


def parse_assertion(document: Any) -> Assertion:
    """An Assertion (hosted, or the payload of a signed one). Revoked stubs raise."""
    node = Node(document)
    _check_context(node)
    node.types("Assertion")
    if node.flag("revoked"):
        raise node.error("revoked", "this assertion is revoked")
    recipient = node.req_obj("recipient")
    identity = recipient.req("identity")
    hashed = recipient.flag("hashed")
    badge = node.raw("badge")
    if badge is None:
        raise node.error("badge", "is required")
    verification = _verification(node)
    if verification is None:
        raise node.error("verification", "is required")
    return Assertion(
        id=node.req("id"),
        recipient=IdentityObject(
            identity=identity,
            type=_recipient_type(recipient),
            hashed=("$" in identity) if hashed is None else hashed,
            salt=recipient.text("salt"),
        ),
        badge=badge if isinstance(badge, str) else parse_badge_class(badge, "badge"),
        issued_on=_issued_on(node),
        verification=verification,
        image=node.raw("image") if isinstance(node.raw("image"), str) else None,
        evidence=tuple(
            Evidence(**{k: item.text(k) for k in ("id", "narrative", "name", "description")})
            for item in (
                Node({"id": e}) if isinstance(e, str) else Node(e, node.sub("evidence"))
                for e in node.raws("evidence")
            )
        ),
        narrative=node.text("narrative"),
        expires=_date(node, "expires"),
    )


def parse_endorsement(document: Any) -> Endorsement:
    node = Node(document)
    _check_context(node)
    node.types("Endorsement")
    claim = node.req_obj("claim")
    issuer = node.raw("issuer")
    if issuer is None:
        raise node.error("issuer", "is required")
    return Endorsement(
        id=node.req("id"),
        claim_id=claim.req("id"),
        issuer=issuer if isinstance(issuer, str) else parse_profile(issuer, "issuer"),
        issued_on=_issued_on(node),
        endorsement_comment=claim.text("endorsementComment"),
        verification=_verification(node) or VerificationObject(),
    )
