"""Hostile requests to the OAuth endpoints (issue 12, point 9): answered 4xx, never 500, and a
replayed authorization code revokes what it gave (RFC 6749 §4.1.2)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from blason.api.scopes import CREDENTIAL_READ, PROFILE_READ
from tests.api import oauth_client as oc

pytestmark = pytest.mark.django_db

GRANTS = [
    "urn:ietf:params:oauth:grant-type:device_code",
    "urn:ietf:params:oauth:grant-type:jwt-bearer",
    "urn:ietf:params:oauth:grant-type:token-exchange",
    "client_credentials",
    "password",
    "implicit",
    "",
    "x" * 5000,
]


@pytest.mark.parametrize("grant", GRANTS)
def test_unsupported_grants_get_a_4xx(client: Any, grant: str) -> None:
    app = oc.register(client)
    answer = oc.token(client, app, grant_type=grant, device_code="abc", username="u", password="p")
    assert answer.status_code == 400, answer.content
    assert answer.json()["error"] in {"unsupported_grant_type", "invalid_request"}
    bare = oc.token(client, app, grant_type=grant)  # no device_code: a KeyError in DOT
    assert bare.status_code == 400, bare.content
    anonymous = client.post(
        reverse("api:token"),
        f"grant_type={grant}&device_code=abc&client_id={app.client_id}",
        content_type="application/x-www-form-urlencoded",
    )
    assert 400 <= anonymous.status_code < 500


def test_a_replayed_code_revokes_the_tokens_it_gave(client: Any, world: Any) -> None:
    app = oc.register(client)
    client.force_login(world.member)
    verifier, challenge = oc.pkce()
    code = oc.code_from(oc.consent(client, app, f"{CREDENTIAL_READ} {PROFILE_READ}", challenge))
    client.logout()
    exchange = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": app.redirect_uri,
        "code_verifier": verifier,
    }
    tokens = oc.token(client, app, **exchange).json()
    assert client.get(reverse("api:profile"), **oc.bearer(tokens)).status_code == 200
    replay = oc.token(client, app, **exchange)  # an attacker who intercepted the code
    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"
    assert client.get(reverse("api:profile"), **oc.bearer(tokens)).status_code == 401
    refreshed = oc.token(
        client, app, grant_type="refresh_token", refresh_token=tokens["refresh_token"]
    )
    assert refreshed.status_code == 400
