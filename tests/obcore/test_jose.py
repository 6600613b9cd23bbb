"""VC-JWT (OB 3.0) and OB 2.0 signed assertions."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import pytest

from obcore.errors import JoseError, JwsSignatureError, JwtExpiredError, JwtNotYetValidError
from obcore.jose import (
    sign_ob2_assertion,
    sign_vc_jwt,
    vc_jwt_claims,
    verify_ob2_jws,
    verify_vc_jwt,
)
from obcore.keys import KeyPair, generate_key
from obcore.ob2 import BadgeClass, CryptographicKey, Profile
from obcore.ob3 import OpenBadgeCredential
from tests.obcore.test_ob2 import BADGE, ISSUER, assertion
from tests.obcore.test_ob3 import full_credential

pytestmark = pytest.mark.nodjango

ALGORITHMS = {"RSA": "RS256", "P-256": "ES256", "Ed25519": "EdDSA"}
KID = "https://badges.example/issuers/ateliers#key-1"
NOW = datetime(2026, 6, 1, tzinfo=UTC)


@cache
def key(algorithm: str, n: int = 0) -> KeyPair:
    return generate_key(algorithm)  # type: ignore[arg-type]


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forge(header: dict[str, Any], payload: dict[str, Any], signer: Any = None) -> str:
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"
    signature = signer(signing_input.encode()) if signer else b""
    return f"{signing_input}.{b64(signature)}"


def resolve(algorithm: str) -> Any:
    return lambda kid: key(algorithm).public_only() if kid == KID else None


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_round_trip(algorithm: str) -> None:
    credential = full_credential()
    token = sign_vc_jwt(credential, key(algorithm), kid=KID)
    result = verify_vc_jwt(token, resolve(algorithm), now=NOW)
    assert result.header == {"alg": ALGORITHMS[algorithm], "typ": "JWT", "kid": KID}
    assert result.credential == credential.to_json()
    assert result.claims == {
        "iss": "https://badges.example/issuers/ateliers",
        "jti": "urn:uuid:0f6a3a52-1c8e-4f7e-9b4e-3c1d2e5f6a7b",
        "nbf": int(datetime(2026, 3, 1, 10, tzinfo=UTC).timestamp()),
        "exp": int(datetime(2027, 3, 1, 10, tzinfo=UTC).timestamp()),
    }  # no sub: the subject has only an identifier
    assert result.vcdm == "2.0"


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_embedded_jwk(algorithm: str) -> None:
    token = sign_vc_jwt(full_credential(), key(algorithm), embed_jwk=True)
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert "d" not in header["jwk"]
    assert "kid" not in header
    with pytest.raises(JoseError, match="provenance"):
        verify_vc_jwt(token, resolve(algorithm), now=NOW)
    assert verify_vc_jwt(token, resolve(algorithm), now=NOW, allow_embedded_jwk=True)


def test_claims_follow_the_credential() -> None:
    document = full_credential().to_json()
    document["credentialSubject"]["id"] = "did:example:ada"
    assert vc_jwt_claims(document)["sub"] == "did:example:ada"
    with pytest.raises(JoseError, match="kid or an embedded jwk"):
        sign_vc_jwt(document, key("Ed25519"))
    with pytest.raises(JoseError, match="'jti'"):
        vc_jwt_claims({k: v for k, v in document.items() if k != "id"})


def test_tampering_and_wrong_key() -> None:
    token = sign_vc_jwt(full_credential(), key("RSA"), kid=KID)
    header, payload, signature = token.split(".")
    body = json.loads(base64.urlsafe_b64decode(payload + "=="))
    body["name"] = "Forged"
    tampered = f"{header}.{b64(json.dumps(body).encode())}.{signature}"
    with pytest.raises(JwsSignatureError):
        verify_vc_jwt(tampered, resolve("RSA"), now=NOW)
    with pytest.raises(JwsSignatureError):
        verify_vc_jwt(token, lambda kid: generate_key("RSA"), now=NOW)
    with pytest.raises(JoseError, match="does not match"):
        verify_vc_jwt(token, resolve("Ed25519"), now=NOW)


def test_alg_confusion() -> None:
    payload = {**full_credential().to_json(), **vc_jwt_claims(full_credential())}
    none = forge({"alg": "none", "kid": KID}, payload)
    with pytest.raises(JoseError, match="not allowed"):
        verify_vc_jwt(none, resolve("RSA"), now=NOW)
    secret = key("RSA").public_pem()
    hs256 = forge(
        {"alg": "HS256", "kid": KID},
        payload,
        lambda data: hmac.new(secret, data, hashlib.sha256).digest(),
    )
    with pytest.raises(JoseError, match="not allowed"):
        verify_vc_jwt(hs256, resolve("RSA"), now=NOW)
    with pytest.raises(JoseError, match="not allowed in a VC-JWT"):
        verify_vc_jwt(forge({"alg": "RS256", "kid": KID, "x5u": "x"}, payload), resolve("RSA"))
    with pytest.raises(JoseError, match="private key"):
        verify_vc_jwt(
            forge({"alg": "EdDSA", "jwk": key("Ed25519").to_private_jwk()}, payload),
            resolve("Ed25519"),
            allow_embedded_jwk=True,
        )
    for garbage in ("", "a.b", "!!.!!.!!", forge({"alg": "RS256"}, payload)):
        with pytest.raises(JoseError):
            verify_vc_jwt(garbage, resolve("RSA"), now=NOW)


def test_dates() -> None:
    token = sign_vc_jwt(full_credential(), key("P-256"), kid=KID)
    with pytest.raises(JwtExpiredError):
        verify_vc_jwt(token, resolve("P-256"), now=NOW + timedelta(days=400))
    with pytest.raises(JwtNotYetValidError):
        verify_vc_jwt(token, resolve("P-256"), now=datetime(2026, 3, 1, 9, 59, tzinfo=UTC))
    assert verify_vc_jwt(
        token, resolve("P-256"), now=datetime(2026, 3, 1, 9, 59, tzinfo=UTC), leeway=120
    )


def test_inconsistent_claims_are_refused() -> None:
    credential = full_credential().to_json()
    claims = vc_jwt_claims(credential)
    signer = key("Ed25519").sign
    for name, value in (("iss", "https://evil.example"), ("nbf", claims["nbf"] - 3600)):
        token = forge({"alg": "EdDSA", "kid": KID}, {**credential, **claims, name: value}, signer)
        with pytest.raises(JoseError, match=f"claim '{name}'"):
            verify_vc_jwt(token, resolve("Ed25519"), now=NOW)
    missing = forge({"alg": "EdDSA", "kid": KID}, credential, signer)
    with pytest.raises(JoseError, match="nbf"):
        verify_vc_jwt(missing, resolve("Ed25519"), now=NOW)


def test_vcdm_11_vc_claim() -> None:
    credential = full_credential().to_json()
    credential["@context"][0] = "https://www.w3.org/2018/credentials/v1"
    credential.pop("validFrom")
    claims = {"iss": credential["issuer"]["id"], "jti": credential["id"], "nbf": 1_772_359_200}
    token = forge(
        {"alg": "RS256", "typ": "JWT", "kid": KID}, {**claims, "vc": credential}, key("RSA").sign
    )
    result = verify_vc_jwt(token, resolve("RSA"), now=NOW)
    assert result.vcdm == "1.1"
    assert result.credential["issuanceDate"] == "2026-03-01T10:00:00Z"


def test_typed_credential_and_mapping_sign_the_same() -> None:
    credential: OpenBadgeCredential = full_credential()
    signer = key("Ed25519")  # Ed25519 signatures are deterministic
    assert sign_vc_jwt(credential, signer, kid=KID) == sign_vc_jwt(
        credential.to_json(), signer, kid=KID
    )


# --- OB 2.0 -----------------------------------------------------------------------------------

KEY_ID = ISSUER.public_key[0]


def documents(rsa: KeyPair, owner: str = ISSUER.id, issuer: Profile = ISSUER) -> Any:
    docs = {
        KEY_ID: CryptographicKey(
            id=KEY_ID, owner=owner, public_key_pem=rsa.public_pem().decode()
        ).to_json(),
        BADGE.id: BADGE.to_json(),
        ISSUER.id: issuer.to_json(),
    }
    return docs.get


def test_ob2_round_trip() -> None:
    token = sign_ob2_assertion(assertion(id="urn:uuid:1"), key("RSA"), KEY_ID)
    assert json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "==")) == {"alg": "RS256"}
    result = verify_ob2_jws(token, documents(key("RSA")))
    assert result.assertion.verification.creator == KEY_ID
    assert result.issuer == ISSUER
    assert result.badge_class == BADGE
    assert result.payload["verification"] == {"type": "SignedBadge", "creator": KEY_ID}


def test_ob2_key_provenance() -> None:
    token = sign_ob2_assertion(assertion(id="urn:uuid:1"), key("RSA"), KEY_ID)
    with pytest.raises(JoseError, match="does not belong"):
        verify_ob2_jws(token, documents(key("RSA"), owner="https://evil.example/issuer"))
    unlisted = Profile(id=ISSUER.id, name="x", url="https://x", email="a@x.example")
    with pytest.raises(JoseError, match="does not belong"):
        verify_ob2_jws(token, documents(key("RSA"), issuer=unlisted))
    with pytest.raises(JwsSignatureError):
        verify_ob2_jws(token, documents(generate_key("RSA")))
    with pytest.raises(JoseError, match="could not be resolved"):
        verify_ob2_jws(token, lambda iri: None)  # type: ignore[arg-type,return-value]
    with pytest.raises(JoseError, match="RSA key is required"):
        sign_ob2_assertion(assertion(), key("Ed25519"), KEY_ID)
    eddsa = forge({"alg": "EdDSA"}, assertion().to_json(), key("Ed25519").sign)
    with pytest.raises(JoseError, match="RS256"):
        verify_ob2_jws(eddsa, documents(key("RSA")))
    embedded = BadgeClass(**{f: getattr(BADGE, f) for f in BADGE.__dataclass_fields__})
    token = sign_ob2_assertion(assertion(badge=embedded), key("RSA"), KEY_ID)
    assert verify_ob2_jws(token, documents(key("RSA"))).badge_class == BADGE
