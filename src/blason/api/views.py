"""The Open Badges 3.0 API endpoints (``/ims/ob/v3p0/...``): thin views that authenticate the
bearer token, read the request, call a selector or a service and answer as the standard says
(``Imsx_StatusInfo`` error bodies, paging headers, upsert status codes)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from allauth.core.ratelimit import consume as ratelimit_consume
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from jsonschema.exceptions import best_match
from rfc3339_validator import validate_rfc3339

from blason.api import discovery, openapi, responses, selectors, services
from blason.api.auth import Caller, authenticate
from blason.api.scopes import CREDENTIAL_READ, CREDENTIAL_UPSERT, PROFILE_READ, PROFILE_UPDATE
from blason.backpack.services import ImportRefused
from blason.core.site import absolute_url

INT32_MAX = 2**31 - 1
DEFAULT_LIMIT = 100
MAX_LIMIT = 100  # a larger limit is served in pages of this size, with a "next" link
MAX_BODY = 2 * 1024 * 1024
JSON_TYPES = ("application/json", "application/vc+ld+json", "application/ld+json")
COMPACT_JWS = re.compile(r"^[a-zA-Z0-9_-]+\.[a-zA-Z0-9_-]*\.[a-zA-Z0-9_-]+$")
RETRY_AFTER = 60

Handler = Callable[[HttpRequest, Caller], HttpResponse]


def _endpoint(request: HttpRequest, handlers: dict[str, tuple[str, Handler]]) -> HttpResponse:
    """Method check (405 with ``Allow``), body size, then the token and its scope."""
    if request.method not in handlers:
        return responses.not_allowed(sorted(handlers))
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        return responses.bad_request("Content-Length is not a number.")
    if length > MAX_BODY:
        return responses.status_info(413, "The request body is too large.")
    scope, handler = handlers[request.method]
    caller = authenticate(request, scope)
    if isinstance(caller, HttpResponse):
        return caller
    return handler(request, caller)


# --- discovery ----------------------------------------------------------------------------


@csrf_exempt
def service_description(request: HttpRequest) -> HttpResponse:
    """``getServiceDescription``: open to all (no token), cacheable for an hour."""
    if request.method != "GET":
        return responses.not_allowed(["GET"])
    with translation.override("en"):
        document = discovery.service_description()
    body = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=3600"
    return response


# --- credentials --------------------------------------------------------------------------


class _BadQuery(Exception):
    pass


def _single(request: HttpRequest, name: str) -> str | None:
    values = request.GET.getlist(name)
    if not values:
        return None
    if len(values) > 1:
        raise _BadQuery(f"{name} is given more than once.")
    return values[0]


def _integer(request: HttpRequest, name: str, minimum: int) -> int | None:
    value = _single(request, name)
    if value is None:
        return None
    if not re.fullmatch(r"-?[0-9]{1,12}", value):
        raise _BadQuery(f"{name} must be a whole number.")
    number = int(value)
    if not minimum <= number <= INT32_MAX:
        raise _BadQuery(f"{name} must be between {minimum} and {INT32_MAX}.")
    return number


def _since(request: HttpRequest) -> tuple[datetime | None, str]:
    value = _single(request, "since")
    if value is None:
        return None, ""
    if not validate_rfc3339(value):
        raise _BadQuery("since must be a date and time (RFC 3339), such as 2026-01-31T09:00:00Z.")
    text = value.upper().replace(":60", ":59", 1) if value[17:19] == "60" else value.upper()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return moment.astimezone(UTC), value
    except (ValueError, OverflowError):
        # Valid RFC 3339 beyond what Python's dates hold (year 0, or an offset past year 1):
        # before every badge.
        return datetime.min.replace(tzinfo=UTC), value


def _cursor(request: HttpRequest, name: str) -> int | None:
    """The ``after`` or ``before`` of a ``next`` or ``prev`` link: an item's number."""
    value = _single(request, name)
    if value is None:
        return None
    if not re.fullmatch(r"[0-9]{1,19}", value) or not 0 < int(value) < 2**63:
        raise _BadQuery(f"{name} must be the number this API wrote in a Link header.")
    return int(value)


