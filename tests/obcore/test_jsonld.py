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
