"""Fast, exact RDFC-1.0 canonicalisation for many documents of one *shape*.

Why one module of over 400 lines: the shape of a document, its template, the generated
extractor and the compiled quads are one mechanism; each is only right with the others in view
(slot numbers follow one traversal order everywhere).

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

import functools
import hashlib
import json
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pyld.nquads import escape

from obcore import _json, jsonld
from obcore.errors import InputError

__all__ = ["ShapeCanonicalizer"]

_SLOT = "urn:obcore:slot:"
_SLOT_RE = re.compile(r"urn:obcore:slot:(\d+)")
_SAFE_IRI = re.compile(r"(?:https?://|urn:|did:)[^\s<>\"{}|\\^`]+")
_ESCAPED = re.compile(r'[\\\t\n\r"]')  # what ``escape`` changes
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
_RECENT_SHAPES = 8  # shapes whose generated extractor is tried before walking a document
_MAX_REMEMBERED = 4096  # first-degree hashes kept for the blank nodes that recur in a batch
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

# A term: (kind, value, suffix). kind: "iri" | "bnode" | "literal"; value may be a slot number.
Term = tuple[str, str | int, str]


@dataclass(frozen=True)
class _Template:
    quads: tuple[tuple[Term, Term, Term], ...]
    iri_slots: frozenset[int]
    # The quads compiled to functions of a document's values (``v``), the same values escaped
    # for literals (``e``) and, for ``final``, the blank nodes' canonical labels (``L``, in the
    # order of their sorted names in the template). ``first_degree``: per blank node (in that
    # order), the function giving its quads' lines (itself as ``_:a``, others as ``_:z``) and
    # the function giving the values they read; ``final``: every quad's line. Lines come
    # sorted, each once (two slots holding the same value can make two template quads one RDF
    # quad), and joined. ``final_by_subject``: per subject, its text and its lines (see
    # ``by_subject`` in ``_compile``). ``iris_safe``: whether every IRI slot holds a plain IRI.
    first_degree: tuple[tuple[Callable[..., str], Callable[[list[str]], Any]], ...]
    final: Callable[[list[str], list[str], list[str]], str]
    final_by_subject: Callable[..., tuple[tuple[str, str], ...]] | None
    iris_safe: Callable[[list[str]], bool]
    labels: tuple[str, ...]


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
    return _compile(tuple(quads), iri_slots)


def _compile(quads: tuple[tuple[Term, Term, Term], ...], iri_slots: frozenset[int]) -> _Template:
    bnodes = sorted({str(term[1]) for quad in quads for term in quad if term[0] == "bnode"})
    label_number = {bnode: n for n, bnode in enumerate(bnodes)}

    def segments(term: Term, bnode: str | None) -> list[tuple[bool, str]]:
        """One term's text as (is a field, text or field expression) segments."""
        kind, value, suffix = term
        if kind == "bnode":
            if bnode is None:
                return [(True, f"L[{label_number[str(value)]}]")]
            return [(False, "_:a" if value == bnode else "_:z")]
        if isinstance(value, int):
            if kind == "iri":
                return [(False, "<"), (True, f"v[{value}]"), (False, ">")]
            return [(False, '"'), (True, f"e[{value}]"), (False, '"' + suffix)]
        return [(False, _render(term))]

    def line(quad: tuple[Term, Term, Term], bnode: str | None) -> list[tuple[bool, str]]:
        """A quad's line as segments, adjacent constants merged."""
        merged: list[tuple[bool, str]] = []
        parts = [*segments(quad[0], bnode), (False, " "), *segments(quad[1], bnode)]
        parts += [(False, " "), *segments(quad[2], bnode), (False, " .\n")]
        for segment in parts:
            if merged and not segment[0] and not merged[-1][0]:
                merged[-1] = (False, merged[-1][1] + segment[1])
            else:
                merged.append(segment)
        return merged

    def source(line: list[tuple[bool, str]]) -> str:
        return "".join(f"{{{text}}}" if field else _braces(text) for field, text in line)

    def joined(chosen: list[tuple[Term, Term, Term]], bnode: str | None) -> str:
        """Source of the chosen quads' lines, sorted, each once, joined: when their constant
        text alone orders them (then they are all different), one f-string of the lines in
        that order; otherwise one set display of f-strings (one per quad: its constant text
        and the document's values), sorted and joined."""
        rendered = [line(quad, bnode) for quad in chosen]
        try:
            ordered = sorted(rendered, key=functools.cmp_to_key(_static_order))
            return "f" + repr("".join(source(line) for line in ordered))
        except _DependsOnValues:
            items = ", ".join("f" + repr(source(line)) for line in rendered)
            return f'"".join(sorted({{{items}}}))'

    def lines(chosen: list[tuple[Term, Term, Term]], bnode: str | None) -> Callable[..., str]:
        arguments = "v, e" if bnode is not None else "v, e, L"
        return _generated(f"def generated({arguments}):\n    return {joined(chosen, bnode)}\n")  # type: ignore[no-any-return]

    def by_subject() -> Callable[..., tuple[tuple[str, str], ...]] | None:
        """Generated code giving, per subject, its text and a space, and its lines (sorted,
        each once, joined): when no two subjects have the same text, the dataset's lines are
        the subjects' lines in the order of these texts (no text is the start of another: an
        IRI has no space or '>', a label is followed by a space). None when a constant IRI
        in a subject could hold one."""
        subjects: dict[Term, list[tuple[Term, Term, Term]]] = {}
        for quad in quads:
            subjects.setdefault(quad[0], []).append(quad)
        if any(
            t[0] == "iri" and isinstance(t[1], str) and set(t[1]) & {" ", ">"} for t in subjects
        ):
            return None
        pairs = ", ".join(
            f"(f{source([*segments(subject, None), (False, ' ')])!r}, {joined(group, None)})"
            for subject, group in subjects.items()
        )
        return _generated(f"def generated(v, e, L):\n    return ({pairs},)\n")  # type: ignore[no-any-return]

    checks = " and ".join(f"M(v[{index}]) is not None" for index in sorted(iri_slots))
    first_degree = []
    for bnode in bnodes:
        own = [q for q in quads if bnode in {str(t[1]) for t in (q[0], q[2]) if t[0] == "bnode"}]
        slots = sorted({t[1] for q in own for t in q if isinstance(t[1], int)})
        # What the blank node's hash is remembered by: the values its lines read.
        reads = operator.itemgetter(*slots) if slots else (lambda v: ())
        first_degree.append((lines(own, bnode), reads))
    return _Template(
        quads,
        iri_slots,
        tuple(first_degree),
        lines(list(quads), None) if quads else (lambda v, e, L: ""),
        by_subject() if quads else None,
        _generated(f"def generated(v):\n    return {checks or 'True'}\n", M=_SAFE_IRI.fullmatch),
        tuple(f"_:c14n{n}" for n in range(len(bnodes))),
    )


