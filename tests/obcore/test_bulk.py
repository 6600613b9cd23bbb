"""Signing many credentials on several processes gives exactly the one-by-one proofs."""

from __future__ import annotations

import json
import os
import time
from typing import Any

import pytest

from obcore import bench, bulk
from obcore.errors import ProofError
from obcore.fastcanon import ShapeCanonicalizer
from obcore.keys import generate_key
from obcore.proofs.data_integrity import sign

METHOD = "https://example.org/issuer#key-1"
CREATED = "2026-01-01T00:00:00Z"


class Label(str):
    """A str subclass, as frameworks hand out (choices, safe strings): signed as its text."""


@pytest.mark.parametrize("proof_list", [False, True])
def test_shares_give_the_proofs_of_one_by_one_signing_in_order(proof_list: bool) -> None:
    key = generate_key()
    documents = [bench._credential(n) for n in range(3 * bulk.MIN_SHARE + 7)]
    documents[5]["name"] = Label(documents[5]["name"])
    expected = [
        sign(d, key, verification_method=METHOD, created=CREATED, proof_list=proof_list)
        for d in documents
    ]
    signed = bulk.sign_many(
        documents,
        key,
        verification_method=METHOD,
        created=CREATED,
        canonicalizer=ShapeCanonicalizer(),
        processes=3,
        proof_list=proof_list,
    )
    assert signed == expected  # Ed25519 is deterministic: same bytes, same order
    assert bulk._pool_size >= 2  # two helpers and this process


def test_few_documents_stay_in_this_process(monkeypatch: Any) -> None:
    def no_helpers(count: int) -> None:
        raise AssertionError("no helper process for a handful of documents")

    monkeypatch.setattr(bulk, "_helpers", no_helpers)
    key = generate_key()
    documents = [bench._credential(n) for n in range(bulk.MIN_SHARE + 1)]
    signed = bulk.sign_many(documents, key, verification_method=METHOD, processes=4)
    assert [d["id"] for d in signed] == [d["id"] for d in documents]
    assert bulk.sign_many([], key, verification_method=METHOD, processes=4) == []


def test_a_helper_that_dies_leaves_the_work_to_this_process(monkeypatch: Any) -> None:
    monkeypatch.setattr(bulk, "_sign_share", _die)
    key = generate_key()
    documents = [bench._credential(n) for n in range(2 * bulk.MIN_SHARE)]
    signer = bulk.BulkSigner(key, verification_method=METHOD, processes=2)
    signer.submit(documents[: bulk.MIN_SHARE])
    ((_part, future),) = signer._parts
    # Handed to the helper before this process looks for a part to sign itself: a part still
    # queued is taken back (cancelled), and no helper would ever run it and die (on a fast
    # machine this process signed its own share before the helpers had started).
    deadline = time.monotonic() + 60
    while future is not None and not (future.running() or future.done()):
        assert time.monotonic() < deadline, "the helper never took its part"
        time.sleep(0.01)
    signer.sign_here(documents[bulk.MIN_SHARE :])
    signed = signer.results()
    assert [d["id"] for d in signed] == [d["id"] for d in documents]
    assert all(d["proof"]["proofValue"].startswith("z") for d in signed)
    assert bulk._pool is None  # started again on the next call


def _die(*args: Any) -> None:
    os._exit(1)


