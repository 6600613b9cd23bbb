"""obcore's bundled contexts against the official 1EdTech files (``shared/reference/1edtech``,
see ``tests/reference_files``): each OB 3.0, OB 2.0 and CLR 2.0 context, from its registry
package or written here, is the same JSON as the published one, so it expands every document
to the same RDF and a credential signed with the published context verifies with ours."""

from __future__ import annotations

import copy
import json
from importlib.resources import files
from typing import Any

import pytest
from pyld import jsonld as pyld

from obcore.contexts import CONTEXT_FILES, SOURCES, load_context
from obcore.jsonld import expand
from tests import reference_files

OFFICIAL = sorted(reference_files.OFFICIAL_CONTEXTS)


def test_every_bundled_file_has_a_source() -> None:
    assert set(SOURCES) == set(CONTEXT_FILES.values())
    for name, source in SOURCES.items():
        assert source.origin in {"npm", "pypi", "blason"}, name
        assert all((source.package, source.item, source.licence)), name
    # Every context 1EdTech publishes that obcore reads is compared below.
    bundled_1edtech = {url for url in CONTEXT_FILES if "imsglobal" in url or "openbadges" in url}
    assert bundled_1edtech == set(reference_files.OFFICIAL_CONTEXTS)


@pytest.mark.parametrize("url", OFFICIAL)
def test_the_bundled_context_is_the_official_one(url: str) -> None:
    official = reference_files.context(url)
    assert load_context(url) == official, CONTEXT_FILES[url]


def _to_rdf(document: dict[str, Any], url: str, context: dict[str, Any]) -> str:
    """N-Quads of ``document`` with ``context`` standing for ``url`` (under a URL of its own,
    so that PyLD's shared cache of processed contexts cannot answer for it)."""
    stand_in = f"urn:test:{id(context)}"
    document = {
        **document,
        "@context": [stand_in if c == url else c for c in document["@context"]],
    }

    def load(requested: str, options: Any = None) -> dict[str, Any]:
        found = context if requested == stand_in else load_context(requested)
        return {"contextUrl": None, "documentUrl": requested, "document": copy.deepcopy(found)}

    quads: str = pyld.to_rdf(document, {"documentLoader": load, "format": "application/n-quads"})
    return quads


CLR = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ],
    "id": "urn:uuid:0b7e3c06-3a4b-4e8b-9d3e-5f5b3f0f2a11",
    "type": ["VerifiableCredential", "ClrCredential"],
    "issuer": {"id": "https://example.org/issuer", "type": ["Profile"], "name": "École"},
    "validFrom": "2026-01-10T09:00:00Z",
    "name": "Relevé",
    "partial": True,
    "credentialSubject": {
        "id": "did:example:ines",
        "type": ["ClrSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "identityHash": "ines@example.org",
                "identityType": "emailAddress",
                "hashed": False,
            }
        ],
        "achievement": [
            {
                "id": "https://example.org/achievements/1",
                "type": ["Achievement"],
                "name": "Accueil",
                "description": "Accueillir.",
                "criteria": {"narrative": "Observé."},
            }
        ],
        "association": [
            {
                "type": "Association",
                "associationType": "isParentOf",
                "sourceId": "https://example.org/achievements/1",
                "targetId": "https://example.org/achievements/2",
            }
        ],
        "verifiableCredential": [],
    },
}


def test_a_clr_credential_expands_the_same_with_the_official_context() -> None:
    """Blason's own CLR 2.0.1 context, through PyLD, against the published one: every term of
    ClrCredential, ClrSubject and Association gives the same RDF (and safe mode passes)."""
    url = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
    expand(CLR)  # no undefined term
    ours = _to_rdf(CLR, url, load_context(url))
    theirs = _to_rdf(CLR, url, reference_files.context(url))
    assert ours == theirs
    for term in ("ClrCredential", "partial", "identifier-1", "AssociationType", "sourceId"):
        assert f"clr/vocab.html#{term}" in ours


def test_blason_s_own_files_are_marked_and_documented() -> None:
    readme = (reference_files.ROOT / "src" / "obcore" / "contexts" / "README.md").read_text("utf-8")
    for name, source in SOURCES.items():
        assert f"`{name}`" in readme or name.split("-v")[0] in readme, name
        if source.origin == "blason":
            assert "Blason" in source.licence
    # Blason's own files are valid JSON-LD contexts of one object.
    for name in (n for n, s in SOURCES.items() if s.origin == "blason"):
        document = json.loads(files("obcore.contexts").joinpath(name).read_text("utf-8"))
        assert set(document) == {"@context"}
        assert isinstance(document["@context"], dict)
