"""Credentials signed by obcore verify with Digital Bazaar's stack, and the other way round."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from obcore.keys import (
    KeyPair,
    b58encode,
    did_key,
    generate_key,
    key_from_multikey,
    multikey_document,
)
from obcore.proofs.data_integrity import sign, verify

VECTORS = Path(__file__).parent.parent / "obcore" / "vectors"
OB3_SEED = "6241a409e6707bb640a0140a8a32bc3d193c33a661747284d6adfa4ed4180be4"


def credential(issuer: str) -> dict[str, Any]:
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:0f6a3a52-1c8e-4f7e-9b4e-3c1d2e5f6a7b",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Les Ateliers du Lien"},
        "validFrom": "2026-03-01T10:00:00Z",
        "name": "Accueil du public",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": "sha256$"
                    + "c7ef86405ba71b85acd8e2e95166c4b111448089f2e1599f42fe1bba46e865c5",
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": "deadsea",
                }
            ],
            "achievement": {
                "id": "https://badges.example/achievements/accueil",
                "type": ["Achievement"],
                "name": "Accueil du public",
                "description": "Accueillir une personne et l'orienter.",
                "criteria": {"narrative": "A accueilli trois personnes en autonomie."},
                "image": {"id": "https://badges.example/a/accueil.png", "type": "Image"},
                "alignment": [
                    {
                        "type": ["Alignment"],
                        "targetName": "Accueillir",
                        "targetUrl": "https://data.europa.eu/esco/skill/accueil",
                    }
                ],
            },
        },
        "evidence": [
            {
                "id": "urn:uuid:1a2b3c4d-0000-4000-8000-000000000001",
                "type": ["Evidence"],
                "narrative": "Observé lors de la permanence du mardi.",
            }
        ],
    }


def secret_multikey(key: KeyPair) -> str:
    from cryptography.hazmat.primitives import serialization

    assert key.private_key is not None
    seed = key.private_key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return "z" + b58encode(b"\x80\x26" + seed)


def https_issuer(key: KeyPair, issuer: str) -> tuple[str, dict[str, Any]]:
    method_id = f"{issuer}#{key.to_multikey()}"
    method = multikey_document(key, id=method_id, controller=issuer)
    controller = {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": issuer,
        "assertionMethod": [{k: v for k, v in method.items() if k != "@context"}],
    }
    return method_id, {issuer: controller, method_id: method}


def test_obcore_credentials_verify_with_digitalbazaar(digitalbazaar: Any) -> None:
    key = generate_key()
    issuer = "https://badges.example/issuers/ateliers"
    method_id, documents = https_issuer(key, issuer)
    signed = sign(credential(issuer), key, verification_method=method_id)
    answer = digitalbazaar({"action": "verify", "credential": signed, "documents": documents})
    assert answer["verified"], answer["error"]

    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["achievement"]["name"] = "Autre chose"
    answer = digitalbazaar({"action": "verify", "credential": tampered, "documents": documents})
    assert not answer["verified"]


def test_did_key_credential_verifies_with_digitalbazaar(digitalbazaar: Any) -> None:
    key = generate_key()
    issuer = did_key(key)
    signed = sign(credential(issuer), key, verification_method=f"{issuer}#{key.to_multikey()}")
    answer = digitalbazaar({"action": "verify", "credential": signed})
    assert answer["verified"], answer["error"]


def test_digitalbazaar_credentials_verify_with_obcore(digitalbazaar: Any) -> None:
    key = generate_key()
    issuer = "https://other-platform.example/issuers/7"
    method_id, documents = https_issuer(key, issuer)
    multikey = {**documents[method_id], "secretKeyMultibase": secret_multikey(key)}
    answer = digitalbazaar(
        {
            "action": "sign",
            "credential": credential(issuer),
            "key": multikey,
            "date": "2026-03-01T10:00:00Z",
            "documents": documents,
        }
    )
    signed = answer["signed"]
    result = verify(signed, documents.__getitem__)
    assert result.verified, result.problems
    assert result.controller == issuer
    signed["credentialSubject"]["achievement"]["description"] = "changé"
    assert not verify(signed, documents.__getitem__).verified


def test_same_key_and_date_give_the_same_proof(digitalbazaar: Any) -> None:
    """Byte-identical proofValue from both stacks on the 1EdTech OB 3.0 test vector: same
    canonical N-Quads, same hash order, same Ed25519 signature."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(OB3_SEED))
    key = KeyPair("Ed25519", private.public_key(), private)
    issuer = "https://example.edu/issuers/565049"
    method_id, documents = https_issuer(key, issuer)
    unsigned = json.loads((VECTORS / "1edtech-ob3-unsigned.json").read_text())
    ours = sign(unsigned, key, verification_method=method_id, created="2010-01-01T19:23:24Z")
    multikey = {**documents[method_id], "secretKeyMultibase": secret_multikey(key)}
    theirs = digitalbazaar(
        {
            "action": "sign",
            "credential": unsigned,
            "key": multikey,
            "date": "2010-01-01T19:23:24Z",
            "documents": documents,
        }
    )["signed"]
    assert theirs["proof"]["proofValue"] == ours["proof"]["proofValue"]
    assert theirs["proof"]["proofValue"].startswith("z5x9aCBY")  # the published value


