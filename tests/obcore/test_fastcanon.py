"""Differential test: the shape-based canonicaliser is byte-identical to the full algorithm."""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from obcore.errors import ObcoreError
from obcore.fastcanon import ShapeCanonicalizer
from obcore.jsonld import canonicalize
from obcore.keys import did_key, generate_key
from obcore.ob3 import hash_identity as identity_hash
from obcore.proofs.data_integrity import sign, verify

pytestmark = pytest.mark.nodjango
BASE = json.loads((Path(__file__).parent / "vectors" / "1edtech-ob3-unsigned.json").read_text())
CANON = ShapeCanonicalizer()  # shared across examples, like a bulk award

text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
iri = st.one_of(
    st.uuids().map(lambda u: f"urn:uuid:{u}"),
    st.from_regex(r"https://[a-z]{1,8}\.example/[a-z0-9/]{0,12}", fullmatch=True),
    st.sampled_from(["did:example:123", "Achievement", "relative/path", "schema:x", " "]),
)
dates = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 1, 1)).map(
    lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ")
)


@st.composite
def credentials(draw: Any) -> dict[str, Any]:
    document = copy.deepcopy(BASE)
    document["id"] = draw(iri)
    document["name"] = draw(text)
    document["validFrom"] = draw(dates)
    achievement = document["credentialSubject"]["achievement"]
    achievement["name"] = draw(text)
    achievement["description"] = draw(text)
    achievement["criteria"]["narrative"] = draw(text)
    if draw(st.booleans()):
        document["credentialSubject"].pop("id")
        salt = draw(st.text(alphabet="0123456789abcdef", min_size=0, max_size=8))
        document["credentialSubject"]["identifier"] = [
            {
                "type": "IdentityObject",
                "identityHash": identity_hash(draw(st.emails()), salt),
                "identityType": "emailAddress",
                "hashed": True,
                "salt": salt,
            }
        ]
    if draw(st.booleans()):
        # The same IRI in two places (a badge image that is also the credential's image) makes
        # two template quads one RDF quad: drawn from a small pool so that this happens often.
        pool = st.sampled_from(["https://a.example/i.png", "https://b.example/i.png"])
        document["image"] = {"id": draw(pool), "type": "Image"}
        achievement["image"] = {"id": draw(pool), "type": "Image"}
    evidence = draw(st.lists(text, max_size=3))
    if evidence:  # identical narratives give blank nodes the same first-degree hash
        document["evidence"] = [{"type": ["Evidence"], "narrative": n} for n in evidence]
    return document


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(credentials())
def test_same_bytes_as_the_full_algorithm(document: dict[str, Any]) -> None:
    try:
        expected = canonicalize(document)
    except ObcoreError as error:
        with pytest.raises(type(error)):
            CANON.canonicalize(document)
        return
    assert CANON.canonicalize(document) == expected


def test_fast_path_is_taken_and_falls_back_when_needed() -> None:
    canon = ShapeCanonicalizer()
    document = copy.deepcopy(BASE)
    for number in range(5):
        document["id"] = f"urn:uuid:00000000-0000-4000-8000-00000000000{number}"
        assert canon.canonicalize(document) == canonicalize(document)
    assert (canon.fast, canon.slow) == (5, 0)
    twins = {**document, "evidence": [{"type": ["Evidence"], "narrative": "x"}] * 2}
    assert canon.canonicalize(twins) == canonicalize(twins)
    assert canon.slow == 1


class Text(str):
    """A string of another type (as frameworks make them): not taken for a plain one."""


