"""Badge Connect (Open Badges 2.1): the same backpack, OAuth server and services as the Open
Badges 3.0 API, for OB 2.0 assertions. Discovery is a manifest at
``/.well-known/badgeconnect.json``; every answer carries a ``status`` envelope."""

from __future__ import annotations

import json
from typing import Any

from allauth.core.ratelimit import consume as ratelimit_consume
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt

from blason.api import discovery, responses, selectors, services, views
from blason.api.auth import Caller, authenticate
from blason.api.scopes import (
    ASSERTION_CREATE,
    ASSERTION_READ,
    V2P1_PROFILE_READ,
    V2P1_PROFILE_UPDATE,
    V2P1_SCOPES,
)
from blason.backpack.services import ImportRefused
from blason.core.site import absolute_url

CONTEXT = "https://purl.imsglobal.org/spec/ob/v2p1/ob_v2p1.jsonld"
OB2_CONTEXT = "https://w3id.org/openbadges/v2"
REASONS = {
    200: "OK",
    201: "Created",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    405: "Method Not Allowed",
    413: "Payload Too Large",
    415: "Unsupported Media Type",
    429: "Too Many Requests",
}


def api_base() -> str:
    """Where Badge Connect's endpoints are (``.../ims/ob/v2p1``): the folder of its routes."""
    return absolute_url("api:badgeconnect_assertions").rsplit("/", 1)[0]


def _answer(status: int, error: str | None = None, **data: Any) -> JsonResponse:
    body = {
        "status": {"error": error, "statusCode": status, "statusText": REASONS.get(status, "")},
        **data,
    }
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _enveloped(response: HttpResponse) -> HttpResponse:
    """An OB 3.0 error (``Imsx_StatusInfo``) turned into Badge Connect's envelope, headers
    (``WWW-Authenticate``, ``Allow``, ``Retry-After``) kept."""
    if response.status_code < 400 or "imsx_codeMajor" not in (body := json.loads(response.content)):
        return response
    description = body.get("imsx_description", "")
    answer = _answer(response.status_code, description)
    for header in ("WWW-Authenticate", "Allow", "Retry-After"):
        if response.has_header(header):
            answer[header] = response[header]
    return answer


def manifest(request: HttpRequest) -> HttpResponse:
    if request.method != "GET":
        return _enveloped(responses.not_allowed(["GET"]))
    body = {
        "@context": CONTEXT,
        "id": absolute_url("api:badgeconnect_manifest"),
        "badgeConnectAPI": [
            {
                "name": settings.SITE_NAME,
                "apiBase": api_base(),
                "version": "v2p1",
                "termsOfServiceUrl": discovery.terms_url(),
                "privacyPolicyUrl": discovery.privacy_url(),
                "scopesOffered": list(V2P1_SCOPES),
                "registrationUrl": absolute_url("api:register"),
                "authorizationUrl": absolute_url("api:authorize"),
                "tokenUrl": absolute_url("api:token"),
                "tokenRevocationUrl": absolute_url("api:revoke"),
            }
        ],
    }
    response = JsonResponse(body)
    response["Cache-Control"] = "public, max-age=3600"
    return response


def _endpoint(request: HttpRequest, handlers: dict[str, tuple[str, Any]]) -> HttpResponse:
    if request.method not in handlers:
        return _enveloped(responses.not_allowed(sorted(handlers)))
    scope, handler = handlers[request.method]
    caller = authenticate(request, scope)
    if isinstance(caller, HttpResponse):
        return _enveloped(caller)
    return _enveloped(handler(request, caller))


