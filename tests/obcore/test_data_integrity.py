"""Data Integrity EdDSA proofs: the published test vectors byte for byte, and verification."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from obcore.errors import ProofError, SafeModeError
from obcore.jsonld import canonicalize
from obcore.keys import did_key, generate_key, key_from_multikey, multikey_document
from obcore.proofs.data_integrity import sign, verify

pytestmark = pytest.mark.nodjango
VECTORS = Path(__file__).parent / "vectors"

W3C_SECRET = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"
W3C_PUBLIC = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
W3C_VM = f"did:key:{W3C_PUBLIC}#{W3C_PUBLIC}"
OB3_SEED = "6241a409e6707bb640a0140a8a32bc3d193c33a661747284d6adfa4ed4180be4"
OB3_VM = "https://example.edu/issuers/565049#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((VECTORS / name).read_text())
    return data


def ob3_key():  # type: ignore[no-untyped-def]
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from obcore.keys import KeyPair

    private = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(OB3_SEED))
    return KeyPair("Ed25519", private.public_key(), private)


def test_w3c_eddsa_rdfc_2022_vector() -> None:
    unsigned = load("w3c-alumni-unsigned.json")
    assert (
        hashlib.sha256(canonicalize(unsigned).encode()).hexdigest()
        == "517744132ae165a5349155bef0bb0cf2258fff99dfe1dbd914b938d775a36017"
    )
    signed = sign(
        unsigned,
        key_from_multikey(W3C_SECRET),
        verification_method=W3C_VM,
        created="2023-02-24T23:36:38Z",
    )
    assert signed["proof"] == {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2023-02-24T23:36:38Z",
        "verificationMethod": W3C_VM,
        "proofPurpose": "assertionMethod",
        "proofValue": "z2YwC8z3ap7yx1nZYCg4L3j3ApHsF8kgPdSb5xoS1VR7vPG3F561B52hYnQF9iseabecm3ijx4K1"
        "FBTQsCZahKZme",
    }
    assert {k: v for k, v in signed.items() if k != "proof"} == unsigned  # untouched
    result = verify(signed, check_controller=False)
    assert result.verified, result.problems


def test_w3c_eddsa_jcs_2022_vector() -> None:
    signed = sign(
        load("w3c-alumni-unsigned.json"),
        key_from_multikey(W3C_SECRET),
        verification_method=W3C_VM,
        created="2023-02-24T23:36:38Z",
        cryptosuite="eddsa-jcs-2022",
    )
    assert signed["proof"]["proofValue"] == (
        "z2HnFSSPPBzR36zdDgK8PbEHeXbR56YF24jwMpt3R1eHXQzJDMWS93FCzpvJpwTWd3GAVFuUfjoJdcnTMuVor51aX"
    )
    assert verify(signed, check_controller=False).verified


def test_1edtech_ob3_vector() -> None:
    credential = load("1edtech-ob3-unsigned.json")
    assert (
        hashlib.sha256(canonicalize(credential).encode()).hexdigest()
        == "87f65a76d40146205e3b3e06cb0fbd153f97f9ce70372390f52566bb7f9e0773"
    )
    signed = sign(credential, ob3_key(), verification_method=OB3_VM, created="2010-01-01T19:23:24Z")
    assert signed["proof"]["proofValue"] == (
        "z5x9aCBYovW3CQCbKdNyhEm7ffYSw1YpEdPywQJoNbzDD2gkzQDKJ1sYKJaWvqZtkMtSbz35HcbgXVEDYHxCzgkCr"
    )
    issuer = "https://example.edu/issuers/565049"
    documents = {issuer: controller_document(issuer, ob3_key())}
    result = verify(signed, documents.__getitem__)
    assert result.verified, result.problems
    assert result.controller == issuer


def controller_document(issuer: str, key: Any) -> dict[str, Any]:
    method = multikey_document(key, id=f"{issuer}#{key.to_multikey()}", controller=issuer)
    method.pop("@context")
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": issuer,
        "verificationMethod": [method],
        "assertionMethod": [method["id"]],
    }


def fresh_credential(issuer: str) -> dict[str, Any]:
    credential = load("1edtech-ob3-unsigned.json")
    credential["issuer"]["id"] = issuer
    return credential


def test_did_key_issuer_round_trip_and_tampering() -> None:
    key = generate_key()
    issuer = did_key(key)
    signed = sign(
        fresh_credential(issuer), key, verification_method=f"{issuer}#{key.to_multikey()}"
    )
    assert verify(signed).verified
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["achievement"]["name"] = "Leadership"
    result = verify(tampered)
    assert not result.verified
    assert "altered" in result.problems[0]


def test_key_of_someone_else_is_refused() -> None:
    """Key provenance: a valid signature by a key the issuer does not control is not enough."""
    key = generate_key()
    signer = did_key(key)
    signed = sign(
        fresh_credential("https://victim.example/issuer"),
        key,
        verification_method=f"{signer}#{key.to_multikey()}",
    )
    result = verify(signed)
    assert not result.verified
    assert "not to the issuer" in result.problems[0]


def test_unknown_method_and_resolver_failures() -> None:
    key = generate_key()
    signed = sign(
        fresh_credential("https://issuer.example/i"),
        key,
        verification_method="https://issuer.example/i#key-1",
    )
    result = verify(signed)  # the default resolver knows only did:key
    assert not result.verified
    assert "cannot be found" in result.problems[0]
    other = controller_document("https://issuer.example/i", generate_key())
    result = verify(signed, {"https://issuer.example/i": other}.__getitem__)
    assert not result.verified


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p: p.pop("proofValue"), "malformed"),
        (lambda p: p.update(proofPurpose="authentication"), "purpose"),
        (lambda p: p.update(cryptosuite="ecdsa-rdfc-2019"), "Unsupported"),
        (lambda p: p.update(proofValue="zzzz"), "altered"),
        (lambda p: p.update(proofValue="z0OIl"), "base58"),
    ],
)
def test_malformed_proofs_fail_cleanly(change: Any, message: str) -> None:
    key = generate_key()
    issuer = did_key(key)
    signed = sign(
        fresh_credential(issuer), key, verification_method=f"{issuer}#{key.to_multikey()}"
    )
    change(signed["proof"])
    result = verify(signed)
    assert not result.verified
    assert message in result.problems[0]


def test_no_proof() -> None:
    assert verify({"@context": []}).problems == ["The credential has no proof."]


def test_signing_refuses_undefined_terms_and_bad_input() -> None:
    key = generate_key()
    credential = fresh_credential(did_key(key))
    credential["credentialSubject"]["favouriteColour"] = "blue"
    with pytest.raises(SafeModeError, match="favouriteColour"):
        sign(credential, key, verification_method="did:key:x#y")
    with pytest.raises(ProofError):
        sign(fresh_credential("x"), generate_key("P-256"), verification_method="v")
    with pytest.raises(ProofError):
        sign(fresh_credential("x"), key, verification_method="v", cryptosuite="nope")


# --- Published signed vectors: verification, and the JCS proof shape --------------------------


@pytest.mark.parametrize(
    "name",
    [
        "w3c-eddsa-rdfc-2022-signed.json",
        "w3c-eddsa-jcs-2022-signed.json",
        "w3c-ed25519signature2020-signed.json",  # legacy suite: verify only
    ],
)
def test_w3c_signed_vectors_verify_and_tampering_fails(name: str) -> None:
    signed = load(name)
    result = verify(signed, check_controller=False)
    assert result.verified, result.problems
    assert result.controller == f"did:key:{W3C_PUBLIC}"
    signed["credentialSubject"]["alumniOf"] = "Another School"
    assert not verify(signed, check_controller=False).verified


def test_w3c_key_pair_file_matches() -> None:
    pair = load("w3c-keypair.json")
    assert key_from_multikey(pair["privateKeyMultibase"]).to_multikey() == W3C_PUBLIC
    assert pair["publicKeyMultibase"] == W3C_PUBLIC


def test_jcs_proof_is_the_published_one() -> None:
    """eddsa-jcs-2022 keeps the document's @context in the proof, exactly as signedJCS.json."""
    expected = load("w3c-eddsa-jcs-2022-signed.json")
    signed = sign(
        load("w3c-alumni-unsigned.json"),
        key_from_multikey(W3C_SECRET),
        verification_method=W3C_VM,
        created="2023-02-24T23:36:38Z",
        cryptosuite="eddsa-jcs-2022",
    )
    assert signed == expected
    assert list(signed["proof"]) == list(expected["proof"])


