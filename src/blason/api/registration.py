"""Reading an OAuth 2.0 Dynamic Client Registration request (RFC 7591) as the Open Badges 3.0
API profiles it: no initial access token, every URL in HTTPS on one hostname, the client
authenticates at the token endpoint with HTTP Basic, authorization code grant only."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from blason.api.scopes import ALL_SCOPES

MAX_TEXT = 255
MAX_URL = 2000
MAX_REDIRECT_URIS = 10
MAX_CONTACTS = 10
REQUIRED_TEXT = ("client_name", "software_id", "software_version")
REQUIRED_URLS = ("client_uri", "logo_uri", "tos_uri", "policy_uri")
LOOPBACK_NAMES = {"localhost"}


class RegistrationRefused(Exception):
    """``error`` is the RFC 7591 error code; ``str(exc)`` the description (ASCII, English)."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error = error


@dataclass
class ClientMetadata:
    client_name: str
    client_uri: str
    logo_uri: str
    tos_uri: str
    policy_uri: str
    software_id: str
    software_version: str
    redirect_uris: list[str]
    scope: str
    grant_types: list[str]
    response_types: list[str] = field(default_factory=lambda: ["code"])
    token_endpoint_auth_method: str = "client_secret_basic"  # noqa: S105 - a method name
    contacts: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "client_name": self.client_name,
            "client_uri": self.client_uri,
            "logo_uri": self.logo_uri,
            "tos_uri": self.tos_uri,
            "policy_uri": self.policy_uri,
            "software_id": self.software_id,
            "software_version": self.software_version,
            "redirect_uris": self.redirect_uris,
            "token_endpoint_auth_method": self.token_endpoint_auth_method,
            "grant_types": self.grant_types,
            "response_types": self.response_types,
            "scope": self.scope,
        }
        if self.contacts:
            data["contacts"] = self.contacts
        return data


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _url(value: Any, name: str, *, allow_http_loopback: bool, error: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RegistrationRefused(error, f"{name} must be a URL.")
    url = value.strip()
    if len(url) > MAX_URL or any(c.isspace() for c in url):
        raise RegistrationRefused(error, f"{name} is not a valid URL.")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise RegistrationRefused(error, f"{name} is not a valid URL.") from None
    host = parts.hostname or ""
    if not host:
        raise RegistrationRefused(error, f"{name} is not a valid URL.")
    if parts.scheme == "https":
        return url
    if parts.scheme == "http" and allow_http_loopback and _is_loopback(host):
        return url
    raise RegistrationRefused(error, f"{name} must use HTTPS.")


def _text(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip():
        raise RegistrationRefused("invalid_client_metadata", f"{name} is required.")
    if len(value) > MAX_TEXT:
        raise RegistrationRefused("invalid_client_metadata", f"{name} is too long.")
    return value.strip()


def _strings(data: dict[str, Any], name: str, default: list[str], limit: int) -> list[str]:
    value = data.get(name, default)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RegistrationRefused("invalid_client_metadata", f"{name} must be an array of strings.")
    if len(value) > limit:
        raise RegistrationRefused("invalid_client_metadata", f"{name} has too many values.")
    return list(value)


def read(data: Any, *, allow_http_loopback: bool) -> ClientMetadata:
    """The registration request's metadata, checked; raises ``RegistrationRefused``."""
    if not isinstance(data, dict):
        raise RegistrationRefused("invalid_client_metadata", "The body must be a JSON object.")
    texts = {name: _text(data, name) for name in REQUIRED_TEXT}
    urls = {
        name: _url(
            data.get(name),
            name,
            allow_http_loopback=allow_http_loopback,
            error="invalid_client_metadata",
        )
        for name in REQUIRED_URLS
    }
    redirect_uris = data.get("redirect_uris")
    if not isinstance(redirect_uris, list) or not redirect_uris:
        raise RegistrationRefused(
            "invalid_redirect_uri", "redirect_uris must be a non-empty array."
        )
    if len(redirect_uris) > MAX_REDIRECT_URIS:
        raise RegistrationRefused("invalid_redirect_uri", "redirect_uris has too many values.")
    redirects = [
        _url(
            uri,
            "redirect_uris",
            allow_http_loopback=allow_http_loopback,
            error="invalid_redirect_uri",
        )
        for uri in redirect_uris
    ]
    for uri in redirects:
        if urlsplit(uri).fragment:
            raise RegistrationRefused("invalid_redirect_uri", "A redirect URI has no fragment.")
    hosts = {urlsplit(url).hostname for url in [*urls.values(), *redirects]}
    if len(hosts) != 1:
        raise RegistrationRefused(
            "invalid_client_metadata", "All URLs must have the same hostname."
        )
    scope_value = data.get("scope")
    if not isinstance(scope_value, str) or not scope_value.strip():
        raise RegistrationRefused("invalid_client_metadata", "scope is required.")
    # Scopes this server does not offer are left out of the registration (RFC 7591 §2: the
    # server may register a client with other metadata than requested, and says so).
    requested = scope_value.split()
    scopes = [s for s in ALL_SCOPES if s in requested]
    if not scopes:
        raise RegistrationRefused(
            "invalid_client_metadata", "scope names none of the Open Badges scopes."
        )
    method = data.get("token_endpoint_auth_method", "client_secret_basic")
    if method != "client_secret_basic":
        raise RegistrationRefused(
            "invalid_client_metadata", "token_endpoint_auth_method must be client_secret_basic."
        )
    grant_types = _strings(data, "grant_types", ["authorization_code"], 2)
    if "authorization_code" not in grant_types or not set(grant_types) <= {
        "authorization_code",
        "refresh_token",
    }:
        raise RegistrationRefused(
            "invalid_client_metadata",
            "grant_types may only be authorization_code and refresh_token.",
        )
    response_types = _strings(data, "response_types", ["code"], 1)
    if response_types != ["code"]:
        raise RegistrationRefused("invalid_client_metadata", 'response_types must be ["code"].')
    contacts = _strings(data, "contacts", [], MAX_CONTACTS)
    if any(len(contact) > MAX_TEXT for contact in contacts):
        raise RegistrationRefused("invalid_client_metadata", "A contact is too long.")
    return ClientMetadata(
        client_name=texts["client_name"],
        client_uri=urls["client_uri"],
        logo_uri=urls["logo_uri"],
        tos_uri=urls["tos_uri"],
        policy_uri=urls["policy_uri"],
        software_id=texts["software_id"],
        software_version=texts["software_version"],
        redirect_uris=redirects,
        scope=" ".join(scopes),
        grant_types=list(dict.fromkeys(grant_types)),
        response_types=response_types,
        token_endpoint_auth_method=method,
        contacts=contacts,
    )
