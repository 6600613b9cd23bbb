"""The public, machine-readable documents of an issuer, built from domain data.

* OB 3.0 ``Profile`` that is also the issuer's controller document: its ``assertionMethod``
  lists every Ed25519 key the issuer ever used (retired ones too), so verifiers that fetch the
  issuer URL find the key named by a proof's ``verificationMethod`` (``<issuer>#<multikey>``).
* A ``did:web`` DID document and a JWK Set for the same keys.
* OB 2.0 ``Issuer`` and ``CryptographicKey`` documents for signed OB 2.0 assertions.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from django.conf import settings
from django.urls import reverse

from blason.core.models import Issuer
from blason.core.site import absolute_url
from blason.core.territory import profile_extras
from blason.issuing import hooks
from blason.issuing.signing.keys import public_keys
from blason.issuing.signing.models import KeyAlgorithm, SigningKey

DID_V1 = "https://www.w3.org/ns/did/v1"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB2_CONTEXT = "https://w3id.org/openbadges/v2"


def issuer_url(issuer: Issuer) -> str:
    return issuer_address(issuer.uuid)


def issuer_address(issuer_uuid: UUID) -> str:
    """``issuer_url`` for a reader that holds the issuer's uuid only."""
    return absolute_url("issuer_profile", issuer_uuid)


def issuer_did(issuer: Issuer) -> str:
    host = urlsplit(settings.SITE_URL).netloc.replace(":", "%3A")
    path = reverse("issuer_did", args=[issuer.uuid]).strip("/").removesuffix("/did.json")
    return "did:web:" + ":".join([host, *path.split("/")])


def verification_method_id(issuer: Issuer, key: SigningKey) -> str:
    """A key's own URL, which serves a top-level Multikey document.

    A URL without a fragment dereferences to the key itself, which is what Digital Bazaar's and
    1EdTech's verifiers expect; the issuer's profile lists the same id in ``assertionMethod``,
    which proves the issuer controls the key.
    """
    return absolute_url("issuer_key", issuer.uuid, key.fragment)


def _multikey(controller: str, key: SigningKey, method_id: str) -> dict[str, Any]:
    return {
        "id": method_id,
        "type": "Multikey",
        "controller": controller,
        "publicKeyMultibase": key.public_multikey,
    }


def key_document(issuer: Issuer, key: SigningKey) -> dict[str, Any]:
    return {
        "@context": MULTIKEY_V1,
        **_multikey(issuer_url(issuer), key, verification_method_id(issuer, key)),
    }


def _contact_email(issuer: Issuer) -> str:
    return issuer.email or settings.DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].rstrip(">").strip()


def profile_document(issuer: Issuer) -> dict[str, Any]:
    url = issuer_url(issuer)
    document: dict[str, Any] = {
        "@context": [DID_V1, MULTIKEY_V1, OB3_CONTEXT],
        "id": url,
        "type": ["Profile"],
        "name": issuer.name,
        "url": issuer.url or url,
    }
    if issuer.description:
        document["description"] = issuer.description
    if issuer.email:
        document["email"] = issuer.email
    document.update(profile_extras(issuer))
    document.update(hooks.profile_endorsements(issuer))
    methods = [
        _multikey(url, key, verification_method_id(issuer, key))
        for key in public_keys(issuer)
        if key.public_multikey
    ]
    if methods:
        document["assertionMethod"] = methods
    return document


def did_document(issuer: Issuer) -> dict[str, Any]:
    did = issuer_did(issuer)
    keys = [key for key in public_keys(issuer) if key.public_multikey]
    methods = [_multikey(did, key, f"{did}#{key.fragment}") for key in keys]
    return {
        "@context": [DID_V1, MULTIKEY_V1],
        "id": did,
        "alsoKnownAs": [issuer_url(issuer)],
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }


def jwk_document(issuer: Issuer, key: SigningKey) -> dict[str, Any]:
    """A key without a Multikey form (RSA, P-256), served at its verification method id as a
    bare public JWK: what a VC-JWT ``kid`` must dereference to (OB 3.0 "JOSE Header"; 1EdTech's
    validator reads ``n`` and ``e`` at the top level). It lives under the issuer's address,
    which is how verifiers tie it to the issuer."""
    alg = {"RSA": "RS256", "P-256": "ES256"}.get(key.algorithm)
    jwk: dict[str, Any] = {**key.public_jwk, "kid": verification_method_id(issuer, key)}
    if alg:
        jwk["alg"] = alg
    return jwk


def jwks_document(issuer: Issuer) -> dict[str, Any]:
    return {
        "keys": [
            {**key.public_jwk, "kid": verification_method_id(issuer, key)}
            for key in public_keys(issuer)
        ]
    }


def ob2_issuer_url(issuer: Issuer) -> str:
    return absolute_url("issuer_ob2", issuer.uuid)


def ob2_key_url(issuer: Issuer, key: SigningKey) -> str:
    return absolute_url("issuer_ob2_key", issuer.uuid, key.fragment)


def ob2_revocation_list_url(issuer: Issuer) -> str:
    return absolute_url("issuer_ob2_revocations", issuer.uuid)


def ob2_issuer_document(issuer: Issuer) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": OB2_CONTEXT,
        "type": "Issuer",
        "id": ob2_issuer_url(issuer),
        "name": issuer.name,
        "url": issuer.url or issuer_url(issuer),
        "email": _contact_email(issuer),
    }
    if issuer.description:
        document["description"] = issuer.description
    rsa = [key for key in public_keys(issuer) if key.algorithm == KeyAlgorithm.RSA]
    if rsa:
        document["publicKey"] = [ob2_key_url(issuer, key) for key in rsa]
    document["revocationList"] = ob2_revocation_list_url(issuer)
    endorsements = hooks.ob2_issuer_endorsements(issuer)
    if endorsements:
        document["endorsement"] = list(endorsements)
    return document


def ob2_key_document(issuer: Issuer, key: SigningKey) -> dict[str, Any]:
    from obcore.keys import key_from_jwk

    return {
        "@context": OB2_CONTEXT,
        "type": "CryptographicKey",
        "id": ob2_key_url(issuer, key),
        "owner": ob2_issuer_url(issuer),
        "publicKeyPem": key_from_jwk(key.public_jwk).public_pem().decode(),
    }
