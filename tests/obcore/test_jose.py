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
        with pytest.raises(JoseError, match=f"claim {name} disagrees"):
            verify_vc_jwt(token, resolve("Ed25519"), now=NOW)
    missing = forge({"alg": "EdDSA", "kid": KID}, credential, signer)
    with pytest.raises(JoseError, match="nbf"):
        verify_vc_jwt(missing, resolve("Ed25519"), now=NOW)


def with_subject_id(subject_id: str) -> dict[str, Any]:
    credential = full_credential().to_json()
    credential["credentialSubject"]["id"] = subject_id
    return credential


def test_issued_vc_jwts_carry_sub_for_a_subject_id() -> None:
    token = sign_vc_jwt(with_subject_id("did:example:ada"), key("Ed25519"), kid=KID)
    payload = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    assert payload["sub"] == "did:example:ada"
    assert verify_vc_jwt(token, resolve("Ed25519"), now=NOW).claims["sub"] == "did:example:ada"
    # a subject known only by identifier entries has no id: no sub
    plain = sign_vc_jwt(full_credential(), key("Ed25519"), kid=KID)
    assert "sub" not in json.loads(base64.urlsafe_b64decode(plain.split(".")[1] + "=="))


@pytest.mark.parametrize(
    ("credential", "sub"),
    [
        (with_subject_id("did:example:ada"), "did:example:eve"),  # another subject
        (full_credential().to_json(), "did:example:eve"),  # a sub, and no subject id
    ],
)
def test_a_sub_that_is_not_the_subject_id_is_refused(credential: dict[str, Any], sub: str) -> None:
    claims = {**vc_jwt_claims(credential), "sub": sub}
    token = forge({"alg": "EdDSA", "kid": KID}, {**credential, **claims}, key("Ed25519").sign)
    with pytest.raises(JoseError, match="sub claim"):
        verify_vc_jwt(token, resolve("Ed25519"), now=NOW)


def test_vcdm_11_sub_stands_for_the_subject_id() -> None:
    credential = full_credential().to_json()
    credential["@context"][0] = "https://www.w3.org/2018/credentials/v1"
    credential.pop("validFrom")
    claims = {
        "iss": credential["issuer"]["id"],
        "jti": credential["id"],
        "nbf": 1_772_359_200,
        "sub": "did:example:ada",
    }
    token = forge({"alg": "EdDSA", "kid": KID}, {**claims, "vc": credential}, key("Ed25519").sign)
    result = verify_vc_jwt(token, resolve("Ed25519"), now=NOW)
    assert result.credential["credentialSubject"]["id"] == "did:example:ada"


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


# --- the rules, one by one --------------------------------------------------------------------


def payload_of(credential: Any) -> dict[str, Any]:
    data = credential.to_json() if hasattr(credential, "to_json") else dict(credential)
    return {**data, **vc_jwt_claims(data)}


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ({"alg": "EdDSA", "kid": KID, "typ": "JOSE"}, "typ header must be JWT"),
        # OB 3.0 VC-JWT: "typ ... MUST be JWT"; the media type of VC-JOSE-COSE is refused too
        ({"alg": "EdDSA", "kid": KID, "typ": "vc+jwt"}, "typ header must be JWT"),
        ({"alg": "EdDSA", "kid": KID, "cty": "vc"}, "not allowed in a VC-JWT: cty"),
        ({"alg": "EdDSA", "kid": KID, "x5u": "https://evil.example/"}, "not allowed"),
        ({"alg": "EdDSA", "kid": ""}, "kid must be a non-empty string"),
        ({"alg": "EdDSA", "kid": 7}, "kid must be a non-empty string"),
        (
            {"alg": "EdDSA", "kid": KID, "jwk": {"kty": "OKP", "crv": "Ed25519", "x": "AA"}},
            "header key",
        ),
        ({"alg": "EdDSA", "kid": KID, "jwk": key("Ed25519", 1).to_public_jwk()}, "not the key"),
    ],
)
def test_header_rules(header: dict[str, Any], message: str) -> None:
    token = forge(header, payload_of(full_credential()), key("Ed25519").sign)
    with pytest.raises(JoseError, match=message):
        verify_vc_jwt(token, resolve("Ed25519"), now=NOW)


def test_vc_and_typ_variants_that_are_allowed() -> None:
    payload = payload_of(full_credential())
    for header in (
        {"alg": "EdDSA", "kid": KID, "typ": "JWT"},
        {"alg": "EdDSA", "kid": KID},
        {"alg": "EdDSA", "kid": KID, "jwk": key("Ed25519").to_public_jwk()},
    ):
        token = forge(header, payload, key("Ed25519").sign)
        assert verify_vc_jwt(token, resolve("Ed25519"), now=NOW).header == header


