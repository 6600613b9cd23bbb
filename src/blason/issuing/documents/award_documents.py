"""The other forms of an award, made on request from the stored OB 3.0 credential, never stored.

* OB 2.0 hosted ``Assertion`` (``/awards/<uuid>/ob2``), the OB 2.0 ``BadgeClass`` of the badge
  and the issuer's OB 2.0 ``RevocationList``: live documents, like the OB 2.0 issuer profile
  in :mod:`blason.issuing.signing.issuer_documents`.
* OB 2.0 signed assertion: a compact JWS (RS256) made with the issuer's active RSA key.
* OB 2.0 baked PNG: the hosted Assertion baked into the badge image (badgecheck and OB 2.0
  backpacks re-fetch it from its ``id``, so revocation is seen).
* OB 3.0 VC-JWT: the stored credential, without its Data Integrity proof, signed RS256.

What an OB 2.0 document says about the award comes from the signed credential (the salted
hash of the recipient's identifier, dates, evidence, narrative), so both versions always agree.
A recipient known only by a name has no OB 2.0 form: OB 2.0 names recipients by e-mail
address, URL, telephone number or id only, and a name is none of them (:class:`NoOb2Form`).
Signing the same data with the same RSA key gives the same bytes (RS256 is deterministic).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from blason.core.models import Issuer
from blason.core.site import absolute_url
from blason.issuing import hooks
from blason.issuing.awarding import credentials
from blason.issuing.awarding.models import Award, RecipientKind
from blason.issuing.badges.images import render_png
from blason.issuing.badges.models import BadgeClass
from blason.issuing.signing import issuer_documents, keys
from blason.issuing.signing.models import KeyAlgorithm
from obcore import baking, ob2, status
from obcore.jose import sign_ob2_assertion, sign_vc_jwt
from obcore.ob3 import parse_datetime

# OB 3.0 identityType -> OB 2.0 recipient type; nothing else has an OB 2.0 equivalent.
_OB2_RECIPIENT_TYPES: dict[str, ob2.RecipientType] = {
    "emailAddress": "email",
    "ext:phoneNumber": "telephone",
}


class NoOb2Form(Exception):
    """The award cannot be written in OB 2.0: its recipient is known only by a name."""


def assertion_url(award_uuid: UUID | str) -> str:
    """The hosted OB 2.0 Assertion: its ``id`` and the address it is served at."""
    return absolute_url("award_ob2", award_uuid)


def signed_assertion_id(award_uuid: UUID | str) -> str:
    """A signed assertion carries its own proof, so its id is a URN (OB 2.0 recommends it)."""
    return f"urn:uuid:{award_uuid}"


def baked_png_url(award: Award) -> str:
    return absolute_url("award_ob2_image", award.uuid)


def badge_class_url(badge: BadgeClass) -> str:
    return absolute_url("badge_ob2", badge.uuid)


badge_image_url = credentials.badge_image_url


def has_ob2_form(award: Award) -> bool:
    return award.recipient_kind in (RecipientKind.EMAIL, RecipientKind.PHONE)


def _recipient(credential: Mapping[str, Any]) -> ob2.IdentityObject:
    """The recipient exactly as hashed in the signed credential (same salt, same hash)."""
    subject = credential.get("credentialSubject")
    identifiers = subject.get("identifier", []) if isinstance(subject, Mapping) else []
    for item in identifiers if isinstance(identifiers, list) else [identifiers]:
        if not isinstance(item, Mapping):
            continue
        kind = _OB2_RECIPIENT_TYPES.get(str(item.get("identityType")))
        identity = item.get("identityHash")
        if kind and isinstance(identity, str):
            salt = item.get("salt")
            return ob2.IdentityObject(
                identity=identity,
                type=kind,
                hashed=item.get("hashed") is not False,
                salt=salt if isinstance(salt, str) and salt else None,
            )
    raise NoOb2Form


def _evidence(credential: Mapping[str, Any]) -> tuple[ob2.Evidence, ...]:
    items = credential.get("evidence", [])
    return tuple(
        ob2.Evidence(
            id=item.get("id"),
            name=item.get("name"),
            description=item.get("description"),
            narrative=item.get("narrative"),
        )
        for item in (items if isinstance(items, list) else [items])
        if isinstance(item, Mapping)
    )


def _assertion(
    award: Award, *, assertion_id: str, verification: ob2.VerificationObject
) -> ob2.Assertion:
    if not has_ob2_form(award):
        raise NoOb2Form
    credential = json.loads(award.credential)
    subject = credential.get("credentialSubject", {})
    narrative = subject.get("narrative") if isinstance(subject, Mapping) else None
    valid_until = credential.get("validUntil")
    return ob2.Assertion(
        id=assertion_id,
        recipient=_recipient(credential),
        badge=badge_class_url(award.badge),
        issued_on=parse_datetime(credential["validFrom"], "validFrom"),
        verification=verification,
        image=baked_png_url(award) if award.badge.image else None,
        evidence=_evidence(credential),
        narrative=narrative if isinstance(narrative, str) and narrative else None,
        expires=parse_datetime(valid_until, "validUntil") if valid_until else None,
    )


def hosted_assertion(award: Award) -> dict[str, Any]:
    """The OB 2.0 hosted Assertion of a (not revoked) award. Raises :class:`NoOb2Form`."""
    return _assertion(
        award, assertion_id=assertion_url(award.uuid), verification=ob2.VerificationObject()
    ).to_json()


def revoked_assertion(award: Award) -> dict[str, Any]:
    """The body served with HTTP 410 Gone once the award is revoked."""
    return ob2.revoked_assertion(assertion_url(award.uuid), award.revocation_reason or None)


def signed_assertion(award: Award) -> str:
    """The OB 2.0 signed assertion: a compact JWS, RS256, by the issuer's active RSA key (made
    with the issuer; ``keys.KeyMissing`` if it has none), whose OB 2.0 key document the issuer
    profile lists. Reads only."""
    issuer = award.issuer
    key = keys.active_key(issuer, KeyAlgorithm.RSA)
    creator = issuer_documents.ob2_key_url(issuer, key)
    assertion = _assertion(
        award,
        assertion_id=signed_assertion_id(award.uuid),
        verification=ob2.VerificationObject(type="SignedBadge", creator=creator),
    )
    return sign_ob2_assertion(assertion, keys.private_key(key), creator)


def vc_jwt(award: Award) -> str:
    """The OB 3.0 credential as a VC-JWT (RS256). The ``kid`` is the RSA key's verification
    method id, under the issuer's address, which serves the public JWK. Reads only; raises
    ``keys.KeyMissing`` when the issuer has no active RSA key."""
    credential = json.loads(award.credential)
    credential.pop("proof", None)  # the JWS is the proof of this form
    key = keys.active_key(award.issuer, KeyAlgorithm.RSA)
    return sign_vc_jwt(
        credential,
        keys.private_key(key),
        kid=issuer_documents.verification_method_id(award.issuer, key),
    )


def badge_png(badge: BadgeClass) -> bytes:
    """The badge's image as PNG (an SVG image is drawn). Raises ``ImageRejected``."""
    with badge.image.open("rb") as handle:
        image = handle.read()
    return render_png(image) if str(badge.image.name).endswith(".svg") else image


