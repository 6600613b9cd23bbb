"""This site's Open Badges 3.0 service description document (OpenAPI 3.0.1), generated from
Blason's own description of its API: ``operations`` (paths, operations, scopes, answers) and
``model`` (the data model its bodies follow). ``blason.api.discovery`` adds the site's
addresses; the component schemas also check request bodies (``putProfile``)."""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from jsonschema import Draft7Validator

from blason.api.openapi import model
from blason.api.openapi.operations import OPERATIONS, TAGS, Answer, Operation
from blason.api.scopes import OB_SCOPES

OPENAPI_VERSION = "3.0.1"
#: The version of the standard's API this document describes.
API_VERSION = "3.0"
SECURITY_SCHEME = "OAuth2ACG"


def _content(content: dict[str, str | dict[str, Any]]) -> dict[str, Any]:
    return {
        media_type: {
            "schema": (
                {"$ref": f"#/components/schemas/{schema}"}
                if isinstance(schema, str)
                else dict(schema)
            )
        }
        for media_type, schema in content.items()
    }


def _answer(answer: Answer) -> dict[str, Any]:
    out: dict[str, Any] = {"description": answer.description}
    if answer.headers:
        out["headers"] = copy.deepcopy(answer.headers)
    if answer.content:
        out["content"] = _content(answer.content)
    return out


def _operation(operation: Operation) -> dict[str, Any]:
    out: dict[str, Any] = {
        "tags": [operation.tag],
        "summary": operation.summary,
        "description": operation.description,
        "operationId": operation.operation_id,
    }
    if operation.parameters:
        out["parameters"] = copy.deepcopy(list(operation.parameters))
    if operation.request:
        out["requestBody"] = {"content": _content(operation.request), "required": True}
    out["responses"] = {code: _answer(answer) for code, answer in operation.answers.items()}
    if operation.scope is not None:
        out["security"] = [{SECURITY_SCHEME: [operation.scope]}]
    return out


@cache
def _document() -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for operation in OPERATIONS:
        paths.setdefault(operation.path, {})[operation.method] = _operation(operation)
    return {
        "openapi": OPENAPI_VERSION,
        "info": {"title": "Blason", "version": API_VERSION},
        "tags": [dict(tag) for tag in TAGS],
        "paths": paths,
        "components": {
            "schemas": model.schemas(),
            "securitySchemes": {
                SECURITY_SCHEME: {
                    "type": "oauth2",
                    "flows": {
                        "authorizationCode": {
                            "authorizationUrl": "/oauth/authorize",
                            "tokenUrl": "/oauth/token",
                            "refreshUrl": "/oauth/token",
                            "scopes": {scope: scope for scope in OB_SCOPES},
                        }
                    },
                }
            },
        },
    }


def document() -> dict[str, Any]:
    """A fresh copy of the document, for ``blason.api.discovery`` to fill in for the site."""
    return copy.deepcopy(_document())


@cache
def validator(name: str) -> Draft7Validator:
    """A validator for one of the component schemas (``Profile``...), formats checked
    (``date``, ``date-time``). OpenAPI 3.0 schemas are a subset of JSON Schema that draft 7
    reads the same way for the keywords these schemas use."""
    schemas = _document()["components"]["schemas"]
    schema = {"$ref": f"#/components/schemas/{name}", "components": {"schemas": schemas}}
    return Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)