def test_jcs_proof_context_must_prefix_the_document_context() -> None:
    signed = load("w3c-eddsa-jcs-2022-signed.json")
    signed["@context"] = list(reversed(signed["@context"]))
    result = verify(signed, check_controller=False)
    assert not result.verified
    assert "does not start with the proof's @context" in result.problems[0]


def test_jcs_refuses_values_json_cannot_carry() -> None:
    document = load("w3c-alumni-unsigned.json")
    document["credentialSubject"]["count"] = 2**60  # beyond the I-JSON integer range
    with pytest.raises(ProofError, match="JCS"):
        sign(
            document,
            key_from_multikey(W3C_SECRET),
            verification_method=W3C_VM,
            cryptosuite="eddsa-jcs-2022",
        )


def test_1edtech_clr_vector() -> None:
    """ClrCredential from 1EdTech's linked-data-proof-clr.html: the CLR 2.0.1 context is the
    published one (document hash), and the outer and inner proofs reproduce and verify."""
    signed = load("1edtech-clr2-signed.json")
    unsigned = {k: v for k, v in signed.items() if k != "proof"}
    assert (
        hashlib.sha256(canonicalize(unsigned).encode()).hexdigest()
        == "768d7015ae69e0210e1c2a45194d9c1d15d7a6022e52b946574a2a27f6fa85fe"
    )
    again = sign(unsigned, ob3_key(), verification_method=OB3_VM, created="2010-01-01T19:23:24Z")
    assert again["proof"]["proofValue"] == signed["proof"][0]["proofValue"]
    issuer = "https://example.edu/issuers/565049"
    documents = {issuer: controller_document(issuer, ob3_key())}
    assert verify(signed, documents.__getitem__).verified
    (inner,) = signed["credentialSubject"]["verifiableCredential"]
    assert verify(inner, documents.__getitem__).verified