def test_clr_vector_verifies_with_digitalbazaar_and_bundled_clr_context(
    digitalbazaar: Any,
) -> None:
    """1EdTech's signed ClrCredential vector, with obcore's bundled CLR 2.0.1 context handed to
    Digital Bazaar's loader: both stacks read that context the same way."""
    from obcore.contexts import CLR_V2P0_2_0_1, load_context

    signed = json.loads((VECTORS / "1edtech-clr2-signed.json").read_text())
    issuer = "https://example.edu/issuers/565049"
    key = key_from_multikey("z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi")
    _, documents = https_issuer(key, issuer)
    documents[CLR_V2P0_2_0_1] = load_context(CLR_V2P0_2_0_1)
    answer = digitalbazaar({"action": "verify", "credential": signed, "documents": documents})
    assert answer["verified"], answer["error"]
    assert verify(signed, documents.__getitem__).verified


def test_undefined_terms_are_refused_by_both(digitalbazaar: Any) -> None:
    """Why safe mode matters: Digital Bazaar refuses what PyLD alone would silently drop."""
    key = generate_key()
    issuer = did_key(key)
    document = credential(issuer)
    signed = sign(document, key, verification_method=f"{issuer}#{key.to_multikey()}")
    signed["credentialSubject"]["unknownTerm"] = "x"
    answer = digitalbazaar({"action": "verify", "credential": signed})
    assert not answer["verified"]
    assert "unknownTerm" in answer["error"] or "Safe mode" in answer["error"]
    result = verify(signed)
    assert not result.verified
    assert "unknownTerm" in " ".join(result.problems)


@pytest.mark.django_db
def test_blason_issuer_documents_satisfy_digitalbazaar(digitalbazaar: Any, client: Any) -> None:
    """What Blason serves at an issuer's and a key's URLs is what Digital Bazaar's verifier needs:
    the key document, and the issuer's profile listing it in ``assertionMethod``."""
    from blason.issuing.signing import issuer_documents, keys
    from tests.factories import IssuerFactory

    issuer = IssuerFactory()
    key = keys.active_key(issuer)
    issuer_url = issuer_documents.issuer_url(issuer)
    method_id = issuer_documents.verification_method_id(issuer, key)
    signed = sign(credential(issuer_url), keys.private_key(key), verification_method=method_id)
    response = client.get(issuer_url, HTTP_ACCEPT="application/ld+json")
    profile = json.loads(response.content)
    key_document = json.loads(client.get(method_id, HTTP_ACCEPT="application/ld+json").content)
    answer = digitalbazaar(
        {
            "action": "verify",
            "credential": signed,
            "documents": {issuer_url: profile, method_id: key_document},
        }
    )
    assert answer["verified"], answer["error"]


def test_proof_sets_and_chains_interoperate(digitalbazaar: Any) -> None:
    """Several proofs on one credential: obcore's sets and chains verify with Digital Bazaar,
    and a proof Digital Bazaar adds to an obcore credential makes a set obcore verifies proof
    by proof. (Digital Bazaar accepts a set when one proof verifies; obcore wants all of them.)"""
    from obcore.proofs.data_integrity import default_resolver

    key, cosigner = generate_key(), generate_key()
    issuer = "https://badges.example/issuers/ateliers"
    method_id, documents = https_issuer(key, issuer)
    first = sign(credential(issuer), key, verification_method=method_id, proof_id="urn:uuid:p1")
    cosigner_id = did_key(cosigner)
    cosigner_method = f"{cosigner_id}#{cosigner.to_multikey()}"
    proof_set = sign(first, cosigner, verification_method=cosigner_method, add_proof=True)
    chain = sign(
        first,
        cosigner,
        verification_method=cosigner_method,
        add_proof=True,
        previous_proof="urn:uuid:p1",
    )
    broken_chain = copy.deepcopy(chain)
    broken_chain["proof"][0]["created"] = "2027-01-01T00:00:00Z"
    answers = digitalbazaar(
        {
            "action": "batch",
            "documents": documents,
            "requests": [
                {"action": "verify", "credential": document}
                for document in (proof_set, chain, broken_chain)
            ],
        }
    )["answers"]
    assert [a["verified"] for a in answers] == [True, True, False], answers

    def resolve(url: str) -> Any:
        return documents[url] if url in documents else default_resolver(url)

    assert verify(proof_set, resolve).verified
    assert verify(chain, resolve).verified
    assert not verify(broken_chain, resolve).verified

    multikey = {
        **multikey_document(cosigner, id=cosigner_method, controller=cosigner_id),
        "secretKeyMultibase": secret_multikey(cosigner),
    }
    cosigned = digitalbazaar(
        {
            "action": "sign",
            "credential": first,
            "key": multikey,
            "date": "2026-03-01T10:00:00Z",
            "documents": documents,
        }
    )["signed"]
    assert len(cosigned["proof"]) == 2
    result = verify(cosigned, resolve)
    assert result.verified, result.problems
    assert [p.controller for p in result.proofs] == [issuer, cosigner_id]
    cosigned["proof"][1]["created"] = "2027-01-01T00:00:00Z"
    assert not verify(cosigned, resolve).verified


def test_bench_runs_the_reference_on_the_same_credentials(digitalbazaar: Any) -> None:
    """``blason bench``: Digital Bazaar verifies the very credentials of varied shapes that
    obcore's verify_arbitrary measured (the run stops if any fails on either side)."""
    from obcore import bench

    result = bench.run(20, reference=True)["operations"]
    for name in ("sign_bulk", "sign_one", "verify", "verify_arbitrary"):
        assert result[name]["reference_per_s"] > 0, name
        assert result[name]["ratio"] == pytest.approx(
            result[name]["blason_per_s"] / result[name]["reference_per_s"], rel=0.01
        )
    assert result["bake"]["reference_per_s"] is None
    assert "verify_arbitrary" in bench.render({"operations": result})
