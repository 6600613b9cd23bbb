"""The processed-context memo and the single expansion in ``jsonld.canonicalize``.

Differential: whatever the document, the N-Quads are byte-identical to plain PyLD's
``normalize`` (no memo, no sentinel, its own second expansion), across credentials of varied
shapes, context versions, inline and type-scoped contexts.
"""

from __future__ import annotations

import copy
import json
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyld import jsonld as pyld
from pyld.context_resolver import ContextResolver

from obcore import bench, jsonld
from obcore.errors import ObcoreError, SafeModeError
from obcore.jsonld import canonicalize

pytestmark = pytest.mark.nodjango
VECTORS = Path(__file__).parent / "vectors"
OB3 = [
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.0.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20)


class _NoProcessedCache(ContextResolver):  # type: ignore[misc]
    """PyLD's resolver, every processed context computed afresh (PyLD's own cache of processed
    contexts ignores the propagate/protected flags, which makes results depend on history)."""

    def resolve(self, active_ctx: Any, context: Any, base: str, cycles: Any = None) -> Any:
        found = super().resolve(active_ctx, context, base, cycles)
        for item in found:
            item.cache = {}  # what PyLD's LRUCache is read through: never holds anything
            item.set_processed = lambda active, processed: None
        return found


def plain_pyld(document: dict[str, Any]) -> str:
    """The straightforward implementation: PyLD alone, without any processed-context cache,
    normalising the document itself (its own expansion, no sentinel)."""
    options = {
        "documentLoader": jsonld.document_loader,
        "contextResolver": _NoProcessedCache({}, jsonld.document_loader),
        "base": jsonld._BASE,
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
    }
    result: str = pyld.normalize(copy.deepcopy(document), options)
    return result


@st.composite
def documents(draw: Any) -> dict[str, Any]:
    """Bench credentials of any of their 512 shapes, under any OB 3.0 context version, with
    language-tagged values, inline contexts (plain, type-scoped, property-scoped, protected,
    non-propagating) and values that are not strings."""
    document = bench._credential(draw(st.integers(0, 10**6)), draw(st.integers(0, 511)))
    document["@context"][1] = draw(st.sampled_from(OB3))
    document["name"] = draw(text)
    if draw(st.booleans()):
        document["name"] = {"@value": draw(text), "@language": draw(st.sampled_from(["fr", "EN"]))}
    if draw(st.booleans()):
        document["@context"].append("https://purl.imsglobal.org/spec/ob/v3p0/extensions.json")
    inline = draw(st.sampled_from(["none", "vocab", "scoped", "property", "propagate"]))
    subject = document["credentialSubject"]
    if inline == "vocab":
        document["@context"].append({"ex": "https://ex.example/vocab#", "score": "ex:score"})
        subject["score"] = draw(
            st.one_of(st.integers(), st.floats(allow_nan=False, allow_infinity=False), text)
        )
    elif inline == "scoped":
        document["@context"].append(
            {
                "Extra": {
                    "@id": "https://ex.example/vocab#Extra",
                    "@context": {"level": {"@id": "https://ex.example/vocab#level"}},
                }
            }
        )
        subject["achievement"]["type"] = ["Achievement", "Extra"]
        subject["achievement"]["level"] = draw(text)
    elif inline == "property":
        document["@context"].append(
            {
                "extra": {
                    "@id": "https://ex.example/vocab#extra",
                    "@context": {"@vocab": "https://ex.example/inner#"},
                }
            }
        )
        document["extra"] = {"anything": draw(text), "deeper": {"more": draw(text)}}
    elif inline == "propagate":
        subject["@context"] = {"@propagate": False, "note": "https://ex.example/vocab#note"}
        subject["note"] = draw(text)
    return document


EX = "https://ex.example/vocab#"
# Term definitions whose processing depends on everything the memo key holds: the same scoped
# context applied as a type (not propagated) and as a property (propagated), protected terms,
# containers (list, language, graph, index) and JSON literals.
TERMS: dict[str, Any] = {
    "Dual": {"@id": f"{EX}Dual", "@context": {"q": "https://ex.example/scoped#q"}},
    "Sticky": {
        "@id": f"{EX}Sticky",
        "@context": {"@propagate": True, "q": {"@id": "https://ex.example/sticky#q"}},
    },
    "Guarded": {"@id": f"{EX}Guarded", "@protected": True, "@context": {"r": f"{EX}guarded-r"}},
    "items": {"@id": f"{EX}items", "@container": "@list"},
    "names": {"@id": f"{EX}names", "@container": "@language"},
    "link": {"@id": f"{EX}link", "@type": "@id"},
    "graph": {"@id": f"{EX}graph", "@container": "@graph"},
    "byKey": {"@id": f"{EX}byKey", "@container": "@index"},
    "raw": {"@id": f"{EX}raw", "@type": "@json"},
}
KEYS = ["@type", "p", "q", "r", *TERMS]
leaf = st.one_of(text, st.integers(-5, 5), st.booleans(), st.none())