def _paging_headers(
    response: HttpResponse,
    page: selectors.CredentialsPage,
    offset: int,
    limit: int,
    since: str,
    url: str = "",
) -> None:
    """``X-Total-Count``, and ``Link`` with first and last always, next and prev as fit.

    The links keep the specification's ``limit`` and ``offset``; ``next`` and ``prev`` also
    carry the item they follow or precede (``after``, ``before``), so that a client walking
    the pages as linked reads each one from an index position, never past ``offset`` rows
    (a client that writes its own ``offset`` gets the same page, read by position)."""
    base = url or absolute_url("api:credentials")
    total = page.total

    def link(at: int, **cursor: int) -> str:
        query: dict[str, Any] = {"limit": limit, "offset": at}
        if since:
            query["since"] = since
        query.update(cursor)
        return base + "?" + urlencode(query)

    response["X-Total-Count"] = str(total)
    last = ((total - 1) // limit) * limit if total else 0
    links = [f'<{link(0)}>; rel="first"']
    if offset + limit < total:
        after = {"after": page.last_id} if page.last_id is not None else {}
        links.append(f'<{link(offset + limit, **after)}>; rel="next"')
    if offset > 0:
        previous = max(0, min(offset - limit, last))
        before = {}
        if page.first_id is not None and offset - limit >= 0:
            before = {"before": page.first_id}
        links.append(f'<{link(previous, **before)}>; rel="prev"')
    links.append(f'<{link(last)}>; rel="last"')
    response["Link"] = ", ".join(links)


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


def _is_json_credential(text: str) -> bool:
    try:
        return isinstance(json.loads(text, parse_constant=_reject_constant), dict)
    except (ValueError, RecursionError):
        return False


def _get_credentials(request: HttpRequest, caller: Caller) -> HttpResponse:
    """``getCredentials``: one page of the earner's badges, each exactly as kept."""
    try:
        limit = _integer(request, "limit", 1) or DEFAULT_LIMIT
        offset = _integer(request, "offset", 0) or 0
        since, since_text = _since(request)
        after, before = _cursor(request, "after"), _cursor(request, "before")
    except _BadQuery as exc:
        return responses.bad_request(str(exc), query=True)
    limit = min(limit, MAX_LIMIT)
    page = selectors.credentials_page(
        caller.user, since=since, offset=offset, limit=limit, after=after, before=before
    )
    texts = [credential.strip() for credential in page.credentials]
    documents = [text for text in texts if text.startswith("{") and _is_json_credential(text)]
    tokens = [text for text in texts if COMPACT_JWS.match(text)]
    # The JSON credentials go in as kept, byte for byte: a signed document is never rewritten.
    body = (
        '{"credential": ['
        + ", ".join(documents)
        + '], "compactJwsString": '
        + json.dumps(tokens)
        + "}"
    )
    response = HttpResponse(body.encode("utf-8"), content_type="application/json")
    response["Cache-Control"] = "no-store"
    _paging_headers(response, page, offset, limit, since_text)
    return response


def _upsert_credential(request: HttpRequest, caller: Caller) -> HttpResponse:
    """``upsertCredential``: 201 when the badge is new to the backpack, 200 when it replaced
    the copy kept; the body is the credential received, in the format received."""
    media_type = request.content_type or ""
    if media_type not in (*JSON_TYPES, "text/plain"):
        return responses.status_info(
            415, "Send the credential as application/json or, signed as a VC-JWT, text/plain."
        )
    try:
        text = request.body.decode("utf-8")
    except UnicodeDecodeError:
        return responses.bad_request("The body is not UTF-8 text.")
    if media_type in JSON_TYPES:
        try:
            document = json.loads(text, parse_constant=_reject_constant)
        except (ValueError, RecursionError):
            return responses.bad_request("The body is not JSON.")
        if not isinstance(document, dict):
            return responses.bad_request("The body must be a credential (a JSON object).")
        answer_type = "application/json"
    else:
        if not COMPACT_JWS.match(text.strip()):
            return responses.bad_request("The body must be a credential in compact JWS form.")
        answer_type = "text/plain; charset=utf-8"
    if not ratelimit_consume(request, action="backpack_fetch", user=caller.user):
        return responses.busy(RETRY_AFTER)
    try:
        with translation.override("en"):  # API messages are for developers
            _item, created = services.credential_upsert(
                user=caller.user, application=caller.application, credential=text
            )
    except ImportRefused as exc:
        failures = [
            check.get("en", "")
            for check in (exc.report or {}).get("checks", [])
            if isinstance(check, dict) and check.get("outcome") == "failed"
        ]
        return responses.bad_request(" ".join([str(exc), *failures]).strip())
    return HttpResponse(request.body, status=201 if created else 200, content_type=answer_type)


@csrf_exempt
def credentials(request: HttpRequest) -> HttpResponse:
    return _endpoint(
        request,
        {
            "GET": (CREDENTIAL_READ, _get_credentials),
            "POST": (CREDENTIAL_UPSERT, _upsert_credential),
        },
    )


# --- profile ------------------------------------------------------------------------------


def _get_profile(request: HttpRequest, caller: Caller) -> HttpResponse:
    response = JsonResponse(selectors.profile_of(caller.user))
    response["Cache-Control"] = "no-store"
    return response


def _put_profile(request: HttpRequest, caller: Caller) -> HttpResponse:
    """``putProfile``: the whole Profile, checked against the standard's schema."""
    if (request.content_type or "") not in JSON_TYPES:
        return responses.status_info(415, "Send the profile as application/json.")
    try:
        document = json.loads(request.body.decode("utf-8"), parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        return responses.bad_request("The body is not JSON.")
    if isinstance(document, dict) and isinstance(document.get("type"), str):
        # The specification's own putProfile example sends "type": "Profile"; its JSON-LD
        # context reads one value as a set of one. Kept as ["Profile"], so that getProfile
        # answers what the Profile schema wants (an array). See docs/api.md.
        document["type"] = [document["type"]]
    error = best_match(openapi.validator("Profile").iter_errors(document))
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "the profile"
        return responses.bad_request(f"Not a valid Profile ({where}): {error.message}"[:500])
    if "Profile" not in document["type"]:
        return responses.bad_request('The profile\'s type must include "Profile".')
    services.profile_put(user=caller.user, application=caller.application, document=document)
    caller.user.refresh_from_db(fields=["display_name"])
    response = JsonResponse(selectors.profile_of(caller.user))
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt
def profile(request: HttpRequest) -> HttpResponse:
    return _endpoint(
        request, {"GET": (PROFILE_READ, _get_profile), "PUT": (PROFILE_UPDATE, _put_profile)}
    )
