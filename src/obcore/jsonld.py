"""JSON-LD processing, offline and strict.

* A static document loader serves the bundled contexts and nothing else (``ContextError`` names
  an unknown URL); it never touches the network.
* **Safe mode**: Digital Bazaar's libraries and 1EdTech's validator refuse a document with a
  property or type that its contexts do not define, while PyLD silently drops it — which makes a
  signature verify in one stack and not in another. ``expand`` therefore expands with a sentinel
  ``@vocab`` placed *before* the document's own contexts: defined terms are unaffected (later
  contexts win), undefined ones land in the sentinel namespace, where they are found and reported
  with their path. A document without undefined terms expands exactly as without the sentinel, so
  the same expansion feeds canonicalisation. A property that expands to no IRI at all — a term
  defined as ``null``, or any term after ``"@vocab": null`` — would still be dropped silently
  (and the signature would not cover it): PyLD reports each drop, and safe mode refuses it.
* ``canonicalize`` returns RDFC-1.0 (URDNA2015) N-Quads of a document, checked in safe mode.

**Processed-context memo.** PyLD caches a processed context per (resolved context, active
context), but a type-scoped context (``"OpenBadgeCredential": {"@context": ...}`` in the OB 3.0
context) is applied to a fresh, unnamed copy of the active context, so PyLD misses its cache and
re-creates every term definition of the scoped context on each node of each document — most of
the cost of verifying a credential of a shape not seen before. ``_Processor`` memoises
``_process_context`` when its result is fully determined by its arguments: the active context is
a frozen, processed context (named by its ``_uuid``, which PyLD never reuses), the local context
is a URL served by the static loader, a dict of a bundled context document (by identity: those
are loaded once and never modified) or any other JSON dict (by content), and the base IRI, the
loader and the flags match. The memoised result is the very context PyLD would have rebuilt, so
expansion is unchanged; ``tests/obcore/test_jsonld.py`` checks the N-Quads byte for byte against
plain PyLD on generated credentials.
"""

from __future__ import annotations

import copy
import json
import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterator, Mapping
from typing import Any

from pyld import jsonld as pyld
from pyld.canon import URDNA2015
from pyld.context_resolver import ContextResolver
from pyld.identifier_issuer import IdentifierIssuer
from pyld.resolved_context import ResolvedContext

from obcore import _json
from obcore.contexts import CONTEXT_FILES, load_context
from obcore.errors import ContextError, SafeModeError

__all__ = ["canonicalize", "document_loader", "expand", "to_rdf", "undefined_terms"]

_SENTINEL = "urn:obcore:undefined-term#"
# Relative IRIs are resolved against this base so that they can be recognised and refused.
_BASE = "https://relative-iri.obcore.invalid/"


# --- the processed-context memo (see the module docstring) -----------------------------------

_FROZEN = type(pyld.freeze({}))  # what PyLD makes of a processed active context
_MEMO_SIZE = 1024  # each entry holds a processed context (~10 kB)
_MEMO_MAX_KEY = 65_536  # a longer inline context is processed by PyLD alone (memory bound)
_memo: OrderedDict[Hashable, Any] = OrderedDict()
_memo_lock = threading.Lock()
# Every dict of a bundled context document served so far, by id(): they are never modified, so
# identity names content, and holding them here keeps each id from being reused.
_static_dicts: dict[int, dict[str, Any]] = {}
_static_urls: set[str] = set()
_UNCACHEABLE = object()


def _register_static(node: Any) -> None:
    """Record the dicts of a context document (bundled contexts hold no lists of objects)."""
    if isinstance(node, dict):
        _static_dicts[id(node)] = node
        for value in node.values():
            _register_static(value)