def _get_assertions(request: HttpRequest, caller: Caller) -> HttpResponse:
    try:
        limit = views._integer(request, "limit", 1) or views.DEFAULT_LIMIT
        offset = views._integer(request, "offset", 0) or 0
        since, since_text = views._since(request)
        after, before = views._cursor(request, "after"), views._cursor(request, "before")
    except views._BadQuery as exc:
        return _answer(400, str(exc))
    limit = min(limit, views.MAX_LIMIT)
    page = selectors.credentials_page(
        caller.user,
        since=since,
        offset=offset,
        limit=limit,
        version="2.0",
        after=after,
        before=before,
    )
    texts = [text.strip() for text in page.credentials]
    assertions = [
        json.loads(t) for t in texts if t.startswith("{") and views._is_json_credential(t)
    ]
    signed = [t for t in texts if views.COMPACT_JWS.match(t)]
    response = _answer(200, assertions=assertions, signedAssertions=signed)
    views._paging_headers(
        response, page, offset, limit, since_text, url=absolute_url("api:badgeconnect_assertions")
    )
    return response


def _post_assertion(request: HttpRequest, caller: Caller) -> HttpResponse:
    """An Assertion Payload: ``{"signedAssertion": "<JWS>"}`` (preferred when both are given)
    or ``{"assertion": {...}}`` (checked against its hosted copy, as OB 2.0 says)."""
    if (request.content_type or "") not in views.JSON_TYPES:
        return _answer(415, "Send an Assertion Payload as application/json.")
    try:
        payload = json.loads(request.body.decode("utf-8"), parse_constant=views._reject_constant)
    except (ValueError, RecursionError):
        return _answer(400, "The body is not JSON.")
    signed = payload.get("signedAssertion") if isinstance(payload, dict) else None
    unsigned = payload.get("assertion") if isinstance(payload, dict) else None
    if isinstance(signed, str) and views.COMPACT_JWS.match(signed.strip()):
        text = signed.strip()
    elif isinstance(unsigned, dict):
        text = json.dumps(unsigned, ensure_ascii=False)
    else:
        return _answer(400, 'Send {"signedAssertion": "<JWS>"} or {"assertion": {...}}.')
    if not ratelimit_consume(request, action="backpack_fetch", user=caller.user):
        response = _answer(429, "Too many requests: try again later.")
        response["Retry-After"] = str(views.RETRY_AFTER)
        return response
    try:
        with translation.override("en"):
            _item, created = services.credential_upsert(
                user=caller.user, application=caller.application, credential=text, version="2.0"
            )
    except ImportRefused as exc:
        return _answer(400, str(exc))
    return _answer(201 if created else 200)


def _profile(user: Any) -> dict[str, Any]:
    profile = selectors.profile_of(user)
    document: dict[str, Any] = {"@context": OB2_CONTEXT, "type": "Profile", "id": profile["id"]}
    for field in ("name", "email", "telephone"):
        value = profile.get("phone" if field == "telephone" else field)
        if isinstance(value, str) and value:
            document[field] = value
    return document


def _get_profile(request: HttpRequest, caller: Caller) -> HttpResponse:
    return _answer(200, profile=_profile(caller.user))


def _post_profile(request: HttpRequest, caller: Caller) -> HttpResponse:
    """Badge Connect's profile update: only the name is taken (it becomes the account's
    name); e-mail addresses and phone numbers are proven by the earner, never declared."""
    try:
        payload = json.loads(request.body.decode("utf-8"), parse_constant=views._reject_constant)
    except (ValueError, RecursionError):
        return _answer(400, "The body is not JSON.")
    profile = payload.get("profile", payload) if isinstance(payload, dict) else None
    name = profile.get("name") if isinstance(profile, dict) else None
    if not isinstance(name, str) or not name.strip():
        return _answer(400, "A profile with a name is expected.")
    services.profile_rename(user=caller.user, application=caller.application, name=name)
    caller.user.refresh_from_db(fields=["display_name"])
    return _answer(200, profile=_profile(caller.user))


@csrf_exempt
def assertions(request: HttpRequest) -> HttpResponse:
    return _endpoint(
        request,
        {"GET": (ASSERTION_READ, _get_assertions), "POST": (ASSERTION_CREATE, _post_assertion)},
    )


@csrf_exempt
def profile(request: HttpRequest) -> HttpResponse:
    return _endpoint(
        request,
        {"GET": (V2P1_PROFILE_READ, _get_profile), "POST": (V2P1_PROFILE_UPDATE, _post_profile)},
    )
