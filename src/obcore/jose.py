"""JOSE proofs: OB 3.0 VC-JWT, and OB 2.0 signed assertions (RS256 JWS).

The JWS layer is ``joserfc``; this module adds what the Open Badges specs require on top:
the header rules (``alg`` matching the key type, ``kid`` or a public ``jwk``, ``typ`` ``JWT``,
no other parameters), the claims derived from the credential (``iss``, ``jti``, ``nbf``, ``sub``,
``exp``) and their consistency on reading, dates against a caller-supplied clock, and OB 2.0 key
provenance. Keys come from a resolver the caller passes in: this library never fetches.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from joserfc import jws
from joserfc.errors import JoseError as _LibJoseError
from joserfc.jwk import ECKey, OKPKey, RSAKey
from joserfc.jws import JWSRegistry

from obcore import _json
from obcore.errors import (
    DocumentError,
    InputError,
    JoseError,
    JwsSignatureError,
    JwtExpiredError,
    JwtNotYetValidError,
    KeyFormatError,
)
from obcore.keys import KeyPair, key_from_jwk, key_from_pem
from obcore.messages import Message
from obcore.ob2 import (
    Assertion,
    BadgeClass,
    CryptographicKey,
    Profile,
    parse_assertion,
    parse_badge_class,
    parse_cryptographic_key,
    parse_profile,
)
from obcore.ob3 import EndorsementCredential, OpenBadgeCredential, parse_datetime

__all__ = [
    "Ob2JwsResult",
    "VcJwtResult",
    "sign_ob2_assertion",
    "sign_vc_jwt",
    "vc_jwt_claims",
    "verify_ob2_jws",
    "verify_vc_jwt",
]

#: key algorithm -> JWS ``alg``. ``Ed25519`` (RFC 9864) is accepted on reading as EdDSA's alias.
_ALG_OF_KEY = {"RSA": "RS256", "P-256": "ES256", "Ed25519": "EdDSA"}
_KEY_OF_ALG = {"RS256": "RSA", "ES256": "P-256", "EdDSA": "Ed25519", "Ed25519": "Ed25519"}
_HEADER_NAMES = frozenset({"alg", "kid", "jwk", "typ"})  # "Additional JOSE Headers are NOT allowed"
# OB 3.0 §8.2.4 (VC-JWT): "typ ... MUST be JWT" when present.
_TYPS = frozenset({"JWT"})
_CLAIMS = ("iss", "jti", "nbf", "sub", "exp", "iat", "aud")

KeyResolver = Callable[[str], "KeyPair | Mapping[str, Any]"]
DocumentResolver = Callable[[str], Mapping[str, Any]]
Credential = OpenBadgeCredential | EndorsementCredential | Mapping[str, Any]


class _Registry(JWSRegistry):
    """Our allow-list is passed per call; badges with embedded data-URI images are large."""

    max_payload_length = 8_000_000
    max_header_length = 8_192

    def get_alg(self, name: str) -> Any:
        # joserfc warns that "EdDSA" is superseded by RFC 9864's "Ed25519"; VC-JWT still
        # names it EdDSA, and the caller's allow-list (checked here) is the real guard.
        if not self.allowed or name not in self.allowed or name not in self.algorithms:
            raise JoseError(f"JWS algorithm {name!r} is not allowed here")
        return self.algorithms[name]


def _registry(alg: str) -> _Registry:
    return _Registry(algorithms=[alg], strict_check_header=False)


def _lib_key(key: KeyPair, *, private: bool) -> RSAKey | ECKey | OKPKey:
    native: Any = key.private_key if private else key.public_key
    if native is None:
        raise JoseError("this key has no private half: it cannot sign")
    cls = {"RSA": RSAKey, "P-256": ECKey, "Ed25519": OKPKey}[key.algorithm]
    return cls(native, native)  # type: ignore[no-any-return]


def _b64decode(part: str, name: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError):
        raise JoseError(f"the JWS {name} is not base64url") from None


def _split(token: str) -> tuple[dict[str, Any], bytes]:
    if not isinstance(token, str) or token.count(".") != 2:
        raise JoseError("not a compact JWS (header.payload.signature)")
    header_part, payload_part, _signature = token.strip().split(".")
    try:
        header = _json.loads(_b64decode(header_part, "header"))
    except InputError as exc:
        raise JoseError(f"the JWS header is refused: {exc}") from None
    if not isinstance(header, dict):
        raise JoseError("the JWS header must be a JSON object")
    return header, _b64decode(payload_part, "payload")


def _check_signature(token: str, key: KeyPair, alg: str) -> None:
    if _KEY_OF_ALG.get(alg) != key.algorithm:
        raise JoseError(f"header alg {alg!r} does not match the {key.algorithm} key")
    try:
        jws.deserialize_compact(
            token.strip(), _lib_key(key, private=False), registry=_registry(alg)
        )
    except _LibJoseError:
        raise JwsSignatureError(Message("jwt.signature")) from None


def _sign(header: dict[str, Any], payload: Mapping[str, Any], key: KeyPair) -> str:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return jws.serialize_compact(
        header, body, _lib_key(key, private=True), registry=_registry(header["alg"])
    )


def _as_json(credential: Credential) -> dict[str, Any]:
    if isinstance(credential, OpenBadgeCredential | EndorsementCredential):
        return credential.to_json()
    if not isinstance(credential, Mapping):
        raise JoseError("the credential must be a JSON object")
    return dict(credential)


def _id_of(value: Any) -> Any:
    return value.get("id") if isinstance(value, Mapping) else value


def _subject_id(value: Any) -> Any:
    """``sub``: the id of a single subject (several subjects, as a list, give no ``sub``)."""
    return value.get("id") if isinstance(value, Mapping) else None


def _seconds(credential: Mapping[str, Any], *names: str) -> int | None:
    for name in names:
        if credential.get(name) is not None:
            try:
                return int(parse_datetime(credential[name], name).timestamp())
            except DocumentError as exc:
                raise JoseError(str(exc)) from None
    return None


def vc_jwt_claims(credential: Credential) -> dict[str, Any]:
    """The registered claims the spec derives from the credential: ``iss`` = issuer id,
    ``jti`` = id, ``nbf`` = validFrom, ``sub`` = credentialSubject.id, ``exp`` = validUntil.
    ``sub`` is left out when the subject has only ``identifier`` entries (it has no id)."""
    data = _as_json(credential)
    claims: dict[str, Any] = {}
    for claim, value in (
        ("iss", _id_of(data.get("issuer"))),
        ("jti", data.get("id")),
        ("nbf", _seconds(data, "validFrom", "issuanceDate")),
        ("sub", _subject_id(data.get("credentialSubject"))),
        ("exp", _seconds(data, "validUntil", "expirationDate")),
    ):
        if value is not None:
            claims[claim] = value
    for required in ("iss", "jti", "nbf"):
        if required not in claims:
            raise JoseError(f"the credential has no value for the {required!r} claim")
    return claims


def sign_vc_jwt(
    credential: Credential, key: KeyPair, *, kid: str | None = None, embed_jwk: bool = False
) -> str:
    """Sign ``credential`` as a VC-JWT (RS256, ES256 or EdDSA after the key). The header
    names the key by ``kid`` (a URL resolving to a JWK) and/or embeds its public ``jwk``."""
    if not kid and not embed_jwk:
        raise JoseError("a VC-JWT header needs a kid or an embedded jwk")
    data = _as_json(credential)
    header: dict[str, Any] = {"alg": _ALG_OF_KEY[key.algorithm], "typ": "JWT"}
    if kid:
        header["kid"] = kid
    if embed_jwk:
        header["jwk"] = key.to_public_jwk()
    return _sign(header, {**data, **vc_jwt_claims(data)}, key)


@dataclass(frozen=True, kw_only=True, slots=True)
class VcJwtResult:
    """A verified VC-JWT: the credential (without JWT claims), its header, claims and key."""

    credential: dict[str, Any]
    header: dict[str, Any]
    claims: dict[str, Any]
    key: KeyPair
    vcdm: Literal["1.1", "2.0"]


def _key(found: KeyPair | Mapping[str, Any], where: str) -> KeyPair:
    if isinstance(found, KeyPair):
        return found.public_only()
    try:
        if "d" in found:
            raise JoseError(f"the {where} JWK contains a private key")
        return key_from_jwk(found)
    except KeyFormatError as exc:
        raise JoseError(f"the {where} key is unusable: {exc}") from None


def _check_header(header: Mapping[str, Any]) -> str:
    extra = set(header) - _HEADER_NAMES
    if extra:
        raise JoseError(Message("jwt.header", names=", ".join(sorted(map(str, extra)))))
    alg = header.get("alg")
    if alg not in _KEY_OF_ALG:
        raise JoseError(f"JWS algorithm {alg!r} is not allowed (RS256, ES256, EdDSA)")
    if "typ" in header and header["typ"] not in _TYPS:
        raise JoseError(Message("jwt.typ", typ=repr(header["typ"])))
    return str(alg)


def verify_vc_jwt(
    token: str,
    resolver: KeyResolver,
    *,
    now: datetime | None = None,
    leeway: int = 0,
    allow_embedded_jwk: bool = False,
) -> VcJwtResult:
    """Verify a VC-JWT (VCDM 2.0 payload, or VCDM 1.1 ``vc`` claim) and its claims.

    ``resolver(kid)`` returns the public key (KeyPair or JWK) the issuer published. A header
    ``jwk`` alone is trusted only with ``allow_embedded_jwk`` (the caller then checks the
    key's provenance, e.g. in the issuer's JWKS). Raises :class:`JoseError` subclasses.
    """
    header, payload_bytes = _split(token)
    alg = _check_header(header)
    kid, embedded = header.get("kid"), header.get("jwk")
    if kid is not None:
        if not isinstance(kid, str) or not kid:
            raise JoseError("kid must be a non-empty string")
        key = _key(resolver(kid), f"kid {kid!r}")
        if isinstance(embedded, Mapping) and _key(embedded, "header").to_public_jwk() != (
            key.to_public_jwk()
        ):
            raise JoseError("the header jwk is not the key kid names")
    elif isinstance(embedded, Mapping):
        if not allow_embedded_jwk:
            raise JoseError("the token names no kid; an embedded jwk proves no provenance")
        key = _key(embedded, "header")
    else:
        raise JoseError("the header has neither kid nor jwk")
    _check_signature(token, key, alg)
    try:
        payload = _json.loads(payload_bytes)
    except InputError as exc:
        raise JoseError(f"the JWT payload is refused: {exc}") from None
    if not isinstance(payload, dict):
        raise JoseError("the JWT payload must be a JSON object")
    claims = {name: payload[name] for name in _CLAIMS if name in payload}
    if isinstance(payload.get("vc"), Mapping):
        vcdm: Literal["1.1", "2.0"] = "1.1"
        credential = dict(payload["vc"])
    else:
        vcdm = "2.0"
        credential = {k: v for k, v in payload.items() if k not in _CLAIMS}
    try:
        _check_claims(claims, credential, vcdm, now or datetime.now(UTC), leeway)
    except (ValueError, OverflowError, OSError):  # absurd NumericDates
        raise JoseError("the JWT dates are out of range") from None
    return VcJwtResult(credential=credential, header=header, claims=claims, key=key, vcdm=vcdm)


def _check_claims(
    claims: dict[str, Any], credential: dict[str, Any], vcdm: str, now: datetime, leeway: int
) -> None:
    for name in ("nbf", "exp", "iat"):
        value = claims.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise JoseError(f"claim {name!r} must be a NumericDate")
    if vcdm == "1.1":  # VC-JWT 1.1: claims stand for the properties the vc claim may omit
        for claim, field in (("iss", "issuer"), ("jti", "id"), ("nbf", "issuanceDate")):
            if claim in claims and field not in credential:
                value = claims[claim]
                credential[field] = (
                    datetime.fromtimestamp(value, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                    if claim == "nbf"
                    else value
                )
        subject = credential.get("credentialSubject")
        if "sub" in claims and isinstance(subject, Mapping) and "id" not in subject:
            credential["credentialSubject"] = {**subject, "id": claims["sub"]}
    expected = vc_jwt_claims(credential)
    if claims.get("sub", expected.get("sub")) != expected.get("sub"):  # VC-JWT: sub is the id
        raise JoseError(Message("jwt.sub_mismatch", sub=repr(claims["sub"])))
    if "nbf" not in claims:
        raise JoseError("the nbf claim is required")
    for name, value in expected.items():
        if name in claims and (
            int(claims[name]) != value if name in ("nbf", "exp") else claims[name] != value
        ):
            raise JoseError(Message("jwt.claim_mismatch", claim=name))
    for name in ("iss", "jti"):
        if name not in claims:
            raise JoseError(f"the {name!r} claim is required")
    moment = now.timestamp()
    if claims["nbf"] > moment + leeway:
        raise JwtNotYetValidError("the credential is not valid yet (nbf / validFrom)")
    if "exp" in claims and claims["exp"] <= moment - leeway:
        raise JwtExpiredError("the credential has expired (exp / validUntil)")


# --- OB 2.0 signed assertions -----------------------------------------------------------------


def sign_ob2_assertion(assertion: Assertion | Mapping[str, Any], key: KeyPair, creator: str) -> str:
    """RS256 JWS over the assertion, with ``verification: {type: SignedBadge, creator}``."""
    if key.algorithm != "RSA":
        raise JoseError("OB 2.0 signed badges use RS256: an RSA key is required")
    data = assertion.to_json() if isinstance(assertion, Assertion) else dict(assertion)
    data["verification"] = {"type": "SignedBadge", "creator": creator}
    return _sign({"alg": "RS256"}, data, key)


@dataclass(frozen=True, kw_only=True, slots=True)
class Ob2JwsResult:
    """A verified OB 2.0 signed assertion with the documents that vouch for it."""

    assertion: Assertion
    payload: dict[str, Any]
    badge_class: BadgeClass
    issuer: Profile
    key: CryptographicKey


def _resolve(resolver: DocumentResolver, iri: str, what: str) -> Mapping[str, Any]:
    found = resolver(iri)
    if not isinstance(found, Mapping):
        raise JoseError(f"the {what} {iri!r} could not be resolved")
    return found


def verify_ob2_jws(token: str, resolver: DocumentResolver) -> Ob2JwsResult:
    """Verify an OB 2.0 signed assertion: RS256 signature by ``verification.creator``, whose
    key document's ``owner`` must be the BadgeClass issuer and be listed in its ``publicKey``.
    ``resolver(iri)`` returns the JSON document at an IRI (key, BadgeClass, issuer)."""
    header, payload_bytes = _split(token)
    if header.get("alg") != "RS256":
        raise JoseError(f"OB 2.0 signed badges use RS256, not {header.get('alg')!r}")
    try:
        payload = _json.loads(payload_bytes)
        assertion = parse_assertion(payload)
    except InputError as exc:
        raise JoseError(f"the JWS payload is refused: {exc}") from None
    except DocumentError as exc:
        raise JoseError(f"the signed assertion is invalid: {exc}") from None
    creator = assertion.verification.creator
    if assertion.verification.type != "SignedBadge" or not creator:
        raise JoseError("verification must be SignedBadge with a creator key IRI")
    try:
        key_doc = parse_cryptographic_key(_resolve(resolver, creator, "key"))
        key = key_from_pem(key_doc.public_key_pem.encode())
        badge = assertion.badge
        if isinstance(badge, str):
            badge = parse_badge_class(_resolve(resolver, badge, "BadgeClass"))
        issuer = badge.issuer
        if isinstance(issuer, str):
            issuer = parse_profile(_resolve(resolver, issuer, "issuer"))
    except (DocumentError, KeyFormatError) as exc:
        raise JoseError(f"cannot check the signer: {exc}") from None
    if key.algorithm != "RSA":
        raise JoseError("the creator key is not an RSA key")
    _check_signature(token, key, "RS256")
    if key_doc.id != creator:
        raise JoseError("the key document's id is not the creator IRI")
    if key_doc.owner != issuer.id or creator not in issuer.public_key:
        raise JoseError("the signing key does not belong to the badge's issuer")
    return Ob2JwsResult(
        assertion=assertion, payload=payload, badge_class=badge, issuer=issuer, key=key_doc
    )
