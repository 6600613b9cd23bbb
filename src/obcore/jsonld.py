"""JSON-LD processing, offline and strict.

* A static document loader serves the bundled contexts and nothing else (``ContextError`` names
  an unknown URL); it never touches the network.
* **Safe mode**: Digital Bazaar's libraries and 1EdTech's validator refuse a document with a
  property or type that its contexts do not define, while PyLD silently drops it — which makes a
  signature verify in one stack and not in another. ``expand`` therefore expands with a sentinel
  ``@vocab`` placed *before* the document's own contexts: defined terms are unaffected (later
  contexts win), undefined ones land in the sentinel namespace, where they are found and reported
  with their path. A document without undefined terms expands exactly as without the sentinel, so
  the same expansion feeds canonicalisation.
* ``canonicalize`` returns RDFC-1.0 (URDNA2015) N-Quads of a document, checked in safe mode.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any

from pyld import jsonld as pyld

from obcore.contexts import CONTEXT_FILES, load_context
from obcore.errors import ContextError, SafeModeError

__all__ = ["canonicalize", "document_loader", "expand", "undefined_terms"]

_SENTINEL = "urn:obcore:undefined-term#"
# Relative IRIs are resolved against this base so that they can be recognised and refused.
_BASE = "https://relative-iri.obcore.invalid/"


def document_loader(url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """PyLD document loader serving only the bundled contexts."""
    try:
        document = load_context(url)
    except KeyError:
        raise ContextError(
            f"the JSON-LD context {url} is not known to obcore (known: "
            f"{len(CONTEXT_FILES)} bundled contexts); contexts are never fetched"
        ) from None
    # "static" lets PyLD keep the processed context in its shared cache (contexts are immutable).
    return {"contextUrl": None, "documentUrl": url, "document": document, "tag": "static"}


def _options(**extra: Any) -> dict[str, Any]:
    return {"documentLoader": document_loader, "base": _BASE, **extra}


def _with_sentinel(document: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(document, Mapping):
        raise SafeModeError("a JSON-LD document must be a JSON object")
    context = document.get("@context")
    if context is None:
        raise SafeModeError("the document has no @context")
    contexts = context if isinstance(context, list) else [context]
    return {**document, "@context": [{"@vocab": _SENTINEL}, *contexts]}


def _walk(node: Any, path: str) -> Iterator[tuple[str, str]]:
    """Yield (path, problem) for sentinel terms and relative IRIs in an expanded document."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from _walk(item, path if len(node) == 1 else f"{path}[{index}]")
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key.startswith(_SENTINEL):
            yield path, f"property {key.removeprefix(_SENTINEL)!r}"
        elif key == "@type":
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str) and item.startswith(_SENTINEL):
                    yield path, f"type {item.removeprefix(_SENTINEL)!r}"
                elif isinstance(item, str) and item.startswith(_BASE):
                    yield path, f"type {item.removeprefix(_BASE)!r} (a relative IRI)"
        elif key == "@id" and isinstance(value, str):
            if value.startswith(_SENTINEL):
                yield path, f"value {value.removeprefix(_SENTINEL)!r}"
            elif value.startswith(_BASE):
                yield path, f"identifier {value.removeprefix(_BASE)!r} (a relative IRI)"
        if not key.startswith("@") or key in ("@graph", "@list", "@set", "@included", "@reverse"):
            label = key.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
            yield from _walk(value, f"{path}.{label}" if path else label)


def undefined_terms(expanded: list[Any]) -> list[str]:
    """Problems found in a sentinel expansion, as ``"path: problem"`` strings."""
    return [f"{path or '(document)'}: {problem}" for path, problem in _walk(expanded, "")]


def _context_error(exc: BaseException) -> ContextError | None:
    """PyLD wraps the loader's error several times; find ours to report its clear message."""
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None or isinstance(seen, ContextError):
            return seen
        nested = getattr(seen, "cause", None)
        seen = nested if isinstance(nested, BaseException) else seen.__cause__ or seen.__context__
    return None


def expand(document: Mapping[str, Any], *, safe: bool = True) -> list[Any]:
    """Expand ``document`` with the bundled contexts; in safe mode, refuse undefined terms."""
    try:
        expanded: list[Any] = pyld.expand(
            _with_sentinel(document) if safe else copy.deepcopy(dict(document)), _options()
        )
    except ContextError:
        raise
    except pyld.JsonLdError as exc:
        context_error = _context_error(exc)
        if context_error is not None:
            raise context_error from None
        raise SafeModeError(f"invalid JSON-LD: {exc.type}: {exc.args[0]}") from None
    if safe:
        problems = undefined_terms(expanded)
        if problems:
            raise SafeModeError(
                "undefined JSON-LD terms (other verifiers reject them): "
                + "; ".join(problems[:10]),
                problems=problems,
            )
    return expanded


def canonicalize(document: Mapping[str, Any], *, safe: bool = True) -> str:
    """RDFC-1.0 (URDNA2015) canonical N-Quads of ``document``."""
    expanded = expand(document, safe=safe)
    try:
        nquads: str = pyld.normalize(
            expanded, _options(algorithm="URDNA2015", format="application/n-quads")
        )
    except pyld.JsonLdError as exc:
        raise SafeModeError(f"the document cannot be canonicalised: {exc.type}") from None
    return nquads