def test_a_resolved_key_that_is_unusable() -> None:
    token = sign_vc_jwt(full_credential(), key("Ed25519"), kid=KID)
    with pytest.raises(JoseError, match=r"kid .* key is unusable"):
        verify_vc_jwt(token, lambda kid: {"kty": "OKP", "crv": "X25519", "x": "AA"}, now=NOW)


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"[1, 2]", "must be a JSON object"),
        (b"not json", "payload is refused"),
        (b'{"iss": "a", "iss": "b"}', "twice"),
    ],
)
def test_payloads_that_are_not_credentials(payload: bytes, message: str) -> None:
    signing_input = f"{b64(json.dumps({'alg': 'EdDSA', 'kid': KID}).encode())}.{b64(payload)}"
    token = f"{signing_input}.{b64(key('Ed25519').sign(signing_input.encode()))}"
    with pytest.raises(JoseError, match=message):
        verify_vc_jwt(token, resolve("Ed25519"), now=NOW)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"nbf": "2026-03-01"}, "must be a NumericDate"),
        ({"exp": True}, "must be a NumericDate"),
        ({"jti": None}, "'jti' claim is required"),
    ],
)
def test_claim_types(change: dict[str, Any], message: str) -> None:
    payload = {**payload_of(full_credential()), **change}
    payload = {k: v for k, v in payload.items() if v is not None}
    if "exp" in change:
        payload["validUntil"] = "2030-01-01T00:00:00Z"
    token = forge({"alg": "EdDSA", "kid": KID}, payload, key("Ed25519").sign)
    with pytest.raises(JoseError, match=message):
        verify_vc_jwt(token, resolve("Ed25519"), now=NOW)


def test_absurd_numeric_dates() -> None:
    """VCDM 1.1: nbf stands for a missing issuanceDate, and must make a date."""
    credential = full_credential().to_json()
    credential.pop("validFrom")
    claims = {"iss": credential["issuer"]["id"], "jti": credential["id"], "nbf": 10**30}
    token = forge({"alg": "EdDSA", "kid": KID}, {**claims, "vc": credential}, key("Ed25519").sign)
    with pytest.raises(JoseError, match="out of range"):
        verify_vc_jwt(token, resolve("Ed25519"), now=NOW)


def test_credentials_that_cannot_be_signed() -> None:
    with pytest.raises(JoseError, match="must be a JSON object"):
        sign_vc_jwt(["not", "an", "object"], key("Ed25519"), kid=KID)  # type: ignore[arg-type]
    with pytest.raises(JoseError, match="validFrom"):
        sign_vc_jwt({**full_credential().to_json(), "validFrom": "soon"}, key("Ed25519"), kid=KID)
    with pytest.raises(JoseError, match="'jti' claim"):
        sign_vc_jwt({**full_credential().to_json(), "id": None}, key("Ed25519"), kid=KID)
    with pytest.raises(JoseError, match="kid or an embedded jwk"):
        sign_vc_jwt(full_credential(), key("Ed25519"))
    with pytest.raises(JoseError, match="no private half"):
        sign_vc_jwt(full_credential(), key("Ed25519").public_only(), kid=KID)


def test_subjects_in_a_list_give_no_sub_claim() -> None:
    credential = full_credential().to_json()
    credential["credentialSubject"] = [credential["credentialSubject"], {"id": "did:example:2"}]
    assert "sub" not in vc_jwt_claims(credential)
    credential["credentialSubject"] = {"id": "did:example:1", "type": ["AchievementSubject"]}
    assert vc_jwt_claims(credential)["sub"] == "did:example:1"


def test_the_registry_refuses_algorithms_outside_the_allow_list() -> None:
    from obcore.jose import _registry

    with pytest.raises(JoseError, match="'ES256' is not allowed here"):
        _registry("EdDSA").get_alg("ES256")


def test_ob2_signed_assertions_that_cannot_be_trusted() -> None:
    rsa = key("RSA")
    resolve_docs = documents(rsa)
    hosted = assertion(id="urn:uuid:1").to_json()
    hosted["verification"] = {"type": "HostedBadge"}
    token = forge({"alg": "RS256"}, hosted, rsa.sign)
    with pytest.raises(JoseError, match="SignedBadge with a creator"):
        verify_ob2_jws(token, resolve_docs)
    broken = forge({"alg": "RS256"}, {"type": "Assertion"}, rsa.sign)
    with pytest.raises(JoseError, match="the signed assertion is invalid"):
        verify_ob2_jws(broken, resolve_docs)
    signing_input = f"{b64(json.dumps({'alg': 'RS256'}).encode())}.{b64(b'{not json')}"
    not_json = f"{signing_input}.{b64(rsa.sign(signing_input.encode()))}"
    with pytest.raises(JoseError, match="payload is refused"):
        verify_ob2_jws(not_json, resolve_docs)
    token = sign_ob2_assertion(assertion(id="urn:uuid:1"), rsa, KEY_ID)
    p256 = generate_key("P-256")
    with pytest.raises(JoseError, match="not an RSA key"):
        verify_ob2_jws(token, documents(p256))
    bad_pem = dict(documents(rsa)(KEY_ID))
    bad_pem["publicKeyPem"] = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"
    with pytest.raises(JoseError, match="cannot check the signer"):
        verify_ob2_jws(
            token, {KEY_ID: bad_pem, BADGE.id: BADGE.to_json(), ISSUER.id: ISSUER.to_json()}.get
        )
    wrong_id = {**documents(rsa)(KEY_ID), "id": "https://badges.example/keys/other"}
    with pytest.raises(JoseError, match="not the creator IRI"):
        verify_ob2_jws(
            token, {KEY_ID: wrong_id, BADGE.id: BADGE.to_json(), ISSUER.id: ISSUER.to_json()}.get
        )
    embedded_issuer = BadgeClass(
        **{**{f: getattr(BADGE, f) for f in BADGE.__dataclass_fields__}, "issuer": ISSUER}
    )
    token = sign_ob2_assertion(assertion(badge=embedded_issuer), rsa, KEY_ID)
    assert verify_ob2_jws(token, documents(rsa)).issuer == ISSUER