def test_a_learned_shape_takes_only_documents_of_exactly_that_shape() -> None:
    """The generated extractor of a shape answers only for documents whose shape is the same:
    the same keys in the same order, the same kept values (contexts, types), the same numbers
    and booleans (``True == 1`` in Python, not in JSON-LD), plain strings in the slots."""
    base = copy.deepcopy(BASE)
    base["credentialSubject"].pop("id")
    base["credentialSubject"]["identifier"] = [
        {
            "type": "IdentityObject",
            "identityHash": identity_hash("a@example.org", "ab"),
            "identityType": "emailAddress",
            "hashed": True,
            "salt": "ab",
        }
    ]

    def variant(change: Any) -> dict[str, Any]:
        document = copy.deepcopy(base)
        change(document)
        return document

    def identifier(document: dict[str, Any]) -> dict[str, Any]:
        return document["credentialSubject"]["identifier"][0]  # type: ignore[no-any-return]

    variants = [
        base,
        variant(lambda d: identifier(d).update(hashed=1)),
        variant(lambda d: identifier(d).update(hashed=1.0)),
        variant(lambda d: identifier(d).update(hashed=False)),
        variant(lambda d: identifier(d).update(hashed="true")),
        variant(lambda d: d.update(name=Text("Une autre chaîne"))),
        variant(lambda d: d.update(type=list(reversed(d["type"])))),
        variant(
            lambda d: d.update(credentialSubject=dict(reversed(d["credentialSubject"].items())))
        ),
        variant(lambda d: d.update(evidence=[{"type": ["Evidence"], "narrative": "x"}])),
        variant(lambda d: d["credentialSubject"]["identifier"].append(identifier(d))),
    ]
    canon = ShapeCanonicalizer()
    for _ in range(3):  # learnt the first time, then met again in turn
        for document in variants:
            assert canon.canonicalize(document) == canonicalize(document)
    # Only the repeated identifier (twin blank nodes) takes the full algorithm.
    assert (canon.fast, canon.slow) == (27, 3)


def test_a_batch_alternating_between_shapes_stays_on_the_fast_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from obcore import fastcanon

    walks = []
    walk = fastcanon._shape

    def counted(document: Any, values: list[str], pinned: frozenset[int], depth: int = 0) -> Any:
        walks.extend([1] if depth == 0 else [])
        return walk(document, values, pinned, depth)

    monkeypatch.setattr(fastcanon, "_shape", counted)
    canon = ShapeCanonicalizer()
    shapes = [
        {},
        {"evidence": [{"type": ["Evidence"], "narrative": "x"}]},
        {"description": "Une description"},
    ]
    for number in range(30):
        document = {**copy.deepcopy(BASE), **shapes[number % 3]}
        document["id"] = f"urn:uuid:00000000-0000-4000-8000-{number:012d}"
        assert canon.canonicalize(document) == canonicalize(document)
    assert (canon.fast, canon.slow, len(canon._templates)) == (30, 0, 3)
    assert len(walks) == 3  # each shape walked once; its extractor took the others


def test_values_to_escape_stay_on_the_fast_path_exactly() -> None:
    """Literals are escaped only when some value holds a character N-Quads escapes; with or
    without one, in turn, the bytes are the full algorithm's."""
    canon = ShapeCanonicalizer()
    names = ["Plain", 'quote " back \\ slash', "tab\t line\n return\r", "é \u2028 \x01 \x7f", "x"]
    for number, name in enumerate(names):
        document = copy.deepcopy(BASE)
        document["id"] = f"urn:uuid:00000000-0000-4000-8000-{number:012d}"
        document["name"] = name
        document["credentialSubject"]["achievement"]["criteria"]["narrative"] = name[::-1]
        assert canon.canonicalize(document) == canonicalize(document)
    assert (canon.fast, canon.slow) == (len(names), 0)


def test_the_same_iri_in_two_slots_gives_one_quad() -> None:
    canon = ShapeCanonicalizer()
    document = copy.deepcopy(BASE)
    document["image"] = {"id": "https://a.example/1.png", "type": "Image"}
    document["credentialSubject"]["achievement"]["image"] = {
        "id": "https://b.example/2.png",
        "type": "Image",
    }
    assert canon.canonicalize(document) == canonicalize(document)  # learns the shape
    document["credentialSubject"]["achievement"]["image"]["id"] = "https://a.example/1.png"
    assert canon.canonicalize(document) == canonicalize(document)
    assert canon.fast == 2


