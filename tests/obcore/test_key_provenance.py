"""Key provenance for Data Integrity proofs: how the verification method is found, which
documents must vouch for it, and what each failure is reported as."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pytest

from obcore.errors import KeyUnavailableError, ProofError
from obcore.keys import KeyPair, did_key, generate_key
from obcore.proofs.data_integrity import resolve_method, sign, verify
from tests.obcore.test_verify import credential

pytestmark = pytest.mark.nodjango
ISSUER = "https://issuer.example/i"
METHOD = f"{ISSUER}#key-1"


@pytest.fixture(scope="module")
def key() -> KeyPair:
    return generate_key()


@pytest.fixture(scope="module")
def signed(key: KeyPair) -> dict[str, Any]:
    return sign(credential(ISSUER), key, verification_method=METHOD)


def method(key: KeyPair, **extra: Any) -> dict[str, Any]:
    return {
        "id": METHOD,
        "type": "Multikey",
        "controller": ISSUER,
        "publicKeyMultibase": key.to_multikey(),
        **extra,
    }


def resolver(documents: Mapping[str, Any]) -> Callable[[str], Mapping[str, Any]]:
    return lambda url: documents[url]


def test_a_method_listed_by_reference_in_its_controller(key: KeyPair, signed: Any) -> None:
    """The method served at its own URL; the controller lists it by id only."""
    documents = {
        METHOD: method(key),
        ISSUER: {"id": ISSUER, "assertionMethod": ["https://issuer.example/i#other", METHOD]},
    }
    result = verify(signed, resolver(documents))
    assert result.verified, result.problems
    assert result.controller == ISSUER


def test_an_ed25519_key_published_as_a_jwk(key: KeyPair, signed: Any) -> None:
    jwk_method = {
        "id": METHOD,
        "type": "JsonWebKey",
        "controller": ISSUER,
        "publicKeyJwk": key.to_public_jwk(),
    }
    documents = {ISSUER: {"id": ISSUER, "assertionMethod": [jwk_method]}}
    assert verify(signed, resolver(documents)).verified


@pytest.mark.parametrize(
    ("change", "message", "unverifiable"),
    [
        (lambda m: m.pop("controller"), "names no controller", False),
        (lambda m: m.pop("publicKeyMultibase"), "has no usable public key", False),
        (
            lambda m: m.update(publicKeyMultibase=generate_key("P-256").to_multikey()),
            "is not an Ed25519 key",
            False,
        ),
        (lambda m: m.update(controller="https://unknown.example/"), "cannot be fetched", True),
        (
            lambda m: m.update(controller="https://other.example/"),
            "does not list",
            False,
        ),
    ],
)
def test_methods_that_do_not_vouch_for_themselves(
    key: KeyPair, signed: Any, change: Any, message: str, unverifiable: bool
) -> None:
    served = method(key)
    change(served)
    documents = {
        METHOD: served,
        ISSUER: {"id": ISSUER, "assertionMethod": [METHOD]},
        "https://other.example/": {"id": "https://other.example/", "assertionMethod": []},
    }
    result = verify(signed, resolver(documents))
    assert not result.verified
    assert message in result.problems[0]
    assert result.unverifiable is unverifiable


def test_a_method_the_controller_holds_for_another_purpose(key: KeyPair, signed: Any) -> None:
    """Embedded in the controller document, but as an authentication key only."""
    documents = {
        ISSUER: {
            "id": ISSUER,
            "verificationMethod": [method(key)],
            "authentication": [METHOD],
            "assertionMethod": [{"id": "https://issuer.example/i#other"}],
        }
    }
    result = verify(signed, resolver(documents))
    assert not result.verified
    assert f"does not list {METHOD} among its assertionMethod keys" in result.problems[0]
    key_doc, controller = resolve_method(METHOD, resolver(documents), "authentication")
    assert (key_doc.to_multikey(), controller) == (key.to_multikey(), ISSUER)


def test_resolver_failures_are_collected(key: KeyPair) -> None:
    def failing(url: str) -> Mapping[str, Any]:
        raise ProofError(f"{url} is down")

    with pytest.raises(KeyUnavailableError, match=r"cannot be found \(.*is down; .*is down\)"):
        resolve_method(METHOD, failing)
    with pytest.raises(KeyUnavailableError, match="cannot be found"):
        resolve_method(METHOD, resolver({METHOD: {"id": "https://elsewhere.example/"}}))


@pytest.mark.parametrize(
    ("expires", "verified"),
    [("2099-01-01T00:00:00Z", True), ("2020-01-01T00:00:00Z", False)],
)
def test_a_proof_made_to_expire(key: KeyPair, expires: str, verified: bool) -> None:
    issuer = did_key(key)
    document = sign(
        credential(issuer),
        key,
        verification_method=f"{issuer}#{key.to_multikey()}",
        expires=expires,
    )
    assert document["proof"]["expires"] == expires
    result = verify(document)
    assert result.verified is verified, result.problems
    if not verified:
        assert "expired" in result.problems[0]


@pytest.mark.parametrize("created", ["2026-13-45T25:61:00Z", "2026-02-30T10:00:00+01:00"])
def test_created_that_looks_like_a_date_but_is_not(key: KeyPair, created: str) -> None:
    issuer = did_key(key)
    document = sign(credential(issuer), key, verification_method=f"{issuer}#{key.to_multikey()}")
    document["proof"]["created"] = created
    result = verify(document)
    assert "created time is not a date-time" in result.problems[0]
