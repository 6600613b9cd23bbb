"""JSON Schemas for OB 3.0 documents, bundled (never fetched) and checked with ``jsonschema``.

The official 1EdTech schemas are published only on purl.imsglobal.org, not in any package a
registry serves, so these are Blason's own, written from the OB 3.0 data model: the same
required properties, enumerations, ``@context`` order, arrays for multi-valued properties and
``date-time`` formats, plus two rules 1EdTech leaves to its validator (subject ``id`` or
``identifier``; ``type`` containing the class). ``index.json`` lists the kinds.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from functools import cache
from importlib.resources import files
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import best_match
from referencing import Registry, Resource

from obcore.errors import DocumentError, SchemaValidationError
from obcore.messages import Message

__all__ = ["KINDS", "schema", "schema_messages", "schema_problems", "validate_schema"]


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(files(__name__).joinpath(name).read_text("utf-8"))
    return data


_INDEX = _load("index.json")
KINDS: tuple[str, ...] = tuple(_INDEX["kinds"])


def _kind(kind: str) -> str:
    name = _INDEX["aliases"].get(kind, kind)
    if name not in _INDEX["kinds"]:
        raise DocumentError(f"unknown schema kind {kind!r}; known: {', '.join(KINDS)}")
    return str(name)


def schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of ``kind`` (see :data:`KINDS`; class names are accepted too)."""
    return _load(_INDEX["kinds"][_kind(kind)])


@cache
def _validator(kind: str) -> Draft202012Validator:
    # Compiled once per kind: validating a credential is then a tree walk, no I/O.
    resources = [
        (document["$id"], Resource.from_contents(document))
        for document in (_load(name) for name in [*_INDEX["shared"], *_INDEX["kinds"].values()])
    ]
    registry: Registry[Any] = Registry().with_resources(resources)
    return Draft202012Validator(schema(kind), registry=registry, format_checker=FormatChecker())


def schema_problems(document: Any, kind: str) -> list[str]:
    """Every schema error as ``"path: message"`` (empty when the document is valid)."""
    validator = _validator(_kind(kind))
    problems = []
    for error in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path)):
        path = "".join(
            f"[{part}]" if isinstance(part, int) else f".{part}" for part in error.absolute_path
        ).lstrip(".")
        problems.append(f"{path or '$'}: {error.message}")
    return problems


def _path(error: Any) -> str:
    path = "".join(
        f"[{part}]" if isinstance(part, int) else f".{part}" for part in error.absolute_path
    ).lstrip(".")
    return path or "$"


def _message(error: Any) -> Message:
    path = _path(error)
    if error.validator == "required":  # one error per missing property, named in its text
        names = [n for n in error.validator_value if repr(n) in error.message] or ["?"]
        return Message("schema.required", path=path, property=names[0])
    if error.validator == "type":
        expected = error.validator_value
        names = expected if isinstance(expected, list) else [expected]
        return Message("schema.type", path=path, expected=" or ".join(map(str, names)))
    if error.validator == "format":
        return Message("schema.format", path=path, format=error.validator_value)
    if error.validator in ("enum", "const", "pattern", "contains", "minItems", "minLength"):
        return Message("schema.value", path=path)
    if error.validator in ("anyOf", "oneOf"):
        # the form the value came closest to says best what is missing (an issuer object
        # without its id: "issuer.id is required", not "no form matches")
        shaped = [e for e in error.context or () if e.validator != "type"]  # forms of its type
        closest = best_match(shaped or error.context or [])
        return _message(closest) if closest is not None else Message("schema.choice", path=path)
    return Message("schema.other", path=path, text=error.message)


# Documents checked lately, by kind and digest of their JSON (a document verified again is
# not walked again: the outcome depends on nothing else). Bounded, least recently used first.
_CHECKED: OrderedDict[tuple[str, str], list[Message]] = OrderedDict()
_CHECKED_SIZE = 512
_checked_lock = threading.Lock()


def _digest(document: Any) -> str | None:
    try:
        text = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError):  # not JSON: checked, never kept
        return None
    return hashlib.sha256(text.encode()).hexdigest()


def schema_messages(document: Any, kind: str) -> list[Message]:
    """Every schema error as a :class:`~obcore.messages.Message` naming the path (and the
    missing property, the expected type or format), in document order."""
    kind = _kind(kind)
    digest = _digest(document)
    key = (kind, digest or "")
    if digest is not None:
        with _checked_lock:
            found = _CHECKED.get(key)
            if found is not None:
                _CHECKED.move_to_end(key)
                return list(found)
    validator = _validator(kind)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    messages = [_message(error) for error in errors]
    if digest is not None:
        with _checked_lock:
            _CHECKED[key] = list(messages)
            while len(_CHECKED) > _CHECKED_SIZE:
                _CHECKED.popitem(last=False)
    return messages


def validate_schema(document: Any, kind: str) -> None:
    """Raise :class:`~obcore.errors.SchemaValidationError` unless ``document`` is valid."""
    problems = schema_problems(document, kind)
    if problems:
        raise SchemaValidationError(
            f"not a valid {kind}: {problems[0]}"
            + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""),
            problems=problems,
        )
