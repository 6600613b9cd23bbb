"""VC-JWT interop with panva/jose (Node), both directions.

Digital Bazaar's stack does not do VC-JWT, so the harness checks VC-JWTs with ``jose`` and its
own, independent reading of the OB 3.0 claim rules (``iss`` = issuer id, ``jti`` = credential
id, ``nbf`` = validFrom, ``sub`` = credentialSubject.id when present, ``exp`` = validUntil).
Every case goes to one Node process (the harness's ``batch`` action).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from obcore.errors import JoseError
from obcore.fetch import StaticFetcher
from obcore.jose import sign_vc_jwt, verify_vc_jwt
from obcore.keys import Algorithm, KeyPair, did_key, generate_key
from obcore.verify import State, verify_credential
from tests.interop.test_digitalbazaar import credential

NOW = datetime(2026, 6, 1, tzinfo=UTC)
NOW_TEXT = "2026-06-01T00:00:00Z"
HTTPS_ISSUER = "https://badges.example/issuers/jose"
ALGORITHMS: tuple[Algorithm, ...] = ("Ed25519", "RSA", "P-256")
HEADERS = ("kid", "jwk", "kid+jwk")


@pytest.fixture(scope="module")
def keys() -> dict[str, KeyPair]:
    return {algorithm: generate_key(algorithm) for algorithm in ALGORITHMS}


@pytest.fixture(scope="module")
def node(digitalbazaar: Any) -> Callable[[list[dict[str, Any]]], list[dict[str, Any]]]:
    """Send many requests to the harness in one Node process."""

    def batch(requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
        answer = digitalbazaar({"action": "batch", "requests": requests})
        answers: list[dict[str, Any]] = answer["answers"]
        return answers

    return batch


def cases() -> Iterator[tuple[Algorithm, str, str]]:
    for algorithm in ALGORITHMS:
        for issuer_kind in ("https", "did:key"):
            if issuer_kind == "did:key" and algorithm == "RSA":
                continue  # did:key has no RSA keys
            for header in HEADERS:
                yield algorithm, issuer_kind, header


CASES = list(cases())


def issuer_and_kid(key: KeyPair, issuer_kind: str) -> tuple[str, str]:
    if issuer_kind == "did:key":
        issuer = did_key(key)
        return issuer, f"{issuer}#{key.to_multikey()}"
    return HTTPS_ISSUER, f"{HTTPS_ISSUER}/keys/{key.algorithm.lower()}"


def subject_credential(issuer: str, number: int) -> dict[str, Any]:
    """A credential that uses every claim: sub (subject id) and exp (validUntil) too."""
    document = credential(issuer)
    document["id"] = f"urn:uuid:0f6a3a52-1c8e-4f7e-9b4e-{number:012d}"
    document["credentialSubject"]["id"] = f"did:example:learner-{number}"
    if number % 2:
        document["validUntil"] = "2030-01-01T00:00:00Z"
    return document


def key_documents(keys: dict[str, KeyPair]) -> dict[str, tuple[str, bytes]]:
    """The https issuer's key documents (JsonWebKey, controller = issuer) and its controller
    document listing them (what makes a header ``jwk`` alone acceptable)."""
    documents: dict[str, tuple[str, bytes]] = {}
    methods = []
    for key in keys.values():
        _issuer, kid = issuer_and_kid(key, "https")
        method = {
            "id": kid,
            "type": "JsonWebKey",
            "controller": HTTPS_ISSUER,
            "publicKeyJwk": key.to_public_jwk(),
        }
        methods.append(method)
        documents[kid] = ("application/json", json.dumps(method).encode())
    controller = {"id": HTTPS_ISSUER, "verificationMethod": methods}
    documents[HTTPS_ISSUER] = ("application/json", json.dumps(controller).encode())
    return documents


def header_of(token: str) -> dict[str, Any]:
    part = token.split(".")[0]
    header: dict[str, Any] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return header


def test_obcore_vc_jwts_verify_with_jose(keys: dict[str, KeyPair], node: Any) -> None:
    requests, expected = [], []
    for number, (algorithm, issuer_kind, header) in enumerate(CASES):
        key = keys[algorithm]
        issuer, kid = issuer_and_kid(key, issuer_kind)
        document = subject_credential(issuer, number)
        token = sign_vc_jwt(
            document, key, kid=kid if "kid" in header else None, embed_jwk="jwk" in header
        )
        assert set(header_of(token)) == {"alg", "typ", *header.split("+")}
        # A kid names a key the verifier looks up: here, the public JWK. A jwk alone: jose's
        # EmbeddedJWK, as a verifier would use it.
        jwk = key.to_public_jwk() if "kid" in header else None
        requests.append({"action": "jwt_verify", "token": token, "jwk": jwk, "now": NOW_TEXT})
        expected.append(document)
    answers = node(requests)
    for case, document, answer in zip(CASES, expected, answers, strict=True):
        assert answer["verified"], (case, answer)
        assert answer["credential"] == document, case
        assert answer["claims"]["iss"] == document["issuer"]["id"]
        assert answer["claims"]["jti"] == document["id"]
        assert answer["claims"]["sub"] == document["credentialSubject"]["id"]
        assert answer["claims"]["nbf"] == int(datetime(2026, 3, 1, 10, tzinfo=UTC).timestamp())
        assert ("exp" in answer["claims"]) is ("validUntil" in document)
        assert (
            answer["header"]["alg"]
            == {"Ed25519": "EdDSA", "RSA": "RS256", "P-256": "ES256"}[case[0]]
        )


def _jws(header: dict[str, Any], payload: dict[str, Any], key: KeyPair) -> str:
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"
    return f"{signing_input}.{b64(key.sign(signing_input.encode()))}"


def test_jose_refuses_what_obcore_refuses(keys: dict[str, KeyPair], node: Any) -> None:
    """The Node side is a real verifier: the same faults fail on both sides."""
    key, other = keys["Ed25519"], keys["P-256"]
    issuer, kid = issuer_and_kid(key, "https")
    document = subject_credential(issuer, 1)
    good = sign_vc_jwt(document, key, kid=kid)
    payload = json.loads(base64.urlsafe_b64decode(good.split(".")[1] + "=="))
    header = {"alg": "EdDSA", "typ": "JWT", "kid": kid}
    faults = {
        "tampered": good[:-6] + ("AAAAAA" if not good.endswith("AAAAAA") else "BBBBBB"),
        "wrong jti": _jws(header, {**payload, "jti": "urn:uuid:other"}, key),
        "wrong iss": _jws(header, {**payload, "iss": "https://evil.example/"}, key),
        "wrong sub": _jws(header, {**payload, "sub": "did:example:someone-else"}, key),
        "nbf moved": _jws(header, {**payload, "nbf": payload["nbf"] - 3600}, key),
        "no nbf": _jws(header, {k: v for k, v in payload.items() if k != "nbf"}, key),
        "expired": _jws(
            header, {**payload, "validUntil": "2026-05-01T00:00:00Z", "exp": 1777593600}, key
        ),
        "alg none": _jws({"alg": "none", "kid": kid}, payload, key).rsplit(".", 1)[0] + ".",
        "alg mismatch": _jws({**header, "alg": "ES256"}, payload, key),
        "extra header": _jws({**header, "crit": ["exp"]}, payload, key),
        "other key": sign_vc_jwt(document, other, kid=kid),
    }
    requests = [
        {"action": "jwt_verify", "token": token, "jwk": key.to_public_jwk(), "now": NOW_TEXT}
        for token in faults.values()
    ]
    for name, answer in zip(faults, node(requests), strict=True):
        assert answer["verified"] is False, name
        with pytest.raises(JoseError):
            verify_vc_jwt(faults[name], lambda _kid: key, now=NOW)
    assert verify_vc_jwt(good, lambda _kid: key, now=NOW).credential == document


def test_jose_vc_jwts_verify_with_obcore(keys: dict[str, KeyPair], node: Any) -> None:
    requests, documents = [], []
    for number, (algorithm, issuer_kind, header) in enumerate(CASES):
        key = keys[algorithm]
        issuer, kid = issuer_and_kid(key, issuer_kind)
        document = subject_credential(issuer, number)
        requests.append(
            {
                "action": "jwt_sign",
                "credential": document,
                "jwk": key.to_private_jwk(),
                "kid": kid if "kid" in header else None,
                "embed_jwk": "jwk" in header,
            }
        )
        documents.append(document)
    fetcher = StaticFetcher(key_documents(keys))
    for case, document, answer in zip(CASES, documents, node(requests), strict=True):
        token = answer["token"]
        algorithm, issuer_kind, header = case
        assert set(header_of(token)) == {"alg", "typ", *header.split("+")}, case
        key = keys[algorithm]
        result = verify_vc_jwt(
            token, lambda _kid, key=key: key.to_public_jwk(), now=NOW, allow_embedded_jwk=True
        )
        assert result.credential == document, case
        assert result.claims["sub"] == document["credentialSubject"]["id"]
        # The whole pipeline: key lookup by kid (key document, or did:key offline), or the
        # header jwk checked against the issuer's own document; then dates and status.
        report = verify_credential(token, now=NOW, fetcher=fetcher)
        assert report.state is State.VALID, (case, report.checks)
        assert (report.input_format, report.version) == ("jws", "3.0")
        assert report.credential == document


def test_jose_vc_jwt_from_a_key_the_issuer_does_not_hold_is_refused(
    keys: dict[str, KeyPair], node: Any
) -> None:
    stranger = generate_key("P-256")
    document = subject_credential(HTTPS_ISSUER, 7)
    tokens = node(
        [
            {
                "action": "jwt_sign",
                "credential": document,
                "jwk": stranger.to_private_jwk(),
                "embed_jwk": True,
            },
            {
                "action": "jwt_sign",
                "credential": subject_credential(did_key(keys["P-256"]), 8),
                "jwk": stranger.to_private_jwk(),
                "embed_jwk": True,
            },
        ]
    )
    fetcher = StaticFetcher(key_documents(keys))
    for answer in tokens:
        report = verify_credential(answer["token"], now=NOW, fetcher=fetcher)
        assert report.state is State.INVALID
        assert "not a key of the issuer" in report.checks[-1].en