def baked_png(award: Award) -> bytes:
    """The badge image with the hosted OB 2.0 Assertion baked in. Raises :class:`NoOb2Form`,
    ``ImageRejected`` or ``BakingError``."""
    payload = json.dumps(hosted_assertion(award), ensure_ascii=False, separators=(",", ":"))
    return baking.bake(badge_png(award.badge), payload, version="2.0", replace=True)


def badge_class_document(badge: BadgeClass) -> dict[str, Any]:
    """The badge as an OB 2.0 BadgeClass, with the texts the OB 3.0 credentials carry."""
    achievement = credentials.achievement(badge)
    return ob2.BadgeClass(
        id=badge_class_url(badge),
        name=achievement.name,
        description=achievement.description,
        image=badge_image_url(badge),
        criteria=ob2.Criteria(id=achievement.criteria.id, narrative=achievement.criteria.narrative),
        issuer=issuer_documents.ob2_issuer_url(badge.issuer),
        alignment=tuple(
            ob2.AlignmentObject(
                target_name=item.target_name,
                target_url=item.target_url,
                target_description=item.target_description,
                target_framework=item.target_framework,
                target_code=item.target_code,
            )
            for item in achievement.alignment
        ),
        tags=achievement.tag,
        endorsement=hooks.ob2_badge_endorsements(badge),
    ).to_json()


def revocation_list_document(issuer: Issuer) -> dict[str, Any]:
    """The issuer's OB 2.0 RevocationList: each revoked award under both its ids (hosted URL
    and signed URN), with the reason. One query whatever the number of awards."""
    revoked = (
        Award.objects.filter(issuer=issuer, revoked_at__isnull=False)
        .exclude(recipient_kind=RecipientKind.NAME)
        .order_by("revoked_at", "pk")
        .values_list("uuid", "revocation_reason")
    )
    entries = [
        status.RevokedAssertion(id=assertion_id, reason=reason or None)
        for award_uuid, reason in revoked
        for assertion_id in (assertion_url(award_uuid), signed_assertion_id(award_uuid))
    ]
    return status.build_ob2_revocation_list(
        list_id=issuer_documents.ob2_revocation_list_url(issuer),
        issuer=issuer_documents.ob2_issuer_url(issuer),
        revoked=entries,
    )
