"""The OAuth 2.0 side of the Open Badges 3.0 API: dynamic registration, consent, PKCE, tokens,
refresh, revocation, and the earner's list of connected applications."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from oauth2_provider.models import AccessToken, Application, Grant, RefreshToken

from blason.api import selectors
from blason.api.models import RegisteredClient
from blason.api.scopes import CREDENTIAL_READ, PROFILE_READ
from blason.core.models import AuditEntry
from tests.api import oauth_client as oc

pytestmark = pytest.mark.django_db


# --- registration --------------------------------------------------------------------------


def test_registration_echoes_the_request_with_credentials(client: Any) -> None:
    body = oc.registration(contacts=["dev@app.example.net"])
    answer = client.post(reverse("api:register"), json.dumps(body), content_type="application/json")
    assert answer.status_code == 201
    assert answer["Cache-Control"] == "no-store"
    data = answer.json()
    for key, value in body.items():
        assert data[key] == value
    assert data["client_secret_expires_at"] == 0
    assert data["client_id_issued_at"] > 1_700_000_000
    application = Application.objects.get(client_id=data["client_id"])
    assert application.name == "Carnet Pro"
    assert application.client_type == Application.CLIENT_CONFIDENTIAL
    # Only a hash of the secret is kept.
    assert application.client_secret != data["client_secret"]
    assert application.ob_client.scope.split() == body["scope"].split()
    assert AuditEntry.objects.filter(action="api.client.registered").count() == 1


def test_registration_leaves_out_scopes_it_does_not_offer(client: Any) -> None:
    body = oc.registration(scope=f"{CREDENTIAL_READ} https://example.org/admin")
    answer = client.post(reverse("api:register"), json.dumps(body), content_type="application/json")
    assert answer.status_code == 201
    assert answer.json()["scope"] == CREDENTIAL_READ


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"client_name": None}, "invalid_client_metadata"),
        ({"client_name": "  "}, "invalid_client_metadata"),
        ({"software_id": 42}, "invalid_client_metadata"),
        ({"logo_uri": None}, "invalid_client_metadata"),
        ({"tos_uri": "http://app.example.net/terms"}, "invalid_client_metadata"),
        ({"policy_uri": "https://elsewhere.example.com/privacy"}, "invalid_client_metadata"),
        ({"client_uri": "not a url"}, "invalid_client_metadata"),
        ({"redirect_uris": None}, "invalid_redirect_uri"),
        ({"redirect_uris": []}, "invalid_redirect_uri"),
        ({"redirect_uris": "https://app.example.net/callback"}, "invalid_redirect_uri"),
        ({"redirect_uris": ["http://app.example.net/callback"]}, "invalid_redirect_uri"),
        ({"redirect_uris": ["http://127.0.0.1:8080/callback"]}, "invalid_redirect_uri"),
        ({"redirect_uris": ["https://app.example.net/cb#frag"]}, "invalid_redirect_uri"),
        ({"redirect_uris": ["https://evil.example.com/callback"]}, "invalid_client_metadata"),
        ({"scope": None}, "invalid_client_metadata"),
        ({"scope": "openid profile"}, "invalid_client_metadata"),
        ({"token_endpoint_auth_method": "none"}, "invalid_client_metadata"),
        ({"token_endpoint_auth_method": "client_secret_post"}, "invalid_client_metadata"),
        ({"grant_types": ["client_credentials"]}, "invalid_client_metadata"),
        ({"grant_types": ["authorization_code", "implicit"]}, "invalid_client_metadata"),
        ({"grant_types": "authorization_code"}, "invalid_client_metadata"),
        ({"response_types": ["token"]}, "invalid_client_metadata"),
        ({"contacts": "dev@app.example.net"}, "invalid_client_metadata"),
    ],
)
def test_bad_registrations_are_refused(client: Any, overrides: dict[str, Any], error: str) -> None:
    body = oc.registration(**{k: v for k, v in overrides.items() if v is not None})
    for key in [k for k, v in overrides.items() if v is None]:
        body.pop(key)
    answer = client.post(reverse("api:register"), json.dumps(body), content_type="application/json")
    assert answer.status_code == 400
    assert answer.json()["error"] == error
    assert not Application.objects.exists()
    assert not RegisteredClient.objects.exists()


@pytest.mark.parametrize("body", ["", "not json", "[]", '"text"', "{" * 5000])
def test_registration_bodies_that_are_not_json_objects(client: Any, body: str) -> None:
    answer = client.post(reverse("api:register"), body, content_type="application/json")
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_client_metadata"


def test_registration_only_answers_post(client: Any) -> None:
    answer = client.get(reverse("api:register"))
    assert answer.status_code == 405
    assert answer["Allow"] == "POST"


def test_http_loopback_redirects_only_when_allowed(client: Any, settings: Any) -> None:
    loopback = {
        "client_uri": "http://127.0.0.1:8765/",
        "logo_uri": "http://127.0.0.1:8765/logo.png",
        "tos_uri": "http://127.0.0.1:8765/terms",
        "policy_uri": "http://127.0.0.1:8765/privacy",
        "redirect_uris": ["http://127.0.0.1:8765/callback"],
    }
    body = json.dumps(oc.registration(**loopback))
    url = reverse("api:register")
    assert client.post(url, body, content_type="application/json").status_code == 400
    settings.API_ALLOW_HTTP_LOOPBACK = True
    assert client.post(url, body, content_type="application/json").status_code == 201
    remote = json.dumps(
        oc.registration(
            **{
                k: v.replace("127.0.0.1:8765", "app.example.net")
                if isinstance(v, str)
                else [u.replace("127.0.0.1:8765", "app.example.net") for u in v]
                for k, v in loopback.items()
            }
        )
    )
    assert client.post(url, remote, content_type="application/json").status_code == 400


def test_registration_is_rate_limited(client: Any, settings: Any) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "api_register": "2/h/ip"}
    body = json.dumps(oc.registration())
    url = reverse("api:register")
    statuses = [
        client.post(url, body, content_type="application/json").status_code for _ in range(3)
    ]
    assert statuses == [201, 201, 429]


# --- authorization, tokens -----------------------------------------------------------------


def test_full_flow(client: Any, world: Any) -> None:
    user = world.member
    app = oc.register(client)
    client.force_login(user)
    verifier, challenge = oc.pkce()
    page = client.get(
        reverse("api:authorize"),
        oc.authorize_query(app, f"{CREDENTIAL_READ} {PROFILE_READ}", challenge),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "Connect Carnet Pro to your account?" in text
    assert "See the badges in your backpack" in text
    assert "See your profile" in text
    assert "Add badges to your backpack" not in text  # not asked for
    assert "app.example.net" in text
    form = {key: value for key, value in page.context["form"].initial.items() if value}
    answer = client.post(reverse("api:authorize"), {**form, "allow": "true"})
    code = oc.code_from(answer)
    assert parse_qs(urlsplit(answer["Location"]).query)["iss"] == ["http://testserver"]
    assert AuditEntry.objects.filter(action="api.connection.authorized", actor=user).exists()
    client.logout()

    granted = oc.token(
        client,
        app,
        grant_type="authorization_code",
        code=code,
        redirect_uri=app.redirect_uri,
        code_verifier=verifier,
    )
    assert granted.status_code == 200
    assert granted["Cache-Control"] == "no-store"
    tokens = granted.json()
    assert tokens["token_type"].lower() == "bearer"
    assert tokens["expires_in"] == 3600
    assert set(tokens["scope"].split()) == {CREDENTIAL_READ, PROFILE_READ}
    assert tokens["refresh_token"]
    # Tokens are kept as digests only.
    assert not AccessToken.objects.filter(token=tokens["access_token"]).exists()

    # The code works once; presented again it revokes these tokens too
    # (test_api_oauth_hostile.test_a_replayed_code_revokes_the_tokens_it_gave).

    assert client.get(reverse("api:profile"), **oc.bearer(tokens)).status_code == 200

    # Refresh: a new access token, the old refresh token is spent.
    refreshed = oc.token(
        client, app, grant_type="refresh_token", refresh_token=tokens["refresh_token"]
    )
    assert refreshed.status_code == 200
    fresh = refreshed.json()
    assert fresh["access_token"] != tokens["access_token"]
    connection = selectors.connections_of(user)[0]
    assert connection.since == RefreshToken.objects.filter(user=user).earliest("created").created
    assert client.get(reverse("api:profile"), **oc.bearer(fresh)).status_code == 200
    assert client.get(reverse("api:profile"), **oc.bearer(tokens)).status_code == 401

    # RFC 7009 revocation: afterwards calls fail.
    revoked = oc.form_post(
        client,
        reverse("api:revoke"),
        app,
        token=fresh["access_token"],
        token_type_hint="access_token",
    )
    assert revoked.status_code == 200
    answer = client.get(reverse("api:profile"), **oc.bearer(fresh))
    assert answer.status_code == 401
    assert answer.json()["imsx_codeMajor"] == "failure"
    revoked = oc.form_post(
        client,
        reverse("api:revoke"),
        app,
        token=fresh["refresh_token"],
        token_type_hint="refresh_token",
    )
    assert revoked.status_code == 200
    spent = oc.token(client, app, grant_type="refresh_token", refresh_token=fresh["refresh_token"])
    assert spent.status_code == 400


def test_refusing_sends_access_denied(client: Any, world: Any) -> None:
    app = oc.register(client)
    client.force_login(world.member)
    _verifier, challenge = oc.pkce()
    answer = oc.consent(client, app, oc.ALL, challenge, allow=False)
    assert answer.status_code == 302
    params = parse_qs(urlsplit(answer["Location"]).query)
    assert params["error"] == ["access_denied"]
    assert params["state"] == ["xyz-state"]
    assert not Grant.objects.exists()


def test_signing_in_comes_first(client: Any) -> None:
    app = oc.register(client)
    _verifier, challenge = oc.pkce()
    answer = client.get(reverse("api:authorize"), oc.authorize_query(app, oc.ALL, challenge))
    assert answer.status_code == 302
    assert answer["Location"].startswith(reverse("account_login"))


def _authorize_error(client: Any, app: oc.App, **extra: str) -> dict[str, list[str]]:
    _verifier, challenge = oc.pkce()
    answer = client.get(
        reverse("api:authorize"), oc.authorize_query(app, oc.ALL, challenge, **extra)
    )
    assert answer.status_code == 302, answer.content
    return parse_qs(urlsplit(answer["Location"]).query)


def test_pkce_is_required_with_s256(client: Any, world: Any) -> None:
    app = oc.register(client)
    client.force_login(world.member)
    missing = _authorize_error(client, app, code_challenge="", code_challenge_method="")
    assert missing["error"] == ["invalid_request"]
    plain = _authorize_error(client, app, code_challenge_method="plain")
    assert plain["error"] == ["invalid_request"]
    no_method = _authorize_error(client, app, code_challenge_method="")
    assert no_method["error"] == ["invalid_request"]
    assert not Grant.objects.exists()


def test_the_code_verifier_must_match(client: Any, world: Any) -> None:
    app = oc.register(client)
    client.force_login(world.member)
    _verifier, challenge = oc.pkce()
    code = oc.code_from(oc.consent(client, app, oc.ALL, challenge))
    other_verifier, _challenge = oc.pkce()
    answer = oc.token(
        client,
        app,
        grant_type="authorization_code",
        code=code,
        redirect_uri=app.redirect_uri,
        code_verifier=other_verifier,
    )
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_grant"


def test_the_token_endpoint_needs_the_client_secret(client: Any, world: Any) -> None:
    app = oc.register(client)
    client.force_login(world.member)
    verifier, challenge = oc.pkce()
    code = oc.code_from(oc.consent(client, app, oc.ALL, challenge))
    wrong = oc.App(app.client_id, "not-the-secret")
    answer = oc.token(
        client,
        wrong,
        grant_type="authorization_code",
        code=code,
        redirect_uri=app.redirect_uri,
        code_verifier=verifier,
    )
    assert answer.status_code == 401
    assert answer.json()["error"] == "invalid_client"


def test_only_registered_redirects_and_scopes(client: Any, world: Any) -> None:
    app = oc.register(client, scope=CREDENTIAL_READ)
    client.force_login(world.member)
    _verifier, challenge = oc.pkce()
    wider = _authorize_error(client, app)  # asks for all four
    assert wider["error"] == ["invalid_scope"]
    query = oc.authorize_query(
        app, CREDENTIAL_READ, challenge, redirect_uri="https://app.example.net/other"
    )
    answer = client.get(reverse("api:authorize"), query, HTTP_ACCEPT_LANGUAGE="en")
    # Never sent to an address the application did not register: the error shows here.
    assert answer.status_code == 400
    assert "This connection request cannot be used" in answer.content.decode()


def test_unknown_client_shows_an_error_page(client: Any, world: Any) -> None:
    client.force_login(world.member)
    _verifier, challenge = oc.pkce()
    query = oc.authorize_query(oc.App("nope", "nope"), oc.ALL, challenge)
    answer = client.get(reverse("api:authorize"), query, HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code in (400, 401)
    assert "This connection request cannot be used" in answer.content.decode()


# --- connected applications on the settings page -------------------------------------------


def test_settings_list_and_disconnect(client: Any, world: Any) -> None:
    app, tokens = oc.connect(client, world.member)
    _other_app, _other_tokens = oc.connect(client, world.outsider)
    client.force_login(world.member)
    page = client.get(reverse("accounts:settings"), HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert "Connected applications" in text
    assert text.count("Disconnect Carnet Pro") == 1  # the outsider's connection is not here
    assert "see your badges" in text
    assert "add badges" in text

    # Someone else's application cannot be disconnected from here.
    outsider_app = Application.objects.exclude(client_id=app.client_id).get()
    answer = client.post(reverse("api:disconnect", args=[outsider_app.client_id]))
    assert answer.status_code == 404
    assert RefreshToken.objects.filter(user=world.outsider).exists()

    answer = client.post(reverse("api:disconnect", args=[app.client_id]))
    assert answer.status_code == 302
    assert not AccessToken.objects.filter(user=world.member).exists()
    assert not RefreshToken.objects.filter(user=world.member).exists()
    assert AuditEntry.objects.filter(action="api.connection.revoked", actor=world.member).exists()
    page = client.get(reverse("accounts:settings"), HTTP_ACCEPT_LANGUAGE="en")
    assert "No application is connected to your account." in page.content.decode()
    client.logout()
    assert client.get(reverse("api:profile"), **oc.bearer(tokens)).status_code == 401
    refresh = oc.token(
        client, app, grant_type="refresh_token", refresh_token=tokens["refresh_token"]
    )
    assert refresh.status_code == 400


def test_disconnect_needs_post_and_sign_in(client: Any, world: Any) -> None:
    app, _tokens = oc.connect(client, world.member)
    url = reverse("api:disconnect", args=[app.client_id])
    assert client.post(url).status_code == 302  # to the sign-in page
    client.force_login(world.member)
    assert client.get(url).status_code == 405
    assert RefreshToken.objects.filter(user=world.member).exists()


def test_settings_page_queries_stay_bounded(
    client: Any, world: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(3):
        oc.connect(client, world.member)
    client.force_login(world.member)
    with django_assert_max_num_queries(14) as captured:
        client.get(reverse("accounts:settings"))
    baseline = len(captured.captured_queries)
    for _ in range(3):
        oc.connect(client, world.member)
    client.force_login(world.member)
    with django_assert_max_num_queries(baseline):
        page = client.get(reverse("accounts:settings"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.content.decode().count("Disconnect Carnet Pro") == 6


def test_about_page(client: Any) -> None:
    page = client.get(reverse("api:about"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="terms"' in text
    assert 'id="privacy"' in text