def test_bulk_signing_gives_identical_proofs_and_verifies() -> None:
    key = generate_key()
    issuer = did_key(key)
    method = f"{issuer}#{key.to_multikey()}"
    canon = ShapeCanonicalizer()
    for number in range(20):
        document = copy.deepcopy(BASE)
        document["issuer"]["id"] = issuer
        document["id"] = f"urn:uuid:5a1b6f0e-2c3d-4e5f-8a9b-{number:012d}"
        fast = sign(
            document,
            key,
            verification_method=method,
            canonicalizer=canon,
            created="2026-02-02T10:00:00Z",
        )
        slow = sign(document, key, verification_method=method, created="2026-02-02T10:00:00Z")
        assert fast == slow
        assert verify(fast, canonicalizer=canon).verified
    assert canon.slow == 0


def test_language_tagged_values_are_slots_too() -> None:
    canon = ShapeCanonicalizer()
    for name in ("Participation", "Présence"):
        document = copy.deepcopy(BASE)
        document["name"] = {"@value": name, "@language": "fr"}
        assert canon.canonicalize(document) == canonicalize(document)
    assert (canon.fast, canon.slow) == (2, 0)


def test_shapes_the_fast_path_cannot_take_fall_back_exactly() -> None:
    """A value inside a JSON literal, and named graphs (an embedded proof), go to the full
    algorithm; the result is the same bytes."""
    canon = ShapeCanonicalizer()
    json_literal = copy.deepcopy(BASE)
    json_literal["@context"] = [
        *json_literal["@context"],
        {"data": {"@id": "https://ex.example/data", "@type": "@json"}},
    ]
    json_literal["data"] = {"note": "a string inside a JSON literal"}
    key = generate_key()
    issuer = did_key(key)
    with_proof = sign(
        {**copy.deepcopy(BASE), "issuer": {**BASE["issuer"], "id": issuer}},
        key,
        verification_method=f"{issuer}#{key.to_multikey()}",
    )
    for document in (json_literal, with_proof, json_literal, with_proof):
        assert canon.canonicalize(document) == canonicalize(document)
    assert (canon.fast, canon.slow) == (0, 4)


def test_the_shape_cache_is_bounded() -> None:
    canon = ShapeCanonicalizer(max_shapes=2)
    for number in range(5):
        document = copy.deepcopy(BASE)
        document["credentialSubject"]["achievement"]["tag"] = ["t"] * (number + 1)
        assert canon.canonicalize(document) == canonicalize(document)
        assert len(canon._templates) <= 2


def test_documents_nested_too_deeply_are_refused() -> None:
    from obcore.errors import InputError

    document = copy.deepcopy(BASE)
    node = document["credentialSubject"]["achievement"]
    for _ in range(80):
        node["criteria"] = {"narrative": "x"}
        node = node["criteria"]
    with pytest.raises(InputError, match="nested more than 64"):
        ShapeCanonicalizer().canonicalize(document)


def test_a_recurring_document_is_canonicalised_once() -> None:
    canon = ShapeCanonicalizer()
    options = {
        "@context": BASE["@context"],
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2026-03-03T10:00:00Z",
        "verificationMethod": "https://example.org/issuers/1#key-1",
        "proofPurpose": "assertionMethod",
    }
    expected = hashlib.sha256(canonicalize(options).encode()).digest()
    assert canon.digest_once(options) == expected
    assert canon.digest_once(copy.deepcopy(options)) == expected
    assert canon.fast + canon.slow == 1  # the second time, remembered
    later = {**options, "created": "2026-03-04T10:00:00Z"}
    assert canon.digest_once(later) == hashlib.sha256(canonicalize(later).encode()).digest()


