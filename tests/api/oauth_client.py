"""An Open Badges 3.0 API client for the tests: registration, consent, PKCE, tokens."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from django.urls import reverse

from blason.api.scopes import CREDENTIAL_READ, CREDENTIAL_UPSERT, PROFILE_READ, PROFILE_UPDATE

ALL = f"{CREDENTIAL_READ} {CREDENTIAL_UPSERT} {PROFILE_READ} {PROFILE_UPDATE}"
APP = "https://app.example.net"
REDIRECT = f"{APP}/callback"


def registration(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "client_name": "Carnet Pro",
        "client_uri": f"{APP}/",
        "logo_uri": f"{APP}/logo.png",
        "tos_uri": f"{APP}/terms",
        "policy_uri": f"{APP}/privacy",
        "software_id": "c88b6ed8-269e-448e-99be-7e2ff47167d1",
        "software_version": "1.4.2",
        "redirect_uris": [REDIRECT],
        "token_endpoint_auth_method": "client_secret_basic",
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "scope": f"{ALL} offline_access",
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}


@dataclass
class App:
    client_id: str
    client_secret: str
    redirect_uri: str = REDIRECT

    @property
    def basic(self) -> str:
        raw = f"{self.client_id}:{self.client_secret}".encode()
        return "Basic " + base64.b64encode(raw).decode()


def register(client: Any, **overrides: Any) -> App:
    answer = client.post(
        reverse("api:register"),
        json.dumps(registration(**overrides)),
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    data = answer.json()
    return App(data["client_id"], data["client_secret"], data["redirect_uris"][0])


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def authorize_query(app: App, scope: str, challenge: str, **extra: str) -> dict[str, str]:
    query = {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": app.redirect_uri,
        "scope": scope,
        "state": "xyz-state",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    query.update(extra)
    return {key: value for key, value in query.items() if value != ""}


def consent(client: Any, app: App, scope: str, challenge: str, *, allow: bool = True) -> Any:
    """Show the consent screen to the signed-in earner, then answer it; returns the redirect
    back to the application."""
    query = authorize_query(app, scope, challenge)
    page = client.get(reverse("api:authorize"), query, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200, page.content
    form = {**page.context["form"].initial}
    form = {key: value for key, value in form.items() if value}
    if allow:
        form["allow"] = "true"
    return client.post(reverse("api:authorize"), form, HTTP_ACCEPT_LANGUAGE="en")


def code_from(answer: Any) -> str:
    assert answer.status_code == 302, answer.content
    location = urlsplit(answer["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    params = parse_qs(location.query)
    assert params["state"] == ["xyz-state"]
    return params["code"][0]


def form_post(client: Any, url: str, app: App, **form: str) -> Any:
    """A form POST as OAuth clients send it, with HTTP Basic client authentication."""
    return client.post(
        url,
        urlencode(form),
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=app.basic,
    )


def token(client: Any, app: App, **form: str) -> Any:
    return form_post(client, reverse("api:token"), app, **form)


def connect(client: Any, user: Any, scope: str = ALL) -> tuple[App, dict[str, Any]]:
    """Register an application (for ``scope``, and the four OB 3.0 scopes), let ``user``
    allow it, exchange the code: (app, tokens)."""
    app = register(client, scope=" ".join(dict.fromkeys([*ALL.split(), *scope.split()])))
    client.force_login(user)
    verifier, challenge = pkce()
    code = code_from(consent(client, app, scope, challenge))
    client.logout()
    answer = token(
        client,
        app,
        grant_type="authorization_code",
        code=code,
        redirect_uri=app.redirect_uri,
        code_verifier=verifier,
    )
    assert answer.status_code == 200, answer.content
    return app, answer.json()


def bearer(tokens: dict[str, Any] | str) -> dict[str, str]:
    value = tokens if isinstance(tokens, str) else tokens["access_token"]
    return {"HTTP_AUTHORIZATION": f"Bearer {value}"}
