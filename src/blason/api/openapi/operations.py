"""The operations of the Open Badges 3.0 API as this site implements them: path, method,
operation id, scope, parameters, request bodies and the answers it gives (codes and bodies).

Written from the standard (Open Badges 3.0, section 6 "Open Badges API" and appendix "Service
Description"); the views in ``blason.api.views`` answer as described here, and
``tests/api/test_api_description.py`` compares it with the official OpenAPI document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from blason.api.openapi.model import COMPACT_JWS
from blason.api.scopes import CREDENTIAL_READ, CREDENTIAL_UPSERT, PROFILE_READ, PROFILE_UPDATE

STATUS_INFO = "Imsx_StatusInfo"
JWS = {"type": "string", "pattern": COMPACT_JWS}


@dataclass(frozen=True)
class Answer:
    """One response: its description and its body (a component schema, or inline forms)."""

    description: str
    #: media type -> component schema name or inline schema; empty: no body
    content: dict[str, str | dict[str, Any]] = field(default_factory=dict)
    headers: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class Operation:
    path: str
    method: str
    operation_id: str
    tag: str
    summary: str
    description: str
    scope: str | None
    answers: dict[str, Answer]
    parameters: tuple[dict[str, Any], ...] = ()
    request: dict[str, str | dict[str, Any]] = field(default_factory=dict)


def _error(description: str) -> Answer:
    return Answer(description, {"application/json": STATUS_INFO})


BAD_REQUEST = _error("The request is malformed; the body says why.")
UNAUTHORIZED = _error("No access token, or one that is not valid (expired, revoked).")
FORBIDDEN = _error("The access token does not carry the scope of this operation.")
NOT_ALLOWED = _error("The method is not allowed on this path; Allow lists those that are.")
OTHER = _error("Any other error: 413 (body over 2 MB), 415 (media type), 429 (too many requests).")


def _query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "description": description,
        "required": False,
        "allowEmptyValue": False,
        "style": "form",
        "schema": schema,
    }


OPERATIONS: tuple[Operation, ...] = (
    Operation(
        path="/credentials",
        method="get",
        operation_id="getCredentials",
        tag="OpenBadgeCredentials",
        summary="The earner's badges, a page at a time.",
        description=(
            "The badges in the earner's backpack that they have not hidden, in the order they "
            "came in (oldest first: a page keeps its place as new badges arrive), each "
            "exactly as kept: JSON credentials in credential, VC-JWTs in compactJwsString. "
            "Pages of at most 100; X-Total-Count and Link (first, prev, next, last) page on."
        ),
        scope=CREDENTIAL_READ,
        parameters=(
            _query(
                "limit",
                "How many credentials per page (at most 100 are sent).",
                {"type": "integer", "format": "int32", "minimum": 1},
            ),
            _query(
                "offset",
                "The index of the first credential of the page, from 0.",
                {"type": "integer", "format": "int32", "minimum": 0},
            ),
            _query(
                "since",
                "Only the credentials added after this time (RFC 3339).",
                {"type": "string", "format": "date-time"},
            ),
        ),
        answers={
            "200": Answer(
                "One page of credentials.",
                {"application/json": "GetOpenBadgeCredentialsResponse"},
                headers={
                    "X-Total-Count": {
                        "description": "How many credentials there are in all.",
                        "schema": {"type": "integer", "format": "int32"},
                    },
                    "Link": {
                        "description": "The first, previous, next and last pages (RFC 8288).",
                        "schema": {"type": "string"},
                    },
                },
            ),
            "400": BAD_REQUEST,
            "401": UNAUTHORIZED,
            "403": FORBIDDEN,
            "405": NOT_ALLOWED,
            "default": OTHER,
        },
    ),
    Operation(
        path="/credentials",
        method="post",
        operation_id="upsertCredential",
        tag="OpenBadgeCredentials",
        summary="Add a badge to the earner's backpack, or replace it.",
        description=(
            "A credential that verifies is added (201) or, when the backpack holds one with the "
            "same id from the same issuer, replaces it (200). The answer is the credential as "
            "received. A credential that is not a valid Open Badge is refused (400)."
        ),
        scope=CREDENTIAL_UPSERT,
        request={"application/json": "AchievementCredential", "text/plain": JWS},
        answers={
            "200": Answer(
                "Replaced.", {"application/json": "AchievementCredential", "text/plain": JWS}
            ),
            "201": Answer(
                "Added.", {"application/json": "AchievementCredential", "text/plain": JWS}
            ),
            "400": BAD_REQUEST,
            "401": UNAUTHORIZED,
            "403": FORBIDDEN,
            "405": NOT_ALLOWED,
            "default": OTHER,
        },
    ),
    Operation(
        path="/profile",
        method="get",
        operation_id="getProfile",
        tag="OpenBadgeCredentials",
        summary="The earner's profile.",
        description=(
            "The profile an application last put, or one made from the account (verified "
            "e-mail address and phone number); name is always the account's name."
        ),
        scope=PROFILE_READ,
        answers={
            "200": Answer("The profile.", {"application/json": "Profile"}),
            "400": BAD_REQUEST,
            "401": UNAUTHORIZED,
            "403": FORBIDDEN,
            "405": NOT_ALLOWED,
            "default": OTHER,
        },
    ),
    Operation(
        path="/profile",
        method="put",
        operation_id="putProfile",
        tag="OpenBadgeCredentials",
        summary="Replace the earner's profile.",
        description=(
            "The profile is kept as received and its name becomes the account's name; the "
            "account's e-mail addresses and phone numbers do not change."
        ),
        scope=PROFILE_UPDATE,
        request={"application/json": "Profile"},
        answers={
            "200": Answer("The profile as now kept.", {"application/json": "Profile"}),
            "400": BAD_REQUEST,
            "401": UNAUTHORIZED,
            "403": FORBIDDEN,
            "405": NOT_ALLOWED,
            "default": OTHER,
        },
    ),
    Operation(
        path="/discovery",
        method="get",
        operation_id="getServiceDescription",
        tag="Discovery",
        summary="This service description document.",
        description="Open to all, cacheable for an hour, with an ETag.",
        scope=None,
        answers={
            "200": Answer(
                "The service description document.",
                {"application/json": "ServiceDescriptionDocument"},
            ),
            "304": Answer("Not modified since the ETag given in If-None-Match."),
            "default": OTHER,
        },
    ),
)

TAGS = (
    {
        "name": "OpenBadgeCredentials",
        "description": "The earner's badges and profile, for the applications they allow.",
    },
    {"name": "Discovery", "description": "What this service offers, and where to authorize."},
)
