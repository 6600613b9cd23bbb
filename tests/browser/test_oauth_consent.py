"""Connecting an application in a real browser (French): the earner signs in, reads the
consent screen (axe-checked), allows it, then finds the application in their settings and
disconnects it.

Texts are matched in French or English, so the test holds whether or not the French catalogue
already has these strings.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from tests.api import oauth_client as oc
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def either(french: str, english: str) -> re.Pattern[str]:
    return re.compile(f"({re.escape(french)}|{re.escape(english)})")


def test_consent_then_disconnect(
    page: Any, client: Any, world: Any, assert_accessible: Any
) -> None:
    from oauth2_provider.models import AccessToken, RefreshToken

    app = oc.register(client)
    verifier, challenge = oc.pkce()
    query = oc.authorize_query(app, f"{oc.ALL} offline_access", challenge)
    # The application's own site: what the browser lands on after the choice.
    page.route(
        f"{oc.APP}/**",
        lambda route: route.fulfill(status=200, content_type="text/html", body="<p>Carnet Pro</p>"),
    )

    page.goto("/oauth/authorize?" + urlencode(query))
    page.wait_for_url("**/accounts/login/**")
    page.fill("#id_login", world.member.email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/oauth/authorize?**")

    heading = page.get_by_role("heading", level=1)
    assert re.search(
        either("Connecter Carnet Pro à votre compte", "Connect Carnet Pro to your account"),
        heading.inner_text(),
    )
    abilities = page.locator("main section ul li")
    assert abilities.count() == 5
    assert re.search(either("Voir les badges", "See the badges"), abilities.first.inner_text())
    assert page.get_by_text("app.example.net").first.is_visible()
    assert_accessible(page)

    page.get_by_role("button", name=either("Autoriser", "Allow")).click()
    page.wait_for_url(f"{oc.APP}/callback?**")
    params = parse_qs(urlsplit(page.url).query)
    assert params["state"] == ["xyz-state"]
    tokens = oc.token(
        client,
        app,
        grant_type="authorization_code",
        code=params["code"][0],
        redirect_uri=app.redirect_uri,
        code_verifier=verifier,
    )
    assert tokens.status_code == 200

    page.goto("/account/settings/")
    section = page.locator("section", has=page.locator("#apps-title"))
    assert "Carnet Pro" in section.inner_text()
    assert re.search(either("voir vos badges", "see your badges"), section.inner_text())
    assert_accessible(page)
    section.get_by_role(
        "button", name=either("Déconnecter Carnet Pro", "Disconnect Carnet Pro")
    ).click()
    page.wait_for_url("**/account/settings/")
    section = page.locator("section", has=page.locator("#apps-title"))
    assert "Carnet Pro" not in section.inner_text()
    assert not AccessToken.objects.filter(user=world.member).exists()
    assert not RefreshToken.objects.filter(user=world.member).exists()
