"""Several proofs on one credential: proof sets and proof chains, every proof checked."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

from obcore.errors import ProofError
from obcore.keys import KeyPair, did_key, generate_key
from obcore.proofs.data_integrity import sign, verify
from obcore.verify import Outcome, State, verify_credential
from tests.obcore.test_verify import credential

pytestmark = pytest.mark.nodjango
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
CREATED = "2026-02-02T10:00:00Z"


def method(key: KeyPair) -> str:
    return f"{did_key(key)}#{key.to_multikey()}"


@pytest.fixture(scope="module")
def issuer() -> KeyPair:
    return generate_key()


@pytest.fixture(scope="module")
def cosigner() -> KeyPair:
    return generate_key()


def issued(issuer: KeyPair, **options: Any) -> dict[str, Any]:
    return sign(
        credential(did_key(issuer)),
        issuer,
        verification_method=method(issuer),
        created=CREATED,
        **options,
    )


def cosigned(document: dict[str, Any], key: KeyPair, **options: Any) -> dict[str, Any]:
    return sign(
        document, key, verification_method=method(key), created=CREATED, add_proof=True, **options
    )


def test_a_proof_set_is_verified_proof_by_proof(issuer: KeyPair, cosigner: KeyPair) -> None:
    document = cosigned(issued(issuer), cosigner)
    assert isinstance(document["proof"], list)
    assert len(document["proof"]) == 2
    result = verify(document)
    assert result.verified, result.problems
    assert [p.controller for p in result.proofs] == [did_key(issuer), did_key(cosigner)]
    assert all(p.verified for p in result.proofs)
    assert result.controller == did_key(issuer)  # the summary describes the issuer's proof
    # Order does not matter: the issuer's proof may come second.
    swapped = {**document, "proof": list(reversed(document["proof"]))}
    assert verify(swapped).verified


def test_the_same_proofs_are_made_one_at_a_time(issuer: KeyPair, cosigner: KeyPair) -> None:
    """In a set, each proof signs the unsecured document alone: adding one changes nothing in
    the other, and each verifies on its own."""
    document = cosigned(issued(issuer), cosigner)
    alone = sign(
        credential(did_key(issuer)),
        cosigner,
        verification_method=method(cosigner),
        created=CREATED,
    )
    assert document["proof"][0] == issued(issuer)["proof"]
    assert document["proof"][1] == alone["proof"]


def test_every_proof_must_verify(issuer: KeyPair, cosigner: KeyPair) -> None:
    document = cosigned(issued(issuer), cosigner)
    broken = copy.deepcopy(document)
    broken["proof"][1]["created"] = "2026-02-03T10:00:00Z"  # the co-signer's proof, altered
    result = verify(broken)
    assert not result.verified
    assert [p.verified for p in result.proofs] == [True, False]
    assert result.problems == [
        "Proof 2 of 2: The signature does not match: the credential was altered."
    ]
    report = verify_credential(broken, now=NOW)
    assert report.state is State.INVALID
    proof_checks = [c for c in report.checks if c.name == "proof"]
    assert [c.outcome for c in proof_checks] == [Outcome.PASSED, Outcome.FAILED, Outcome.FAILED]
    assert "Signature 2 of 2 is not valid" in proof_checks[1].en
    assert (proof_checks[1].code, proof_checks[1].params) == (
        "proof.one_invalid",
        {"number": 2, "count": 2},
    )
    assert [d.code for d in proof_checks[1].details] == ["proof.mismatch"]


def test_one_proof_must_be_the_issuers(issuer: KeyPair, cosigner: KeyPair) -> None:
    stranger = generate_key()
    document = sign(
        credential(did_key(issuer)),
        stranger,
        verification_method=method(stranger),
        created=CREATED,
    )
    document = cosigned(document, cosigner)
    result = verify(document)
    assert not result.verified
    assert all(p.verified for p in result.proofs)
    assert "None of the 2 proofs was made with a key of the issuer" in result.problems[0]
    assert verify(document, check_controller=False).verified
    assert verify_credential(document, now=NOW).state is State.INVALID


def test_a_valid_proof_set_is_reported_proof_by_proof(issuer: KeyPair, cosigner: KeyPair) -> None:
    report = verify_credential(cosigned(issued(issuer), cosigner), now=NOW)
    assert report.state is State.VALID, report.checks
    proof_checks = [c for c in report.checks if c.name == "proof"]
    assert [c.outcome for c in proof_checks] == [Outcome.PASSED] * 3
    assert f"Signature 1 of 2 is valid (eddsa-rdfc-2022), made with a key of {did_key(issuer)}" in (
        proof_checks[0].en
    )
    assert proof_checks[1].params["controller"] == did_key(cosigner)


def test_a_proof_chain_signs_over_the_proofs_it_names(issuer: KeyPair, cosigner: KeyPair) -> None:
    first_id = "urn:uuid:3f1c0e4a-0000-4000-8000-000000000001"
    document = issued(issuer, proof_id=first_id)
    chained = cosigned(document, cosigner, previous_proof=first_id)
    assert chained["proof"][1]["previousProof"] == first_id
    result = verify(chained)
    assert result.verified, result.problems
    # The chained proof covers the first one: altering it breaks both.
    altered = copy.deepcopy(chained)
    altered["proof"][0]["created"] = "2026-02-03T10:00:00Z"
    assert [p.verified for p in verify(altered).proofs] == [False, False]
    # The proof it names must be there.
    dropped = {**chained, "proof": [chained["proof"][1]]}
    result = verify(dropped)
    assert not result.verified
    assert "previousProof names proofs the document does not hold" in result.problems[0]
    # A chain link is not a set member: without previousProof, the signature does not match.
    unlinked = copy.deepcopy(chained)
    del unlinked["proof"][1]["previousProof"]
    assert [p.verified for p in verify(unlinked).proofs] == [True, False]


def test_a_chain_may_name_several_proofs_and_mix_suites(issuer: KeyPair, cosigner: KeyPair) -> None:
    third = generate_key()
    document = issued(issuer, proof_id="urn:uuid:a")
    document = cosigned(document, cosigner, proof_id="urn:uuid:b", cryptosuite="eddsa-jcs-2022")
    document = cosigned(document, third, previous_proof=["urn:uuid:a", "urn:uuid:b"])
    result = verify(document)
    assert result.verified, result.problems
    assert [p.cryptosuite for p in result.proofs] == [
        "eddsa-rdfc-2022",
        "eddsa-jcs-2022",
        "eddsa-rdfc-2022",
    ]


@pytest.mark.parametrize(
    ("previous", "message"),
    [
        ("urn:uuid:nowhere", "does not hold"),
        ([], "a proof id or a list"),
        ([1], "a proof id or a list"),
    ],
)
def test_bad_previous_proof(issuer: KeyPair, previous: Any, message: str) -> None:
    document = issued(issuer, proof_id="urn:uuid:a")
    with pytest.raises(ProofError, match=message):
        cosigned(document, generate_key(), previous_proof=previous)
    forged = copy.deepcopy(document)
    forged["proof"] = [forged["proof"], {**forged["proof"], "previousProof": previous}]
    result = verify(forged)
    assert not result.verified
    assert message in " ".join(result.problems)


def test_signing_over_proofs_needs_to_be_asked(issuer: KeyPair) -> None:
    with pytest.raises(ProofError, match="already has a proof"):
        sign(issued(issuer), issuer, verification_method=method(issuer))
    with pytest.raises(ProofError, match="the document has none"):
        sign(
            credential(did_key(issuer)),
            issuer,
            verification_method=method(issuer),
            previous_proof="urn:uuid:a",
        )


def test_non_object_proofs_in_a_set_fail_cleanly(issuer: KeyPair) -> None:
    document = issued(issuer)
    for junk in ("z123", 7, None, ["nested"]):
        result = verify({**document, "proof": [document["proof"], junk]})
        assert not result.verified
        assert "Proof 2 of 2: The proof is not a JSON object." in result.problems
    assert not verify({**document, "proof": []}).verified
