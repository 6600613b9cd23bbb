"""Bearer tokens on the Open Badges 3.0 API (django-oauth-toolkit validates them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, JsonResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from oauth2_provider.oauth2_backends import get_oauthlib_core

from blason.api import responses


@dataclass(frozen=True)
class Caller:
    """Who calls: the earner who gave their consent, through which application."""

    user: Any
    application: Any
    token: Any


def authenticate(request: HttpRequest, scope: str) -> Caller | JsonResponse:
    """The caller of a request carrying a valid access token with ``scope``; otherwise the
    answer to send: 401 without a valid token, 403 without the scope."""
    header = request.headers.get("Authorization", "")
    token_given = bool(header) or "access_token" in request.GET
    if not header.lower().startswith("bearer "):
        return responses.unauthorized(
            "An access token is required (Authorization: Bearer).", token_given=token_given
        )
    try:
        valid, oauth_request = get_oauthlib_core().verify_request(request, scopes=[])
    except (MultiPartParserError, RequestDataTooBig, UnreadablePostError):
        # django-oauth-toolkit reads form bodies looking for a token; this API takes none.
        return responses.bad_request("The request body cannot be read.")
    token = getattr(oauth_request, "access_token", None) if valid else None
    if token is None or token.user is None or not token.user.is_active:
        return responses.unauthorized(
            "The access token is not valid: it expired or was revoked.", token_given=True
        )
    if not token.allow_scopes([scope]):
        return responses.forbidden(scope)
    return Caller(user=token.user, application=token.application, token=token)