def _context_key(context: Any) -> Hashable:
    """A hashable name for a local context's content, or ``_UNCACHEABLE``."""
    if isinstance(context, str):
        return context
    if isinstance(context, dict):
        if _static_dicts.get(id(context)) is context:
            return ("static", id(context))
        try:
            text = json.dumps(context, sort_keys=True, separators=(",", ":"))
        except (TypeError, ValueError):
            return _UNCACHEABLE
        return ("inline", text) if len(text) <= _MEMO_MAX_KEY else _UNCACHEABLE
    if isinstance(context, list):
        keys = tuple(_context_key(item) for item in context)
        return _UNCACHEABLE if any(key is _UNCACHEABLE for key in keys) else ("list", keys)
    return _UNCACHEABLE  # null / false resets: cheap, and rare


class _Unprocessed(ResolvedContext):  # type: ignore[misc]
    """A resolved context without PyLD's processed-context cache.

    PyLD keys that cache by the active context alone, ignoring the ``propagate`` and
    ``override_protected`` flags: a context once applied as a property-scoped context (where
    protected terms may be redefined) is then reused as a node's embedded context (where they may
    not), so whether a document is refused depended on what was processed before it. The memo
    below, keyed by the flags too, replaces it.
    """

    def get_processed(self, active_ctx: Any) -> None:
        return None

    def set_processed(self, active_ctx: Any, processed_ctx: Any) -> None:
        return None


class _Resolver(ContextResolver):  # type: ignore[misc]
    """PyLD's resolver (and its shared cache of context documents), minus processed forms."""

    def resolve(self, active_ctx: Any, context: Any, base: str, cycles: Any = None) -> Any:
        resolved = super().resolve(active_ctx, context, base, cycles)
        return [_Unprocessed(item.document) for item in resolved]


class _Processor(pyld.JsonLdProcessor):  # type: ignore[misc]
    """PyLD's processor with ``_process_context`` memoised across documents."""

    def _process_context(
        self,
        active_ctx: Any,
        local_ctx: Any,
        options: dict[str, Any],
        override_protected: bool = False,
        propagate: bool = True,
        validate_scoped: bool = True,
        cycles: set[str] | None = None,
    ) -> Any:
        key: Hashable = _UNCACHEABLE
        if (
            not cycles
            and type(active_ctx) is _FROZEN
            and "_uuid" in active_ctx
            and options.get("documentLoader") is document_loader
        ):
            local_key = _context_key(local_ctx)
            if local_key is not _UNCACHEABLE:
                key = (
                    active_ctx["_uuid"],
                    local_key,
                    options.get("base", ""),
                    options.get("processingMode"),
                    override_protected,
                    propagate,
                    validate_scoped,
                )
        if key is not _UNCACHEABLE:
            with _memo_lock:
                found = _memo.get(key)
                if found is not None:
                    _memo.move_to_end(key)
                    return found
        result = super()._process_context(
            active_ctx,
            local_ctx,
            options,
            override_protected=override_protected,
            propagate=propagate,
            validate_scoped=validate_scoped,
            cycles=cycles,
        )
        if key is not _UNCACHEABLE and type(result) is _FROZEN:
            with _memo_lock:
                _memo[key] = result
                while len(_memo) > _MEMO_SIZE:
                    _memo.popitem(last=False)
        return result

    def expanded_to_rdf(self, expanded: list[Any]) -> dict[str, list[dict[str, Any]]]:
        """The RDF dataset of an *expanded* document: PyLD's ``to_rdf`` minus its expansion.

        ``pyld.normalize`` and ``to_rdf`` expand their input first; expanding an expanded document
        again changes nothing but costs as much as the first expansion did.
        """
        issuer = IdentifierIssuer("_:b")
        node_map: dict[str, dict[str, Any]] = {"@default": {}}
        self._create_node_map(expanded, node_map, "@default", issuer)
        options = {"produceGeneralizedRdf": False, "processingMode": "json-ld-1.1"}
        return {
            name: self._graph_to_rdf(graph, issuer, options)
            for name, graph in sorted(node_map.items())
            if name == "@default" or pyld._is_absolute_iri(name)
        }