def _value(key: str, nodes: Any) -> Any:
    if key == "@type":
        return st.sampled_from(["Dual", "Sticky", "Guarded", "Plain"]).map(lambda t: t)
    if key == "items":
        return st.lists(st.one_of(leaf, nodes), max_size=2)
    if key == "names":
        return st.dictionaries(st.sampled_from(["fr", "en", "de-CH"]), text, max_size=2)
    if key == "link":
        return st.sampled_from(["https://a.example/x", "did:example:1", "_:b1"])
    if key == "byKey":
        return st.dictionaries(st.sampled_from(["a", "b"]), nodes, max_size=2)
    if key == "raw":
        return st.dictionaries(st.sampled_from(["x", "y"]), leaf, max_size=2)
    return st.one_of(leaf, nodes, st.lists(nodes, max_size=2))


nodes = st.recursive(
    st.fixed_dictionaries({}, optional={"q": text, "p": text}),
    lambda children: (
        st.sampled_from(KEYS)
        .flatmap(lambda key: st.tuples(st.just(key), _value(key, children)))
        .flatmap(
            lambda first: st.dictionaries(
                st.sampled_from(["p", "q", "r"]), st.one_of(leaf, children), max_size=2
            ).map(lambda rest: {first[0]: first[1], **rest})
        )
    ),
    max_leaves=8,
)


@st.composite
def generic_documents(draw: Any) -> dict[str, Any]:
    """Small JSON-LD documents over an inline context of scoped and container terms."""
    chosen = draw(st.lists(st.sampled_from(sorted(TERMS)), unique=True, min_size=3))
    context = [{"@vocab": EX}, {name: TERMS[name] for name in chosen}]
    body = draw(nodes)
    return {"@context": context, "@id": "https://ex.example/doc", **body}


SCOPED = {"q": "https://ex.example/scoped#q", "r": "https://ex.example/scoped#r"}
Q_ONLY = {"q": SCOPED["q"]}
PAIR_CONTEXT = [
    {"@vocab": EX},
    {"@protected": True, "r": f"{EX}r"},
    {
        "Dual": {"@id": f"{EX}Dual", "@context": SCOPED},
        "Single": {"@id": f"{EX}Single", "@context": Q_ONLY},
    },
]
# The same local context on the same active context, processed as a type-scoped context (not
# propagated), as a node's embedded context (propagated, protected terms kept) and as a
# property-scoped context (propagated, protected terms overridable): three different results.
AS_TYPE_Q = {"@context": PAIR_CONTEXT, "p": {"@type": "Single", "w": {"q": "v"}}}
EMBEDDED = {"@context": PAIR_CONTEXT, "p": {"@context": Q_ONLY, "w": {"q": "v"}}}
AS_TYPE = {"@context": PAIR_CONTEXT, "p": {"@type": "Dual", "w": {"q": "v"}}}
AS_PROPERTY = {"@context": PAIR_CONTEXT, "Dual": {"r": "v"}}
EMBEDDED_PROTECTED = {"@context": PAIR_CONTEXT, "p": {"@context": SCOPED, "r": "v"}}


@pytest.mark.parametrize(
    "pair",
    [
        (AS_TYPE_Q, EMBEDDED),
        (EMBEDDED, AS_TYPE_Q),
        (AS_PROPERTY, EMBEDDED_PROTECTED),
        (EMBEDDED_PROTECTED, AS_PROPERTY),
        (AS_TYPE, AS_PROPERTY),
    ],
)
def test_one_local_context_processed_in_different_ways(pair: tuple[Any, Any]) -> None:
    """The memo key holds the propagation and protection flags (either order, twice)."""
    jsonld._memo.clear()
    for document in (*pair, *pair):
        try:
            ours = canonicalize(document)
        except SafeModeError:
            with pytest.raises(pyld.JsonLdError):
                plain_pyld(document)
            continue
        assert ours == plain_pyld(document)


@pytest.mark.parametrize("first", [None, AS_PROPERTY, EMBEDDED])
def test_the_pairs_do_differ(first: Any) -> None:
    """Whatever was processed before (PyLD's own cache made this depend on history)."""
    if first is not None:
        canonicalize(first)
    assert f"<{EX}q>" in canonicalize(AS_TYPE_Q)  # not propagated to the nested node
    assert "<https://ex.example/scoped#q>" in canonicalize(EMBEDDED)
    assert "<https://ex.example/scoped#r>" in canonicalize(AS_PROPERTY)
    for refused in (EMBEDDED_PROTECTED, AS_TYPE):  # they redefine a protected term
        with pytest.raises(SafeModeError, match="protected"):
            canonicalize(refused)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(generic_documents())
