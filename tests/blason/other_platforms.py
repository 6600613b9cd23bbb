"""Badges as other platforms issue them, signed with obcore, for the backpack's import tests.

Every kind the backpack must accept: OB 3.0 with Data Integrity (VCDM 2.0 and 1.1) from a
``did:key`` issuer, VC-JWT (VCDM 2.0 and the VCDM 1.1 ``vc`` claim) from an https issuer, OB 2.0
hosted and signed, baked into PNG or SVG. Documents an https issuer publishes are served from
memory by ``fetcher(documents)`` (this site's own documents still answer locally).
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from typing import Any

from PIL import Image

from blason.verification.fetching import SiteFetcher
from obcore import baking, status
from obcore.fetch import Fetcher, StaticFetcher
from obcore.jose import _sign, sign_ob2_assertion, sign_vc_jwt, vc_jwt_claims
from obcore.keys import did_key, generate_key
from obcore.ob3 import hash_identity
from obcore.proofs.data_integrity import sign

OTHER = "https://badges.other.example"
OB2 = "https://w3id.org/openbadges/v2"
SALT = "a1b2c3"
V2 = "https://www.w3.org/ns/credentials/v2"
V1 = "https://www.w3.org/2018/credentials/v1"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
DI = "https://w3id.org/security/data-integrity/v2"


@dataclass
class Badge:
    """A badge from elsewhere: what the earner holds, and what its issuer publishes."""

    payload: str  # the credential JSON text, or a compact JWS
    documents: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    id: str = ""

    def fetcher(self) -> Fetcher:
        return fetcher(self.documents)


def fetcher(documents: dict[str, tuple[str, bytes]]) -> Fetcher:
    return SiteFetcher(fallback=StaticFetcher(documents))


def _subject(email: str) -> dict[str, Any]:
    return {
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "hashed": True,
                "salt": SALT,
                "identityType": "emailAddress",
                "identityHash": hash_identity(email, SALT),
            }
        ],
        "achievement": {
            "id": f"{OTHER}/achievements/parole",
            "type": ["Achievement"],
            "name": "Prise de parole",
            "description": "Ose parler devant le groupe.",
            "criteria": {"narrative": "Observée par deux pairs."},
        },
    }


def ob3_credential(
    issuer: str, *, number: int = 1, vcdm: str = "2.0", email: str = "lea@example.org", **extra: Any
) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": [V2, OB3] if vcdm == "2.0" else [V1, OB3],
        "id": f"urn:uuid:1f4fb8a3-3a00-4000-8000-{number:012d}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Autre plateforme", "url": OTHER},
        "credentialSubject": _subject(email),
    }
    document["validFrom" if vcdm == "2.0" else "issuanceDate"] = "2026-01-10T09:00:00Z"
    document.update(extra)
    return document


def data_integrity(
    *, number: int = 1, vcdm: str = "2.0", email: str = "lea@example.org", **extra: Any
) -> Badge:
    """OB 3.0, eddsa-rdfc-2022, issuer ``did:key`` (self-contained: nothing to fetch), awarded
    to ``email``."""
    key = generate_key()
    issuer = did_key(key)
    document = ob3_credential(issuer, number=number, vcdm=vcdm, email=email, **extra)
    if vcdm == "1.1":
        document["@context"].append(DI)  # VCDM 1.1 has no Data Integrity terms of its own
    signed = sign(document, key, verification_method=f"{issuer}#{key.to_multikey()}")
    return Badge(json.dumps(signed, ensure_ascii=False, indent=2), id=signed["id"])


def vc_jwt(*, number: int = 2, vcdm: str = "2.0", algorithm: str = "P-256") -> Badge:
    """OB 3.0 as a VC-JWT from an https issuer publishing its key (VCDM 1.1: the ``vc``
    claim)."""
    key = generate_key(algorithm)  # type: ignore[arg-type]
    issuer = f"{OTHER}/issuers/1"
    kid = f"{issuer}/keys/{algorithm.lower()}"
    document = ob3_credential(issuer, number=number, vcdm=vcdm)
    if vcdm == "2.0":
        token = sign_vc_jwt(document, key, kid=kid)
    else:
        alg = {"Ed25519": "EdDSA", "P-256": "ES256", "RSA": "RS256"}[algorithm]
        claims = vc_jwt_claims(document)
        token = _sign({"alg": alg, "typ": "JWT", "kid": kid}, {**claims, "vc": document}, key)
    key_document = {
        "id": kid,
        "type": "JsonWebKey",
        "controller": issuer,
        "publicKeyJwk": key.to_public_jwk(),
    }
    return Badge(
        token,
        {kid: ("application/json", json.dumps(key_document).encode())},
        id=document["id"],
    )


def _ob2_documents(*, revoked: tuple[str, ...] = ()) -> tuple[dict[str, Any], Any]:
    rsa = generate_key("RSA")
    issuer = {
        "@context": OB2,
        "type": "Issuer",
        "id": f"{OTHER}/ob2/issuer",
        "name": "Ateliers du Lien",
        "url": OTHER,
        "email": "contact@badges.other.example",
        "publicKey": [f"{OTHER}/ob2/key"],
        "revocationList": f"{OTHER}/ob2/revoked",
    }
    badge = {
        "@context": OB2,
        "type": "BadgeClass",
        "id": f"{OTHER}/ob2/badge",
        "name": "Atelier CV",
        "description": "A rédigé son CV.",
        "image": f"{OTHER}/ob2/badge.png",
        "criteria": {"narrative": "Présence et CV relu."},
        "issuer": issuer["id"],
    }
    key = {
        "@context": OB2,
        "type": "CryptographicKey",
        "id": f"{OTHER}/ob2/key",
        "owner": issuer["id"],
        "publicKeyPem": rsa.public_pem().decode(),
    }
    revocation = status.build_ob2_revocation_list(
        list_id=f"{OTHER}/ob2/revoked",
        issuer=issuer["id"],
        revoked=[status.RevokedAssertion(id=i, reason="erreur") for i in revoked],
    )
    return {d["id"]: d for d in (issuer, badge, key, revocation)}, rsa


def _as_served(docs: dict[str, Any]) -> dict[str, tuple[str, bytes]]:
    return {url: ("application/json", json.dumps(d).encode()) for url, d in docs.items()}


def _ob2_assertion(assertion_id: str, verification: dict[str, Any], email: str) -> dict[str, Any]:
    return {
        "@context": OB2,
        "type": "Assertion",
        "id": assertion_id,
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": SALT,
            "identity": hash_identity(email, SALT),
        },
        "badge": f"{OTHER}/ob2/badge",
        "issuedOn": "2026-01-10T09:00:00Z",
        "verification": verification,
    }


def ob2_hosted(*, number: int = 3, email: str = "lea@example.org") -> Badge:
    """OB 2.0 hosted: the assertion lives at its URL on the issuer's site (the badge image
    is published there too)."""
    docs, _rsa = _ob2_documents()
    assertion = _ob2_assertion(f"{OTHER}/ob2/assertions/{number}", {"type": "HostedBadge"}, email)
    docs[assertion["id"]] = assertion
    served = _as_served(docs)
    served[f"{OTHER}/ob2/badge.png"] = ("image/png", png(color="orange"))
    return Badge(json.dumps(assertion), served, id=assertion["id"])


def ob2_signed(*, number: int = 4, email: str = "lea@example.org") -> Badge:
    """OB 2.0 signed: an RS256 JWS; the issuer publishes its key and revocation list."""
    docs, rsa = _ob2_documents()
    assertion = _ob2_assertion(
        f"urn:uuid:aa9f0c2e-0000-4000-8000-{number:012d}",
        {"type": "SignedBadge", "creator": f"{OTHER}/ob2/key"},
        email,
    )
    token = sign_ob2_assertion(assertion, rsa, f"{OTHER}/ob2/key")
    return Badge(token, _as_served(docs), id=assertion["id"])


def png(*, size: int = 96, color: str = "white") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (size, size), color).save(out, format="PNG")
    return out.getvalue()


SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" width="100" height="100">'
    '<circle cx="50" cy="50" r="45" fill="#a33a00"/></svg>'
)


def baked_png(payload: str, *, version: str = "3.0", **image: Any) -> bytes:
    return baking.bake(png(**image), payload, version=version)  # type: ignore[arg-type]


def baked_svg(payload: str, *, version: str = "3.0") -> bytes:
    return baking.bake(SVG.encode(), payload, version=version)  # type: ignore[arg-type]