def _compact(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


@pytest.mark.parametrize("processes", [1, 2])
def test_text_from_slot_values_is_the_reference_text(processes: int) -> None:
    """Signed as text, from slot values in a helper or from documents here, every document
    gives the text of the reference path (``sign`` without a canonicaliser, then compact
    JSON), whatever its values hold: JSON escapes, line separators, a value that is not an
    IRI in an IRI position, a str subclass, a float (a shape whose text cannot serve), a
    document with a proof already (signed by ``sign``, which refuses it)."""
    key = generate_key()
    documents = [bench._credential(n, variant=n % 3) for n in range(2 * bulk.MIN_SHARE + 9)]
    documents[1]["name"] = 'quote " back \\ slash é \n\t \u2028 \x01 </script>'
    documents[2]["id"] = "mailto:a@example.org"  # an IRI the slots' fast path leaves alone
    documents[3]["name"] = Label("Étiquette")
    documents[4]["credentialSubject"]["identifier"][0]["salt"] = "urn:obcore:slot:0"
    documents[60]["name"] = "same"
    documents[61]["name"] = "same"
    for n in (70, 71):
        documents[n]["credentialSubject"]["creditsEarned"] = -0.0 if n == 70 else 0.0
    expected = [
        _compact(sign(d, key, verification_method=METHOD, created=CREATED, proof_list=True))
        for d in documents
    ]
    signer = bulk.BulkSigner(
        key,
        verification_method=METHOD,
        created=CREATED,
        canonicalizer=ShapeCanonicalizer(),
        processes=processes,
        text=True,
        proof_list=True,
    )
    for start in range(0, len(documents), bulk.MIN_SHARE):
        signer.submit(documents[start : start + bulk.MIN_SHARE])
    assert signer.results() == expected


def test_a_document_with_a_proof_is_refused_as_text() -> None:
    key = generate_key()
    signed = sign(bench._credential(1), key, verification_method=METHOD, created=CREATED)
    signer = bulk.BulkSigner(
        key, verification_method=METHOD, canonicalizer=ShapeCanonicalizer(), text=True
    )
    with pytest.raises(ProofError):
        signer.sign_here([signed])


def test_slot_pieces_refuse_what_would_not_be_the_json_text() -> None:
    assert bulk._pieces('{"a":"urn:obcore:slot:0","b":[1,"urn:obcore:slot:1"]}') == [
        '{"a":',
        ',"b":[1,',
        "]}",
    ]
    assert bulk._pieces('{"a":"urn:obcore:slot:1","b":"urn:obcore:slot:0"}') is None
    assert bulk._pieces('{"@context":"urn:obcore:slot:9x","a":"urn:obcore:slot:0"}') is None
    assert bulk._pieces('{"a":1.5,"b":"urn:obcore:slot:0"}') is None
    assert bulk._pieces('{"proof":{},"b":"urn:obcore:slot:0"}') is None
    assert bulk._pieces("{}") is None


@pytest.mark.parametrize("text", [False, True])
def test_the_helpers_work_run_in_this_process_gives_the_same_bytes(
    monkeypatch: Any, text: bool
) -> None:
    """What a helper process runs (``_sign_share``, ``_sign_slots``), run here on a thread
    pool in place of the processes: every document, from slot values or whole, gives the
    reference path's proof and text, in order."""
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(2)
    monkeypatch.setattr(bulk, "_helpers", lambda count: pool)
    key = generate_key()
    documents = [bench._credential(n, variant=n % 3) for n in range(3 * bulk.MIN_SHARE + 7)]
    documents[1]["name"] = 'quote " back \\ slash é \n\t \u2028 \x01 </script>'
    documents[3]["name"] = Label("Étiquette")
    documents[4]["credentialSubject"]["identifier"][0]["salt"] = "urn:obcore:slot:0"
    documents[70]["credentialSubject"]["creditsEarned"] = 1.5  # a float: sent whole
    reference = [
        sign(d, key, verification_method=METHOD, created=CREATED, proof_list=text)
        for d in documents
    ]
    try:
        if text:
            signer = bulk.BulkSigner(
                key,
                verification_method=METHOD,
                created=CREATED,
                canonicalizer=ShapeCanonicalizer(),
                processes=3,
                text=True,
                proof_list=True,
            )
            for start in range(0, len(documents), bulk.MIN_SHARE):
                signer.submit(documents[start : start + bulk.MIN_SHARE])
            assert signer.results() == [_compact(d) for d in reference]
        else:
            signed = bulk.sign_many(
                documents,
                key,
                verification_method=METHOD,
                created=CREATED,
                canonicalizer=ShapeCanonicalizer(),
                processes=3,
            )
            assert signed == reference
    finally:
        pool.shutdown()


@pytest.mark.parametrize("processes", [1, 2])
def test_documents_given_by_their_slot_values_give_the_reference_text(processes: int) -> None:
    """``submit_shaped``: documents given as ``Shaped`` (shape and slot values), mixed with
    whole ones, in a helper or here, give the texts ``submit`` gives for the documents."""
    key = generate_key()
    documents = [bench._credential(n, variant=n % 3) for n in range(2 * bulk.MIN_SHARE + 9)]
    documents[2]["name"] = 'quote " back \\ slash é \n\t \u2028 \x01 </script>'
    documents[7]["credentialSubject"]["creditsEarned"] = 1.5  # a float: given whole
    canonicalizer = ShapeCanonicalizer()
    items: list[Any] = []
    for document in documents:
        found = canonicalizer.slot_values(document)
        if found is not None and bulk.text_shape(found[0]):
            items.append(bulk.Shaped(*found))
        else:
            items.append(document)
    assert sum(type(item) is bulk.Shaped for item in items) == len(documents) - 1
    reference = [
        _compact(sign(d, key, verification_method=METHOD, created=CREATED, proof_list=True))
        for d in documents
    ]
    signer = bulk.BulkSigner(
        key,
        verification_method=METHOD,
        created=CREATED,
        canonicalizer=canonicalizer,
        processes=processes,
        text=True,
        proof_list=True,
    )
    for start in range(0, len(items), bulk.MIN_SHARE):
        signer.submit_shaped(items[start : start + bulk.MIN_SHARE])
    assert signer.results() == reference
    with pytest.raises(ValueError, match="this shape"):
        signer.submit_shaped([bulk.Shaped('{"a":1.5,"b":"urn:obcore:slot:0"}', ["x"])])
    plain = bulk.BulkSigner(key, verification_method=METHOD, canonicalizer=canonicalizer)
    with pytest.raises(ValueError, match="as text only"):
        plain.submit_shaped(items[:1])


@pytest.mark.parametrize("proof_list", [False, True])
def test_the_proof_text_is_cut_around_its_value(proof_list: bool) -> None:
    method = 'https://example.org/é "quoted"#key-1'
    options, head, tail = bulk._proof_parts(CREATED, method, proof_list)
    proof = {**options, "proofValue": "z3xYz"}
    expected = ',"proof":' + _compact([proof] if proof_list else proof) + "}"  # type: ignore[arg-type]
    assert head + "3xYz" + tail == expected
    assert options["verificationMethod"] == method


def test_proof_configurations_are_hashed_once_per_shape_and_bounded(monkeypatch: Any) -> None:
    import hashlib

    from obcore.jsonld import canonicalize

    canon = ShapeCanonicalizer()
    shape, _values = canon.slot_values(bench._credential(1)) or ("", [])
    options, _head, _tail = bulk._proof_parts(CREATED, METHOD, True)
    config = {**options, "@context": bench._credential(1)["@context"]}
    expected = hashlib.sha256(canonicalize(config).encode()).digest()
    full = {("shape", str(n), METHOD): b"" for n in range(256)}
    monkeypatch.setattr(bulk, "_config_digests", full)
    assert bulk._config_digest(canon, shape, options) == expected
    assert len(full) == 1  # the bound cleared the others
    assert bulk._config_digest(canon, shape, options) == expected


def test_a_helper_reads_each_new_key() -> None:
    """A helper keeps the key of its last part: a part with another key is signed with that
    one."""
    documents = [bench._credential(n) for n in range(3)]
    canon = ShapeCanonicalizer()
    shape, _values = canon.slot_values(documents[0]) or ("", [])
    items: list[tuple[int, list[str]] | str] = [
        (0, (canon.slot_values(d) or ("", []))[1]) for d in documents
    ]
    for key in (generate_key(), generate_key(), generate_key()):
        texts = bulk._sign_slots(key.private_pem(), METHOD, CREATED, [shape], items, True)
        assert texts == [
            _compact(sign(d, key, verification_method=METHOD, created=CREATED, proof_list=True))
            for d in documents
        ]