def test_generic_json_ld_gives_the_same_bytes_as_plain_pyld(document: dict[str, Any]) -> None:
    test_same_bytes_as_plain_pyld.hypothesis.inner_test(document)  # type: ignore[attr-defined]


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(documents())
def test_same_bytes_as_plain_pyld(document: dict[str, Any]) -> None:
    try:
        ours = canonicalize(document)
    except SafeModeError as error:
        if error.problems:  # undefined terms: plain PyLD drops them silently, obcore refuses
            return
        with pytest.raises(pyld.JsonLdError):
            plain_pyld(document)
        return
    assert ours == plain_pyld(document)


@pytest.mark.parametrize(
    "name",
    [
        "w3c-alumni-unsigned.json",
        "w3c-eddsa-rdfc-2022-signed.json",
        "w3c-ed25519signature2020-signed.json",
        "1edtech-ob3-unsigned.json",
        "1edtech-clr2-signed.json",
    ],
)
def test_published_vectors_give_the_same_bytes(name: str) -> None:
    document = json.loads((VECTORS / name).read_text())
    assert canonicalize(document) == plain_pyld(document)


def test_a_new_shape_creates_no_term_definition(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cause of slow verification of arbitrary credentials: PyLD re-created the term
    definitions of type-scoped contexts for every node of every document."""
    canonicalize(bench._credential(1, variant=511))  # every context and scoped type seen once
    expected = {v: plain_pyld(bench._credential(2, variant=v)) for v in (0, 5, 98, 300)}
    calls: list[str] = []
    original = pyld.JsonLdProcessor._create_term_definition

    def counting(self: Any, active_ctx: Any, local_ctx: Any, term: str, *a: Any, **k: Any) -> Any:
        calls.append(term)
        return original(self, active_ctx, local_ctx, term, *a, **k)

    monkeypatch.setattr(pyld.JsonLdProcessor, "_create_term_definition", counting)
    for variant, nquads in expected.items():  # shapes not canonicalised by obcore before
        assert canonicalize(bench._credential(2, variant=variant)) == nquads
    assert calls == []


def test_the_memo_is_bounded_and_stays_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonld, "_memo", OrderedDict())
    monkeypatch.setattr(jsonld, "_MEMO_SIZE", 3)
    for variant in (0, 7, 511):
        document = bench._credential(3, variant=variant)
        assert canonicalize(document) == plain_pyld(document)
        assert len(jsonld._memo) <= 3


def test_large_and_unserialisable_inline_contexts_bypass_the_memo() -> None:
    big = {f"t{n}": f"https://ex.example/vocab#t{n}" for n in range(4000)}
    assert jsonld._context_key(big) is jsonld._UNCACHEABLE  # longer than _MEMO_MAX_KEY
    assert jsonld._context_key({"a": object()}) is jsonld._UNCACHEABLE
    assert jsonld._context_key([{"a": "b"}, None]) is jsonld._UNCACHEABLE
    assert jsonld._context_key(["https://a.example/", {"a": "b"}]) == (
        "list",
        ("https://a.example/", ("inline", '{"a":"b"}')),
    )
    document = bench._credential(4)
    document["@context"].append(big)
    assert canonicalize(document) == plain_pyld(document)


def test_static_contexts_are_named_by_identity_inline_ones_by_content() -> None:
    url = "https://www.w3.org/ns/credentials/v2"
    jsonld.document_loader(url)  # serving a context registers its objects
    scoped = jsonld.load_context(url)["@context"]["VerifiableCredential"]["@context"]
    assert jsonld._context_key(scoped) == ("static", id(scoped))
    assert jsonld._context_key(copy.deepcopy(scoped))[0] == "inline"


def test_concurrent_canonicalisation_agrees() -> None:
    documents = [bench._credential(n, variant=n * 37 % 512) for n in range(16)]
    expected = [plain_pyld(document) for document in documents]
    results: dict[int, str] = {}
    errors: list[BaseException] = []

    def work(offset: int) -> None:
        try:
            for index in range(offset, len(documents), 4):
                results[index] = canonicalize(documents[index])
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(offset,)) for offset in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert [results[index] for index in range(len(documents))] == expected


def test_errors_are_not_memoised() -> None:
    bad = bench._credential(5)
    bad["@context"].append({"@version": 9})
    for _ in range(2):
        with pytest.raises(ObcoreError):
            canonicalize(bad)