@pytest.mark.parametrize(
    "shaped",
    [
        {1: "urn:obcore:slot:0"},  # a key that is not a string (not JSON)
        {"@context": ["https://a.example", 1.1]},  # a kept value with a number
        {"@context": [{"@version": 1.1}]},
        {"a": {2: "urn:obcore:slot:0"}},  # the same, one level down
        {"a": [{2: "urn:obcore:slot:0"}]},  # and in a list
        {"a": "pinned value"},  # a pinned value (not a slot)
        {"a": ("urn:obcore:slot:0",)},  # a tuple: not a JSON value the extractor knows
    ],
)
def test_shapes_without_an_extractor_take_the_general_path(shaped: dict[Any, Any]) -> None:
    from obcore.fastcanon import _extractor

    assert _extractor(shaped) is None


def test_an_extractor_checks_scalars_by_type_and_value() -> None:
    from obcore.fastcanon import _extractor

    extract = _extractor({"a": None, "b": 2, "c": ["urn:obcore:slot:0"]})
    assert extract is not None
    assert extract({"a": None, "b": 2, "c": ["x"]}) == ["x"]
    assert extract({"a": None, "b": 2.0, "c": ["x"]}) is None
    assert extract({"a": 0, "b": 2, "c": ["x"]}) is None
    assert extract({"a": None, "b": 2, "c": "x"}) is None
    assert extract({"b": 2, "a": None, "c": ["x"]}) is None
    assert extract([]) is None


def test_a_blank_node_whose_lines_its_values_order() -> None:
    """Two values of one property of a blank node: their lines' order (and whether they are
    one line) depends on the values, so they are sorted per document."""
    canon = ShapeCanonicalizer()
    for tags in (["b", "a"], ["a", "b"], ["a", "a"], ["a", "a b"]):
        document = copy.deepcopy(BASE)
        document["credentialSubject"]["achievement"].pop("id", None)
        document["credentialSubject"]["achievement"]["tag"] = tags
        assert canon.canonicalize(document) == canonicalize(document)
    assert canon.slow == 0


def test_lines_are_ordered_by_their_constants_only_when_these_decide() -> None:
    from obcore.fastcanon import _DependsOnValues, _static_order

    def line(*segments: str) -> list[tuple[bool, str]]:
        return [(text.startswith("v["), text) for text in segments]

    assert _static_order(line("<", "v[0]", "> <a> x"), line("<", "v[0]", "> <b> x")) == -1
    assert _static_order(line("_:a <b>"), line("<", "v[1]", "> <a>")) == 1
    for first, second in [
        (line("<", "v[0]", "> x"), line("<", "v[1]", "> x")),  # two values
        (line("<a", "v[0]"), line("<a>")),  # a constant that another one starts with
        (line("<a> x"), line("<a> x")),  # the same line
    ]:
        with pytest.raises(_DependsOnValues):
            _static_order(first, second)


def test_two_subjects_with_the_same_iri_are_one_subject() -> None:
    """The credential's id that is also its issuer's: their lines are sorted together."""
    canon = ShapeCanonicalizer()
    for number in range(3):
        document = copy.deepcopy(BASE)
        document["id"] = f"https://a.example/{number}"
        assert canon.canonicalize(document) == canonicalize(document)
        document["issuer"] = {**document["issuer"], "id": document["id"]}
        assert canon.canonicalize(document) == canonicalize(document)
    assert canon.slow == 0
    # A subject IRI with a '>' (not a plain IRI: it is part of the shape) is no text that
    # orders its lines as a whole: the dataset's lines are sorted together.
    document = copy.deepcopy(BASE)
    document["id"] = "urn:example:a>b"
    assert canon.canonicalize(document) == canonicalize(document)
    assert canon.slow == 0


def test_a_recurring_document_that_is_not_json_is_refused_as_the_full_algorithm_does() -> None:
    from obcore.errors import InputError

    document = {**copy.deepcopy(BASE), "name": {"a set", "not JSON"}}
    with pytest.raises(InputError, match="type set is not JSON"):
        canonicalize(document)
    with pytest.raises(InputError, match="type set is not JSON"):
        ShapeCanonicalizer().digest_once(document)
