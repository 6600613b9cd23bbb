"""The official Open Badges 3.0 OpenAPI document (see README.md), and JSON Schema validators
made from its component schemas."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator

DOCUMENT = Path(__file__).resolve().parent / "ob_v3p0_oas.json"


@cache
def _document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(DOCUMENT.read_text(encoding="utf-8"))
    return document


def document() -> dict[str, Any]:
    """A fresh copy of the official document, for the caller to profile."""
    return copy.deepcopy(_document())


@cache
def validator(name: str) -> Draft7Validator:
    """A validator for one of the document's component schemas (``Profile``...), formats
    checked (``date``, ``date-time``). OpenAPI 3.0 schemas are a subset of JSON Schema that
    draft 7 reads the same way for the keywords these schemas use."""
    schemas = _document()["components"]["schemas"]
    schema = {"$ref": f"#/components/schemas/{name}", "components": {"schemas": schemas}}
    return Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)