class _DependsOnValues(Exception):
    """Two lines whose order depends on the values in them."""


def _static_order(first: list[tuple[bool, str]], second: list[tuple[bool, str]]) -> int:
    """The order of two lines of segments when their constant text decides it, for any values:
    the same segments (the same constants, the same fields) up to two different constants
    that differ before either ends; ``_DependsOnValues`` otherwise."""
    for one, other in zip(first, second, strict=False):
        if one == other:
            continue
        if one[0] or other[0] or one[1].startswith(other[1]) or other[1].startswith(one[1]):
            break
        return -1 if one[1] < other[1] else 1
    raise _DependsOnValues


def _braces(text: str) -> str:
    """Constant text for the source of an f-string."""
    return text.replace("{", "{{").replace("}", "}}")


def _generated(source: str, **names: Any) -> Any:
    """The function ``generated`` defined by ``source`` (made from the template's own terms:
    constants are written with ``repr``)."""
    namespace: dict[str, Any] = dict(names)
    exec(source, namespace)  # noqa: S102
    return namespace["generated"]


def _render(term: Term) -> str:
    """The text of a constant IRI or literal."""
    kind, value, suffix = term
    if kind == "iri":
        return f"<{value}>"
    return f'"{escape(str(value))}"{suffix}'


def _extractor(shaped: dict[str, Any]) -> Callable[[Any], list[str] | None] | None:
    """A function that, given a document, returns its slot values when the document has exactly
    this shape (the same keys in the same order, the same kept values, the same non-string
    scalars, a plain ``str`` in every slot) and None otherwise; None when the shape has pinned
    values or kept values other than strings, lists and objects (``True == 1`` in Python).

    Generated code: one flat function of checks and lookups instead of a walk over the document
    and a JSON dump of its shape, for the documents of a batch, which share a few shapes.
    """
    constants: list[Any] = []
    code = ["def extract(x0):", "    v = []"]
    names = iter(range(1, 1 << 30))

    def plain(value: Any) -> bool:
        if isinstance(value, dict):
            return all(type(k) is str and plain(v) for k, v in value.items())
        if isinstance(value, list):
            return all(plain(v) for v in value)
        return type(value) is str

    def constant(value: Any) -> str:
        constants.append(value)
        return f"C[{len(constants) - 1}]"

    def visit(value: Any, name: str) -> bool:
        if isinstance(value, dict):
            if not all(type(key) is str for key in value):
                return False
            code.append(f"    if type({name}) is not dict or tuple({name}) != {tuple(value)!r}:")
            code.append("        return None")
            for key, item in value.items():
                if key in _KEPT_KEYS:
                    if not plain(item):
                        return False
                    code.append(f"    if {name}[{key!r}] != {constant(item)}:")
                    code.append("        return None")
                    continue
                child = f"x{next(names)}"
                code.append(f"    {child} = {name}[{key!r}]")
                if not visit(item, child):
                    return False
            return True
        if isinstance(value, list):
            code.append(f"    if type({name}) is not list or len({name}) != {len(value)}:")
            code.append("        return None")
            for index, item in enumerate(value):
                child = f"x{next(names)}"
                code.append(f"    {child} = {name}[{index}]")
                if not visit(item, child):
                    return False
            return True
        if isinstance(value, str):
            if not _SLOT_RE.fullmatch(value):
                return False  # a pinned value: such shapes take the general path
            code.append(f"    if type({name}) is not str:")
            code.append("        return None")
            code.append(f"    v.append({name})")
            return True
        if type(value) is float:  # -0.0 == 0.0, but they are written and canonicalised apart
            code.append(f"    if type({name}) is not float or {name}.hex() != {value.hex()!r}:")
            code.append("        return None")
            return True
        code.append(f"    if type({name}) is not {type(value).__name__} or {name} != {value!r}:")
        code.append("        return None")
        return value is None or type(value) in (int, float, bool)

    if not visit(shaped, "x0"):
        return None
    code.append("    return v")
    namespace: dict[str, Any] = {"C": constants, "NoneType": type(None)}
    exec("\n".join(code), namespace)  # noqa: S102
    return namespace["extract"]  # type: ignore[no-any-return]


