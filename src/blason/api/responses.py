"""Answers of the Open Badges 3.0 API: errors are ``Imsx_StatusInfo`` bodies (1EdTech's
status container) with the matching HTTP status and headers."""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse

# HTTP status → the imsx code minor that goes with it.
_MINOR = {
    400: "invalid_data",
    401: "unauthorizedrequest",
    403: "forbidden",
    404: "not_found",
    405: "not_allowed",
    406: "not_acceptable",
    413: "invalid_data",
    415: "not_acceptable",
    429: "server_busy",
    500: "internal_server_error",
}


def status_info(
    status: int, description: str, *, minor: str = "", major: str = "failure"
) -> JsonResponse:
    body = {
        "imsx_codeMajor": major,
        "imsx_severity": "error" if major == "failure" else "status",
        "imsx_description": description,
        "imsx_codeMinor": {
            "imsx_codeMinorField": [
                {
                    "imsx_codeMinorFieldName": settings.SITE_NAME,
                    "imsx_codeMinorFieldValue": minor or _MINOR.get(status, "unknown"),
                }
            ]
        },
    }
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    return response


def bad_request(description: str, *, query: bool = False) -> JsonResponse:
    return status_info(400, description, minor="invalid_query_parameter" if query else "")


def unauthorized(description: str, *, token_given: bool) -> JsonResponse:
    response = status_info(401, description)
    # RFC 6750 §3: no error code when no token was presented.
    response["WWW-Authenticate"] = (
        'Bearer error="invalid_token"' if token_given else 'Bearer realm="Open Badges"'
    )
    return response


def forbidden(scope: str) -> JsonResponse:
    response = status_info(403, f"The access token does not carry the scope {scope}.")
    response["WWW-Authenticate"] = f'Bearer error="insufficient_scope", scope="{scope}"'
    return response


def not_allowed(allowed: list[str]) -> JsonResponse:
    response = status_info(405, "This method is not allowed here.")
    response["Allow"] = ", ".join(allowed)
    return response


def busy(retry_after: int) -> JsonResponse:
    response = status_info(429, "Too many requests: try again later.")
    response["Retry-After"] = str(retry_after)
    return response