def document_loader(url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """PyLD document loader serving only the bundled contexts."""
    try:
        document = load_context(url)
    except KeyError:
        raise ContextError(
            f"the JSON-LD context {url} is not known to obcore (known: "
            f"{len(CONTEXT_FILES)} bundled contexts); contexts are never fetched"
        ) from None
    if url not in _static_urls:
        with _memo_lock:
            _register_static(document)
            _static_urls.add(url)
    # "static" lets PyLD keep the processed context in its shared cache (contexts are immutable).
    return {"contextUrl": None, "documentUrl": url, "document": document, "tag": "static"}


def _options(**extra: Any) -> dict[str, Any]:
    return {
        "documentLoader": document_loader,
        "base": _BASE,
        "contextResolver": _Resolver(pyld._resolved_context_cache, document_loader),
        **extra,
    }


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


def _dropped(name: str | None) -> str:
    """A property JSON-LD would drop unsigned (PyLD gives what it expanded to, not the key)."""
    what = (
        "a term defined as null, or a key that looks like a keyword"
        if name is None
        else f'{name!r}, which expands to no IRI (after "@vocab": null)'
    )
    return f"(document): a property dropped by JSON-LD: {what}"


def _context_error(exc: BaseException) -> ContextError | None:
    """PyLD wraps the loader's error several times; find ours to report its clear message."""
    seen: BaseException | None = exc
    visited: set[int] = set()
    while seen is not None and id(seen) not in visited and not isinstance(seen, ContextError):
        visited.add(id(seen))
        nested = getattr(seen, "cause", None)
        seen = nested if isinstance(nested, BaseException) else seen.__cause__ or seen.__context__
    return seen if isinstance(seen, ContextError) else None


def expand(document: Mapping[str, Any], *, safe: bool = True) -> list[Any]:
    """Expand ``document`` with the bundled contexts; in safe mode, refuse undefined terms.

    A document nested beyond ``obcore._json.MAX_DEPTH`` raises ``InputError`` (expansion
    recurses); one PyLD cannot process raises ``SafeModeError``, even where PyLD itself fails
    with a plain Python error (a value of a type JSON does not have, an integer too long to
    write) instead of a ``JsonLdError``.
    """
    if isinstance(document, Mapping):
        _json.check_document(document)
    dropped: list[str | None] = []
    try:
        expanded: list[Any] = _Processor(on_property_dropped=dropped.append).expand(
            _with_sentinel(document) if safe else copy.deepcopy(dict(document)), _options()
        )
    except pyld.JsonLdError as exc:
        context_error = _context_error(exc)
        if context_error is not None:
            raise context_error from None
        raise SafeModeError(f"invalid JSON-LD: {exc.type}: {exc.args[0]}") from None
    except (ArithmeticError, AttributeError, LookupError, TypeError, ValueError) as exc:
        raise SafeModeError(f"invalid JSON-LD ({type(exc).__name__}: {exc})") from None
    if safe:
        problems = undefined_terms(expanded) + [_dropped(name) for name in dropped]
        if problems:
            raise SafeModeError(
                "undefined JSON-LD terms (other verifiers reject them): "
                + "; ".join(problems[:10]),
                problems=problems,
            )
    return expanded


def to_rdf(expanded: list[Any]) -> dict[str, list[dict[str, Any]]]:
    """The RDF dataset (PyLD's form) of a document already expanded by :func:`expand`."""
    return _Processor().expanded_to_rdf(expanded)


def canonicalize(document: Mapping[str, Any], *, safe: bool = True) -> str:
    """RDFC-1.0 (URDNA2015) canonical N-Quads of ``document``."""
    expanded = expand(document, safe=safe)
    try:
        dataset = to_rdf(expanded)
        nquads: str = URDNA2015().main(
            dataset, {"algorithm": "URDNA2015", "format": "application/n-quads"}
        )
    except pyld.JsonLdError as exc:
        raise SafeModeError(f"the document cannot be canonicalised: {exc.type}") from None
    except (ArithmeticError, TypeError, ValueError) as exc:  # e.g. an integer beyond a double
        raise SafeModeError(f"the document cannot be canonicalised ({exc})") from None
    return nquads