class ShapeCanonicalizer:
    """RDFC-1.0 N-Quads, fast for documents of a shape already seen. Not thread-safe."""

    def __init__(self, max_shapes: int = 256) -> None:
        self._templates: dict[str, _Template | None] = {}
        self._digests: dict[str, bytes] = {}
        self._hashes: dict[Any, str] = {}
        # The extractors of the shapes met last (most recent first), tried before the walk,
        # with their template and the shape as compact JSON (its name for ``slot_values``).
        self._recent: list[tuple[Callable[[Any], list[str] | None], _Template, str]] = []
        # Templates by the shape's compact JSON (``canonicalize_slots``).
        self._by_text: dict[str, _Template | None] = {}
        self._extractors: dict[str, Callable[[Any], list[str] | None] | None] = {}
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
                self._extractors.clear()
                self._by_text.clear()
            self._templates[key] = _template(shaped)
        template = self._templates[key]
        if template is not None and not pinned:
            if key not in self._extractors:
                self._extractors[key] = _extractor(shaped)
            extract = self._extractors[key]
            if extract is not None:  # tried first from now on (most recent first)
                others = [entry for entry in self._recent if entry[0] is not extract]
                text = json.dumps(shaped, ensure_ascii=False, separators=(",", ":"))
                self._recent = [(extract, template, text), *others[: _RECENT_SHAPES - 1]]
        return template, values

    def _match(self, document: Mapping[str, Any]) -> tuple[_Template | None, list[str]]:
        found = self._recent_match(document)
        if found is not None:
            return found[0], found[2]
        return self._lookup(document, frozenset())

    def _recent_match(self, document: Mapping[str, Any]) -> tuple[_Template, str, list[str]] | None:
        for position, (extract, template, text) in enumerate(self._recent):
            values = extract(document)
            if values is not None:
                if position:  # most recent first: a batch alternates between a few shapes
                    self._recent.insert(0, self._recent.pop(position))
                return template, text, values
        return None

    def slot_values(self, document: Mapping[str, Any]) -> tuple[str, list[str]] | None:
        """The document's shape (as compact JSON, slots standing for its string values) and
        its slot values, for ``canonicalize_slots`` in another process: what a bulk signer
        sends its helpers instead of whole documents. None for a document that has no such
        shape (it must then be sent whole)."""
        found = self._recent_match(document)
        if found is None:
            self._lookup(document, frozenset())  # learns the shape, when it has one
            found = self._recent_match(document)
            if found is None:
                return None
        return found[1], found[2]

    def canonicalize_slots(
        self, shape: str, values: list[str], document: Callable[[], Mapping[str, Any]]
    ) -> str:
        """``canonicalize`` of the document of ``shape`` (from ``slot_values``) with these
        values; ``document`` gives it whole, for the cases the shape cannot serve (then the
        same path as ``canonicalize`` is taken)."""
        if shape not in self._by_text:
            shaped = json.loads(shape)
            key = json.dumps(shaped, sort_keys=True, ensure_ascii=False, allow_nan=False)
            if key not in self._templates:
                if len(self._templates) >= self._max_shapes:
                    self._templates.clear()
                    self._extractors.clear()
                    self._by_text.clear()
                self._templates[key] = _template(shaped)
            self._by_text[shape] = self._templates[key]
        template = self._by_text[shape]
        if template is None or not template.iris_safe(values):
            return self.canonicalize(document())
        result = _first_degree(template, values, self._hashes)
        if result is None:
            return self._slow(document())
        self.fast += 1
        return result

    def canonicalize(self, document: Mapping[str, Any]) -> str:
        template, values = self._match(document)
        if template is None:
            return self._slow(document)
        # Values in IRI positions that are terms or compact IRIs ("assertionMethod") change the
        # expansion: they become part of the shape instead of slots.
        if not template.iris_safe(values):
            unsafe = frozenset(i for i in template.iri_slots if not _SAFE_IRI.fullmatch(values[i]))
            template, values = self._lookup(document, unsafe)
            if template is None or not template.iris_safe(values):
                return self._slow(document)
        result = _first_degree(template, values, self._hashes)
        if result is None:
            return self._slow(document)
        self.fast += 1
        return result

    def digest_once(self, document: Mapping[str, Any]) -> bytes:
        """SHA-256 of the canonical form of a document that recurs as it is (the proof options
        of a batch of credentials): canonicalised the first time, remembered after."""
        try:
            # The default encoder (Python's fastest path): a text per document, and the same
            # text only for the same document (keys in another order are another entry).
            key = json.dumps(document)
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


