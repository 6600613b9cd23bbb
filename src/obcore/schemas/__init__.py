"""JSON Schemas for OB 3.0 documents, bundled (never fetched) and checked with ``jsonschema``.

The official 1EdTech schemas are published only on purl.imsglobal.org, not in any package a
registry serves, so these are Blason's own, written from the OB 3.0 data model: the same
required properties, enumerations, ``@context`` order, arrays for multi-valued properties and
``date-time`` formats, plus two rules 1EdTech leaves to its validator (subject ``id`` or
``identifier``; ``type`` containing the class). ``index.json`` lists the kinds.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

from obcore.errors import DocumentError, SchemaValidationError

__all__ = ["KINDS", "schema", "schema_problems", "validate_schema"]


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


def validate_schema(document: Any, kind: str) -> None:
    """Raise :class:`~obcore.errors.SchemaValidationError` unless ``document`` is valid."""
    problems = schema_problems(document, kind)
    if problems:
        raise SchemaValidationError(
            f"not a valid {kind}: {problems[0]}"
            + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""),
            problems=problems,
        )