def test_legacy_eddsa_2022_verifies() -> None:
    """``eddsa-2022`` is eddsa-rdfc-2022 under its pre-standard name: same algorithm."""
    from obcore.keys import b58encode
    from obcore.proofs.data_integrity import _hash_data

    key = generate_key()
    issuer = did_key(key)
    document = fresh_credential(issuer)
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-2022",
        "created": "2023-02-24T23:36:38Z",
        "verificationMethod": f"{issuer}#{key.to_multikey()}",
        "proofPurpose": "assertionMethod",
    }
    config = {**proof, "@context": document["@context"]}
    value = "z" + b58encode(key.sign(_hash_data(document, config, "eddsa-rdfc-2022")))
    signed = {**document, "proof": {**proof, "proofValue": value}}
    result = verify(signed)
    assert result.verified, result.problems
    assert result.cryptosuite == "eddsa-2022"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"created": "yesterday"}, "created time"),
        ({"created": "2023-02-24T23:36:38"}, "created time"),  # no time zone
        ({"expires": "2001-01-01T00:00:00Z"}, "expired"),
    ],
)
def test_proof_dates_are_checked(change: dict[str, str], message: str) -> None:
    key = generate_key()
    issuer = did_key(key)
    signed = sign(
        fresh_credential(issuer), key, verification_method=f"{issuer}#{key.to_multikey()}"
    )
    signed["proof"].update(change)
    result = verify(signed)
    assert not result.verified
    assert message in result.problems[0]


@pytest.mark.parametrize(
    ("created", "emitted"),
    [
        ("2026-03-01T11:00:00.250+01:00", "2026-03-01T10:00:00Z"),
        ("2026-03-01T10:00:00Z", "2026-03-01T10:00:00Z"),
    ],
)
def test_created_is_emitted_in_whole_utc_seconds(created: str, emitted: str) -> None:
    from datetime import datetime

    key = generate_key()
    issuer = did_key(key)
    method = f"{issuer}#{key.to_multikey()}"
    signed = sign(fresh_credential(issuer), key, verification_method=method, created=created)
    assert signed["proof"]["created"] == emitted
    moment = datetime.fromisoformat(created)
    assert (
        sign(fresh_credential(issuer), key, verification_method=method, created=moment)["proof"][
            "created"
        ]
        == emitted
    )
    with pytest.raises(ProofError, match="time zone"):
        sign(
            fresh_credential(issuer), key, verification_method=method, created=datetime(2026, 1, 1)
        )
    with pytest.raises(ProofError, match="not a date-time"):
        sign(fresh_credential(issuer), key, verification_method=method, created="2026-01-01")


def test_safe_mode_is_enforced_when_verifying() -> None:
    """An undefined term added after signing fails with a clear message, not a silent pass."""
    key = generate_key()
    issuer = did_key(key)
    signed = sign(
        fresh_credential(issuer), key, verification_method=f"{issuer}#{key.to_multikey()}"
    )
    signed["credentialSubject"]["shoeSize"] = 44
    result = verify(signed)
    assert not result.verified
    assert "shoeSize" in result.problems[0]
    assert "credentialSubject" in result.problems[0]


def test_jcs_signs_plain_json_without_context() -> None:
    """eddsa-jcs-2022 needs no JSON-LD: a document without @context signs and verifies."""
    key = generate_key()
    method = f"{did_key(key)}#{key.to_multikey()}"
    signed = sign(
        {"name": "x", "n": 1}, key, verification_method=method, cryptosuite="eddsa-jcs-2022"
    )
    assert "@context" not in signed["proof"]
    assert verify(signed, check_controller=False).verified
    signed["n"] = 2
    assert not verify(signed, check_controller=False).verified


def test_proof_list_puts_the_proof_in_an_array() -> None:
    """Open Badges 3.0 JSON wants "proof" as an array; the signature does not change."""
    key = generate_key()
    method = did_key(key) + "#" + key.to_multikey()
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": did_key(key),
        "credentialSubject": {"id": "did:example:abc"},
    }
    alone = sign(document, key, verification_method=method, created="2026-01-01T00:00:00Z")
    listed = sign(
        document, key, verification_method=method, created="2026-01-01T00:00:00Z", proof_list=True
    )
    assert isinstance(alone["proof"], dict)
    assert listed["proof"] == [alone["proof"]]
    assert verify(listed).verified