def _first_degree(
    template: _Template, values: list[str], hashes_seen: dict[Any, str]
) -> str | None:
    """RDFC-1.0 when every blank node has a distinct first-degree hash, else None.

    ``hashes_seen`` remembers a blank node's hash by its pattern and the values it reads: in a
    batch most blank nodes (the criteria, the subject pointing at its identifier) read the
    same values in every credential.
    """
    # Literals escaped only when some value has a character to escape (rarely).
    escaped = [escape(value) for value in values] if _ESCAPED.search("".join(values)) else values
    digests: list[str] = []
    for render, reads in template.first_degree:
        key = (render, reads(values))
        digest = hashes_seen.get(key)
        if digest is None:
            digest = hashlib.sha256(render(values, escaped).encode("utf-8")).hexdigest()
            if len(hashes_seen) >= _MAX_REMEMBERED:
                hashes_seen.clear()
            hashes_seen[key] = digest
        digests.append(digest)
    if len(set(digests)) != len(digests):
        return None  # blank nodes not told apart by their first-degree hash: full algorithm
    # Canonical labels follow the sorted hashes; ``final`` takes them in the order of the
    # template's sorted blank node names (the order of ``first_degree``).
    label = dict(zip(sorted(digests), template.labels, strict=True))
    labels = [label[digest] for digest in digests]
    if template.final_by_subject is not None:  # the lines sorted per subject, then the subjects
        groups = template.final_by_subject(values, escaped, labels)
        texts = dict(groups)
        if len(texts) == len(groups):
            return "".join([texts[subject] for subject in sorted(texts)])
    return template.final(values, escaped, labels)
