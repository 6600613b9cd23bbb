"""The static loader and safe mode."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from obcore.contexts import CONTEXT_FILES, load_context
from obcore.errors import ContextError, SafeModeError
from obcore.jsonld import canonicalize, document_loader, expand

pytestmark = pytest.mark.nodjango

BASE: dict[str, Any] = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ],
    "id": "urn:uuid:2b9a4e2c-5f0e-4f5a-9d1c-0d8d2d8f6a11",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {"id": "https://issuer.example/i", "type": ["Profile"], "name": "Issuer"},
    "validFrom": "2026-01-01T00:00:00Z",
    "credentialSubject": {
        "type": ["AchievementSubject"],
        "achievement": {
            "id": "https://issuer.example/a/1",
            "type": ["Achievement"],
            "name": "Badge",
            "description": "d",
            "criteria": {"narrative": "c"},
        },
    },
}


@pytest.mark.parametrize("url", sorted(CONTEXT_FILES))
def test_every_bundled_context_loads(url: str) -> None:
    document = document_loader(url)["document"]
    assert "@context" in document
    assert load_context(url) is document  # cached


def test_unknown_context_is_never_fetched() -> None:
    with pytest.raises(ContextError, match=r"https://evil\.example/ctx is not known"):
        expand({**BASE, "@context": [*BASE["@context"], "https://evil.example/ctx"]})


def test_valid_credential_expands_and_canonicalises() -> None:
    assert expand(BASE)
    nquads = canonicalize(BASE)
    assert "<https://purl.imsglobal.org/spec/vc/ob/vocab.html#Achievement>" in nquads


@pytest.mark.parametrize(
    ("path", "value", "reported"),
    [
        (("credentialSubject", "favouriteColour"), "blue", "property 'favouriteColour'"),
        (("awardedOn",), "2026-01-01T00:00:00Z", "property 'awardedOn'"),
        (("credentialSubject", "achievement", "type"), ["Achievement", "Trophy"], "type 'Trophy'"),
    ],
)
def test_safe_mode_names_undefined_terms(path: tuple[str, ...], value: Any, reported: str) -> None:
    import copy

    document = copy.deepcopy(BASE)
    node = document
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    with pytest.raises(SafeModeError, match=reported) as caught:
        canonicalize(document)
    assert caught.value.problems
    assert expand(document, safe=False)  # PyLD alone would have dropped it silently


def test_relative_identifiers_are_refused() -> None:
    with pytest.raises(SafeModeError, match="relative IRI"):
        expand({**BASE, "id": "credential-1"})


@pytest.mark.parametrize("document", [[], "x", {"id": "x"}, {"@context": {"@version": 9}}])
def test_not_json_ld(document: Any) -> None:
    with pytest.raises(SafeModeError):
        expand(document)


@settings(max_examples=60, deadline=None)
@given(st.from_regex(r"[a-z][A-Za-z]{2,12}", fullmatch=True))
def test_any_unknown_property_is_caught(name: str) -> None:
    known = set(load_context(BASE["@context"][1])["@context"]) | set(
        load_context(BASE["@context"][0])["@context"]
    )
    if name in known:
        return
    document = {**BASE, "credentialSubject": {**BASE["credentialSubject"], name: "x"}}
    with pytest.raises(SafeModeError, match=name):
        expand(document)


def test_bundled_files_are_the_pinned_bytes() -> None:
    """Contexts are immutable: ``vectors/contexts.sha256`` pins the bundled files
    (``sha256sum -c``), so that a change is deliberate (``scripts/update_contexts.py``, then the
    tests against their packages and the official files; sources in ``obcore.contexts``)."""
    import hashlib
    from importlib.resources import files
    from pathlib import Path

    pinned = dict(
        reversed(line.split("  ", 1))
        for line in (Path(__file__).parent / "vectors" / "contexts.sha256").read_text().splitlines()
    )
    folder = files("obcore.contexts")
    assert set(CONTEXT_FILES.values()) == set(pinned)
    for name, digest in pinned.items():
        assert hashlib.sha256(folder.joinpath(name).read_bytes()).hexdigest() == digest, name


def test_aliases_share_one_document() -> None:
    assert load_context("https://purl.imsglobal.org/spec/ob/v3p0/context.json") is load_context(
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.0.json"
    )
    assert load_context("https://w3id.org/openbadges/v2") is load_context(
        "https://openbadgespec.org/v2/context.json"
    )


def test_clr_credential_expands_in_safe_mode() -> None:
    clr = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:7d9c1d8e-0000-4000-8000-000000000001",
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": {"id": "https://issuer.example/i", "type": ["Profile"], "name": "Issuer"},
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "Transcript",
        "credentialSubject": {
            "type": ["ClrSubject"],
            "verifiableCredential": [BASE],
            "association": [
                {
                    "type": "Association",
                    "associationType": "isChildOf",
                    "sourceId": "https://issuer.example/a/1",
                    "targetId": "https://issuer.example/a/2",
                }
            ],
        },
    }
    nquads = canonicalize(clr)
    assert "<https://purl.imsglobal.org/spec/vc/clr/vocab.html#ClrCredential>" in nquads


def test_ob2_context_is_the_corrected_one() -> None:
    """The OB 2.0 context was corrected in place in 2020: targetFramework is schema.org's
    educationalFramework."""
    document = {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "AlignmentObject",
        "targetFramework": "ESCO",
    }
    assert "educationalFramework" in canonicalize(document)


def test_loader_result_shape_and_error() -> None:
    answer = document_loader("https://www.w3.org/ns/credentials/v2")
    assert answer["documentUrl"] == "https://www.w3.org/ns/credentials/v2"
    with pytest.raises(ContextError, match=r"https://www\.w3\.org/ns/credentials/v3"):
        document_loader("https://www.w3.org/ns/credentials/v3")


@settings(max_examples=40, deadline=None)
@given(
    st.from_regex(r"[A-Z][A-Za-z]{2,12}", fullmatch=True),
    st.sampled_from(["credentialSubject", "issuer", "achievement"]),
)
def test_any_unknown_type_is_caught_with_its_path(name: str, where: str) -> None:
    known = set(load_context(BASE["@context"][1])["@context"]) | set(
        load_context(BASE["@context"][0])["@context"]
    )
    if name in known:
        return
    import copy

    document = copy.deepcopy(BASE)
    node = (
        document["credentialSubject"]["achievement"] if where == "achievement" else document[where]
    )
    node["type"] = [*node["type"], name]
    with pytest.raises(SafeModeError, match=f"type '{name}'") as caught:
        expand(document)
    assert where in caught.value.problems[0]


@pytest.mark.parametrize(
    ("context", "key", "reported"),
    [
        ({"@vocab": None}, "favouriteColour", "'favouriteColour', which expands to no IRI"),
        ({"favouriteColour": None}, "favouriteColour", "a term defined as null"),
        (None, "@comment", "looks like a keyword"),
    ],
)
def test_properties_json_ld_would_drop_are_refused(context: Any, key: str, reported: str) -> None:
    """Without safe mode these properties vanish from the RDF, so a signature verifies while
    the document carries unsigned data (Digital Bazaar's safe mode refuses them too)."""
    import copy

    document = copy.deepcopy(BASE)
    if context is not None:
        document["@context"] = [*document["@context"], context]
    document["credentialSubject"][key] = "blue"
    with pytest.raises(SafeModeError, match="dropped by JSON-LD") as caught:
        canonicalize(document)
    assert reported in caught.value.problems[0]
    if context != {"@vocab": None}:  # (PyLD alone fails on that one: KeyError '@vocab')
        unsigned = copy.deepcopy(BASE)
        unsigned["@context"] = document["@context"]
        assert canonicalize(document, safe=False) == canonicalize(unsigned, safe=False)


def test_types_that_fall_back_to_the_base_are_relative_iris() -> None:
    document = {**BASE, "@context": [*BASE["@context"], {"@vocab": None}]}
    document["type"] = ["VerifiableCredential", "OpenBadgeCredential", "Diploma"]
    with pytest.raises(SafeModeError, match=r"type 'Diploma' \(a relative IRI\)"):
        canonicalize(document)


def test_values_of_undefined_vocabulary_terms_are_named() -> None:
    """An @type: @vocab value that is no term lands in the sentinel namespace too."""
    document = {**BASE, "credentialStatus": {"type": "NoSuchStatusType"}}
    with pytest.raises(SafeModeError, match="NoSuchStatusType"):
        canonicalize(document)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({1, 2}, "type set is not JSON"),
        (b"bytes", "type bytes is not JSON"),
        ((1, 2), "type tuple is not JSON"),
        (float("nan"), "nan is not a JSON value"),
    ],
)
def test_values_json_does_not_have_are_refused(value: Any, message: str) -> None:
    """PyLD would drop them silently; the bulk path refuses them the same way."""
    from obcore.errors import InputError
    from obcore.fastcanon import ShapeCanonicalizer

    document = {**BASE, "name": value}
    with pytest.raises(InputError, match=message):
        canonicalize(document)
    with pytest.raises(InputError, match=message):
        ShapeCanonicalizer().canonicalize(document)
    with pytest.raises(InputError, match="not a string"):
        canonicalize({**BASE, 1: "x"})


def test_numbers_beyond_a_double_are_refused() -> None:
    with pytest.raises(SafeModeError, match="int too large"):
        canonicalize({**BASE, "name": 10**400})


def test_the_walker_tolerates_any_expanded_shape() -> None:
    from obcore.jsonld import undefined_terms

    sentinel = "urn:obcore:undefined-term#"
    expanded = [{"@graph": ["free text", {f"{sentinel}x": [{"@value": 1}]}], "@id": sentinel + "y"}]
    assert undefined_terms(expanded) == ["@graph[1]: property 'x'", "(document): value 'y'"]


def test_context_errors_are_found_however_deeply_wrapped() -> None:
    from obcore.jsonld import _context_error

    inner = ContextError("the JSON-LD context https://x.example/ is not known")
    outer = RuntimeError("outer")
    outer.__cause__ = RuntimeError("middle")
    outer.__cause__.__cause__ = inner
    assert _context_error(outer) is inner
    looping = RuntimeError("a")
    looping.__context__ = RuntimeError("b")
    looping.__context__.__context__ = looping
    assert _context_error(looping) is None
