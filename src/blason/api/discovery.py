"""The Service Description Document (SDD): Blason's OpenAPI document (``blason.api.openapi``,
generated from its own description of the API) filled in for this site as the Open Badges 3.0
API asks: server address, terms and privacy policy, and where to register, authorize and get
tokens."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from blason.api import openapi
from blason.api.scopes import DESCRIPTIONS, OB_SCOPES
from blason.core.site import absolute_url


def api_base() -> str:
    """Where the Open Badges 3.0 API's endpoints are (``.../ims/ob/v3p0``): the folder of its
    routes."""
    return absolute_url("api:discovery").rsplit("/", 1)[0]


def terms_url() -> str:
    return settings.API_TERMS_URL or absolute_url("api:about") + "#terms"


def privacy_url() -> str:
    return settings.API_PRIVACY_URL or absolute_url("api:about") + "#privacy"


def service_description() -> dict[str, Any]:
    document = openapi.document()
    info = document["info"]
    info["title"] = settings.SITE_NAME
    info["description"] = f"Open Badges 3.0 API of {settings.SITE_NAME} ({settings.SITE_URL})."
    info["termsOfService"] = terms_url()
    info["x-imssf-privacyPolicyUrl"] = privacy_url()
    document["servers"] = [{"url": api_base(), "description": settings.SITE_NAME}]
    token_url = absolute_url("api:token")
    document["components"]["securitySchemes"]["OAuth2ACG"] = {
        "type": "oauth2",
        "description": "OAuth 2.0 Authorization Code Grant with PKCE (S256).",
        "x-imssf-registrationUrl": absolute_url("api:register"),
        "flows": {
            "authorizationCode": {
                "authorizationUrl": absolute_url("api:authorize"),
                "tokenUrl": token_url,
                "refreshUrl": token_url,
                "scopes": {scope: str(DESCRIPTIONS[scope]) for scope in OB_SCOPES},
            }
        },
    }
    return document
