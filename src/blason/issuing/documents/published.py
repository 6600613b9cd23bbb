"""The documents this site publishes, read from what is stored: what a verifier (obcore, the
backpack's import, the award page's check) needs to check one of this site's badges without a
network round trip and without running the site's views.

``published(url_name, kwargs)`` answers for a route of ``blason/urls.py`` with the arguments its
URL gave: the same bytes its view serves to a client asking for JSON-LD. A route that publishes
no such document, or an object that does not exist (or is not public), raises ``NotPublished``;
a hosted OB 2.0 assertion of a revoked award is ``Published`` with status 410 (what OB 2.0
verifiers look for) and says so in its body; a status list whose issuer has no signing key
(``keys.KeyMissing``, which should not happen: keys are made with the issuer) is ``Published``
with status 503 and :data:`KEY_MISSING` as its body. Nothing here writes but the status list's
own cache (``status_lists.status_list_credential``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from blason.core.models import Issuer
from blason.issuing import hooks
from blason.issuing.awarding import status_lists
from blason.issuing.awarding.models import Award
from blason.issuing.badges.models import BadgeClass, BadgeStatus
from blason.issuing.documents import award_documents
from blason.issuing.documents.award_documents import NoOb2Form
from blason.issuing.signing import issuer_documents
from blason.issuing.signing.keys import KeyMissing
from blason.issuing.signing.models import KeyAlgorithm, SigningKey

JSON_LD = "application/ld+json"
# What a signed document whose key is missing answers, with HTTP 503 (its view serves the same).
KEY_MISSING = {
    "error": "signing_key_missing",
    "message": "The issuer has no active signing key: this document cannot be signed now.",
}


class NotPublished(Exception):
    """Nothing is published at this address (no such route, object or document)."""


@dataclass(frozen=True)
class Published:
    content_type: str
    body: bytes
    status: int = 200


def _json(document: dict[str, Any], content_type: str = JSON_LD, status: int = 200) -> Published:
    body = json.dumps(document, ensure_ascii=False, indent=2).encode()
    return Published(content_type, body, status)


def _issuer(issuer_uuid: Any) -> Issuer:
    issuer = Issuer.objects.filter(uuid=issuer_uuid).first()
    if issuer is None:
        raise NotPublished
    return issuer


def _key(issuer: Issuer, fragment: str, **filters: Any) -> SigningKey:
    key = SigningKey.objects.filter(issuer=issuer, fragment=fragment, **filters).first()
    if key is None:
        raise NotPublished
    return key


def _award(award_uuid: Any) -> Award:
    award = Award.objects.select_related("badge", "issuer").filter(uuid=award_uuid).first()
    if award is None:
        raise NotPublished
    return award


def issuer_profile(issuer_uuid: Any) -> Published:
    return _json(issuer_documents.profile_document(_issuer(issuer_uuid)))


def issuer_did(issuer_uuid: Any) -> Published:
    return _json(issuer_documents.did_document(_issuer(issuer_uuid)), "application/did+ld+json")


def issuer_key(issuer_uuid: Any, fragment: str) -> Published:
    issuer = _issuer(issuer_uuid)
    key = _key(issuer, fragment)
    if not key.public_multikey:  # RSA, P-256: a bare public JWK
        return _json(issuer_documents.jwk_document(issuer, key), "application/jwk+json")
    return _json(issuer_documents.key_document(issuer, key))


def issuer_jwks(issuer_uuid: Any) -> Published:
    body = json.dumps(
        issuer_documents.jwks_document(_issuer(issuer_uuid))
    ).encode()  # as JsonResponse
    return Published("application/json", body)


def issuer_ob2(issuer_uuid: Any) -> Published:
    return _json(issuer_documents.ob2_issuer_document(_issuer(issuer_uuid)), "application/json")


def issuer_ob2_key(issuer_uuid: Any, fragment: str) -> Published:
    issuer = _issuer(issuer_uuid)
    key = _key(issuer, fragment, algorithm=KeyAlgorithm.RSA)
    return _json(issuer_documents.ob2_key_document(issuer, key), "application/json")


def issuer_status_list(issuer_uuid: Any, number: int) -> Published:
    issuer = _issuer(issuer_uuid)
    if number != 1 and not Award.objects.filter(issuer=issuer, status_list=number).exists():
        raise NotPublished
    try:
        credential = status_lists.status_list_credential(issuer, number)
    except KeyMissing:
        return _json(KEY_MISSING, "application/json", status=503)
    return _json(json.loads(credential), "application/vc+ld+json")


def issuer_ob2_revocations(issuer_uuid: Any) -> Published:
    return _json(award_documents.revocation_list_document(_issuer(issuer_uuid)))


def badge_ob2(badge_uuid: Any) -> Published:
    badge = (
        BadgeClass.objects.select_related("issuer")
        .filter(uuid=badge_uuid, status__in=[BadgeStatus.PUBLISHED, BadgeStatus.ARCHIVED])
        .first()
    )
    if badge is None:
        raise NotPublished
    return _json(award_documents.badge_class_document(badge))


def award_public(award_uuid: Any) -> Published:
    return Published(JSON_LD, _award(award_uuid).credential.encode())


def award_ob2(award_uuid: Any) -> Published:
    award = _award(award_uuid)
    if award.revoked_at is not None:
        return _json(award_documents.revoked_assertion(award), status=410)
    try:
        return _json(award_documents.hosted_assertion(award))
    except NoOb2Form:
        raise NotPublished from None


ROUTES: dict[str, Callable[..., Published]] = {
    function.__name__: function
    for function in (
        issuer_profile,
        issuer_did,
        issuer_key,
        issuer_jwks,
        issuer_ob2,
        issuer_ob2_key,
        issuer_status_list,
        issuer_ob2_revocations,
        badge_ob2,
        award_public,
        award_ob2,
    )
}


def published(url_name: str, kwargs: dict[str, Any]) -> Published:
    """The document published at the route ``url_name`` (with its namespace, if any) with
    these URL arguments; other apps' documents through ``hooks.PUBLISHED_DOCUMENTS``."""
    function = ROUTES.get(url_name)
    if function is not None:
        return function(**kwargs)
    other = hooks.PUBLISHED_DOCUMENTS.get(url_name)
    found = other(**kwargs) if other is not None else None
    if found is None:
        raise NotPublished
    status, document = found
    return _json(dict(document), status=status)
