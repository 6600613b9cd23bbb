"""Signing many credentials on several processes gives exactly the one-by-one proofs."""

from __future__ import annotations

import os
from typing import Any

import pytest

from obcore import bench, bulk
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
    signed = bulk.sign_many(documents, key, verification_method=METHOD, processes=2)
    assert [d["id"] for d in signed] == [d["id"] for d in documents]
    assert all(d["proof"]["proofValue"].startswith("z") for d in signed)
    assert bulk._pool is None  # started again on the next call


def _die(*args: Any) -> None:
    os._exit(1)
