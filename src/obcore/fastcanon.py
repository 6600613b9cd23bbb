"""Fast, exact RDFC-1.0 canonicalisation for many documents of one *shape*.

Issuing a badge to 10,000 people produces 10,000 credentials that differ only in a few values
(ids, dates, the recipient's identity). JSON-LD expansion is what costs, and it depends only on
the document's structure, so ``ShapeCanonicalizer``:

1. reduces each document to its shape — its structure, with every string value that may vary
   replaced by a unique *slot* token (``@context``, types and JSON-LD keywords stay as they are);
2. expands one template per shape (with the safe-mode check) and converts it to RDF once,
   remembering where each slot lands in the quads, as an IRI or as a literal;
3. for each document, puts the real values back into the quads and runs the first-degree part
   of RDFC-1.0: when every blank node has a distinct first-degree hash (the usual case for a
   credential), the canonical labels follow from the sorted hashes and the result is exactly
   what the full algorithm produces; otherwise it falls back to the full algorithm.

A value that could change the expansion itself — an IRI-position value that is not a plain
``http(s):``, ``urn:`` or ``did:`` IRI (it might be a term or a compact IRI), or a shape whose
slots land inside JSON literals — also falls back to the full algorithm. The differential test in
``tests/obcore/test_fastcanon.py`` checks byte-identical output against ``jsonld.canonicalize``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pyld.nquads import escape

from obcore import _json, jsonld
from obcore.errors import InputError

__all__ = ["ShapeCanonicalizer"]

_SLOT = "urn:obcore:slot:"
_SLOT_RE = re.compile(r"urn:obcore:slot:(\d+)")
_SAFE_IRI = re.compile(r"(?:https?://|urn:|did:)[^\s<>\"{}|\\^`]+")
_KEPT_KEYS = {
    "@context",
    "type",
    "@type",
    "@language",
    "@direction",
    "@base",
    "@vocab",
    "@container",
    "@version",
}
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

# A term: (kind, value, suffix). kind: "iri" | "bnode" | "literal"; value may be a slot number.
Term = tuple[str, str | int, str]


@dataclass(frozen=True)
class _Template:
    quads: tuple[tuple[Term, Term, Term], ...]
    iri_slots: frozenset[int]


def _shape(document: Any, values: list[str], pinned: frozenset[int], depth: int = 0) -> Any:
    """The document with its string values replaced by slots, except the ``pinned`` ones.

    Every string value is numbered in traversal order (``values``), pinned or not, so that slot
    numbers do not depend on which values are pinned.
    """
    if isinstance(document, dict | list) and depth >= _json.MAX_DEPTH:
        raise InputError(f"the JSON is nested more than {_json.MAX_DEPTH} levels deep")
    if isinstance(document, dict):
        return {
            key: (value if key in _KEPT_KEYS else _shape(value, values, pinned, depth + 1))
            for key, value in document.items()
        }
    if isinstance(document, list):
        return [_shape(item, values, pinned, depth + 1) for item in document]
    if isinstance(document, str):
        values.append(document)
        index = len(values) - 1
        return document if index in pinned else f"{_SLOT}{index}"
    return document


def _term(component: Mapping[str, Any]) -> Term:
    kind, value = component["type"], component["value"]
    if kind == "IRI":
        match = _SLOT_RE.fullmatch(value)
        return ("iri", int(match.group(1)) if match else value, "")
    if kind == "blank node":
        return ("bnode", value, "")
    datatype = component.get("datatype", _XSD_STRING)
    if datatype == _RDF_LANGSTRING:
        suffix = "@" + component["language"] if component.get("language") else ""
    elif datatype == _XSD_STRING:
        suffix = ""
    else:
        suffix = f"^^<{datatype}>"
    match = _SLOT_RE.fullmatch(value)  # (a JSON literal is never a bare slot: it has quotes)
    return ("literal", int(match.group(1)) if match else value, suffix)


def _template(shaped: dict[str, Any]) -> _Template | None:
    expanded = jsonld.expand(shaped)  # safe mode: undefined terms are refused here
    dataset = jsonld.to_rdf(expanded)
    if set(dataset) != {"@default"}:
        return None
    quads = [
        (_term(triple["subject"]), _term(triple["predicate"]), _term(triple["object"]))
        for triple in dataset["@default"]
    ]
    # A slot must be a whole IRI or a whole literal, never part of a longer one (such as the
    # text of a JSON literal).
    if _SLOT_RE.search(json.dumps(quads)):
        return None
    iri_slots = frozenset(
        term[1] for quad in quads for term in quad if term[0] == "iri" and isinstance(term[1], int)
    )
    return _Template(tuple(quads), iri_slots)


def _render(term: Term, values: list[str], bnode: str | None = None) -> str:
    kind, value, suffix = term
    text = values[value] if isinstance(value, int) else value
    if kind == "iri":
        return f"<{text}>"
    if kind == "bnode":
        return text if bnode is None else ("_:a" if text == bnode else "_:z")
    return f'"{escape(text)}"{suffix}'


class ShapeCanonicalizer:
    """RDFC-1.0 N-Quads, fast for documents of a shape already seen. Not thread-safe."""

    def __init__(self, max_shapes: int = 256) -> None:
        self._templates: dict[str, _Template | None] = {}
        self._digests: dict[str, bytes] = {}
        self._max_shapes = max_shapes
        self.fast = 0
        self.slow = 0

    def _lookup(
        self, document: Mapping[str, Any], pinned: frozenset[int]
    ) -> tuple[_Template | None, list[str]]:
        values: list[str] = []
        shaped = _shape(dict(document), values, pinned)
        try:
            key = json.dumps(shaped, sort_keys=True, ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError):  # not JSON: the full algorithm says what is wrong
            return None, values
        if key not in self._templates:
            if len(self._templates) >= self._max_shapes:
                self._templates.clear()
            self._templates[key] = _template(shaped)
        return self._templates[key], values

    def canonicalize(self, document: Mapping[str, Any]) -> str:
        template, values = self._lookup(document, frozenset())
        if template is None:
            return self._slow(document)
        # Values in IRI positions that are terms or compact IRIs ("assertionMethod") change the
        # expansion: they become part of the shape instead of slots.
        unsafe = frozenset(i for i in template.iri_slots if not _SAFE_IRI.fullmatch(values[i]))
        if unsafe:
            template, values = self._lookup(document, unsafe)
            if template is None or any(
                not _SAFE_IRI.fullmatch(values[i]) for i in template.iri_slots
            ):
                return self._slow(document)
        result = _first_degree(template, values)
        if result is None:
            return self._slow(document)
        self.fast += 1
        return result

    def digest_once(self, document: Mapping[str, Any]) -> bytes:
        """SHA-256 of the canonical form of a document that recurs as it is (the proof options
        of a batch of credentials): canonicalised the first time, remembered after."""
        try:
            key = json.dumps(document, sort_keys=True, ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError):
            return hashlib.sha256(self.canonicalize(document).encode()).digest()
        digest = self._digests.get(key)
        if digest is None:
            if len(self._digests) >= self._max_shapes:
                self._digests.clear()
            digest = self._digests[key] = hashlib.sha256(
                self.canonicalize(document).encode()
            ).digest()
        return digest

    def _slow(self, document: Mapping[str, Any]) -> str:
        self.slow += 1
        return jsonld.canonicalize(document)


def _first_degree(template: _Template, values: list[str]) -> str | None:
    bnode_quads: dict[str, list[tuple[Term, Term, Term]]] = {}
    for quad in template.quads:
        for term in (quad[0], quad[2]):
            if term[0] == "bnode":
                bnode_quads.setdefault(str(term[1]), []).append(quad)
    hashes: dict[str, str] = {}
    for bnode, quads in bnode_quads.items():
        # A set: two slots holding the same value make two template quads one RDF quad.
        lines = sorted(
            {
                f"{_render(s, values, bnode)} {_render(p, values)} {_render(o, values, bnode)} .\n"
                for s, p, o in quads
            }
        )
        hashes[bnode] = hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()
    if len(set(hashes.values())) != len(hashes):
        return None  # blank nodes not told apart by their first-degree hash: full algorithm
    labels = {
        bnode: f"_:c14n{index}"
        for index, bnode in enumerate(sorted(hashes, key=hashes.__getitem__))
    }

    def final(term: Term) -> str:
        if term[0] == "bnode":
            return labels[str(term[1])]
        return _render(term, values)

    # A dataset is a set of quads: the same IRI in two slots (a badge image that is also the
    # credential's image) yields the same quad twice, which RDFC-1.0 keeps once.
    lines = sorted({f"{final(s)} {final(p)} {final(o)} .\n" for s, p, o in template.quads})
    return "".join(lines)
