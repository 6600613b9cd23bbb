"""Badge Connect (Open Badges 2.1) on the same OAuth server and backpack: the manifest, OB 2.0
assertions read and added with the status envelope, the profile, scopes."""

from __future__ import annotations

import json
from typing import Any

import pytest

from blason.api.scopes import V2P1_SCOPES
from blason.backpack import checking, imports
from blason.backpack.models import Item
from tests.api import oauth_client as oc
from tests.blason import other_platforms as op

pytestmark = pytest.mark.django_db
BC = " ".join(V2P1_SCOPES)
ASSERTIONS = "/ims/ob/v2p1/assertions"
PROFILE = "/ims/ob/v2p1/profile"


def status(answer: Any, code: int) -> dict[str, Any]:
    assert answer.status_code == code, answer.content
    body: dict[str, Any] = answer.json()
    assert body["status"]["statusCode"] == code
    assert (body["status"]["error"] is None) == (code < 400)
    return body


def test_manifest(client: Any) -> None:
    answer = client.get("/.well-known/badgeconnect.json")
    assert answer.status_code == 200
    manifest = answer.json()
    assert manifest["@context"] == "https://purl.imsglobal.org/spec/ob/v2p1/ob_v2p1.jsonld"
    assert manifest["id"] == "http://testserver/.well-known/badgeconnect.json"
    api = manifest["badgeConnectAPI"][0]
    assert api["apiBase"] == "http://testserver/ims/ob/v2p1"
    assert api["version"] == "v2p1"
    assert set(api["scopesOffered"]) == set(V2P1_SCOPES)
    assert api["registrationUrl"] == "http://testserver/oauth/register"
    assert api["authorizationUrl"] == "http://testserver/oauth/authorize"
    assert api["tokenUrl"] == "http://testserver/oauth/token"
    assert api["tokenRevocationUrl"] == "http://testserver/oauth/revoke"
    assert api["termsOfServiceUrl"].endswith("#terms")
    assert api["privacyPolicyUrl"].endswith("#privacy")


def test_assertions_are_ob2_badges_with_paging(
    client: Any, world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    signed = op.ob2_signed(number=1)
    monkeypatch.setattr(checking, "make_fetcher", signed.fetcher)
    kept = imports.import_badge(user=world.member, text=signed.payload)
    imports.import_badge(user=world.member, text=op.data_integrity(number=2).payload)  # OB 3.0
    _app, tokens = oc.connect(client, world.member, scope=BC)
    answer = client.get(ASSERTIONS, {"limit": 1}, **oc.bearer(tokens))
    body = status(answer, 200)
    assert body["signedAssertions"] == [kept.credential]
    assert body["assertions"] == []
    assert answer["X-Total-Count"] == "1"
    assert (
        '<http://testserver/ims/ob/v2p1/assertions?limit=1&offset=0>; rel="first"'
        in (answer["Link"])
    )
    status(client.get(ASSERTIONS, {"limit": "0"}, **oc.bearer(tokens)), 400)


def test_post_a_signed_assertion_then_again(
    client: Any, world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    signed = op.ob2_signed(number=3)
    monkeypatch.setattr(checking, "make_fetcher", signed.fetcher)
    _app, tokens = oc.connect(client, world.member, scope=BC)
    payload = json.dumps({"signedAssertion": signed.payload})
    first = client.post(ASSERTIONS, payload, content_type="application/json", **oc.bearer(tokens))
    status(first, 201)
    again = client.post(ASSERTIONS, payload, content_type="application/json", **oc.bearer(tokens))
    status(again, 200)
    assert Item.objects.get(owner=world.member).credential == signed.payload
    for body in ["{}", '{"assertion": "x"}', "[]", "nope"]:
        answer = client.post(ASSERTIONS, body, content_type="application/json", **oc.bearer(tokens))
        status(answer, 400)


def test_scopes_and_tokens(client: Any, world: Any) -> None:
    status(client.get(ASSERTIONS), 401)
    _app, v3 = oc.connect(client, world.member)  # OB 3.0 scopes only
    answer = client.get(ASSERTIONS, **oc.bearer(v3))
    status(answer, 403)
    assert "insufficient_scope" in answer["WWW-Authenticate"]
    answer = client.delete(ASSERTIONS, **oc.bearer(v3))
    status(answer, 405)
    assert answer["Allow"] == "GET, POST"


def test_profile_read_and_rename(client: Any, world: Any) -> None:
    _app, tokens = oc.connect(client, world.member, scope=BC)
    body = status(client.get(PROFILE, **oc.bearer(tokens)), 200)
    assert body["profile"] == {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Profile",
        "id": f"urn:uuid:{world.member.uuid}",
        "name": "Bob",
        "email": "bob@example.org",
    }
    renamed = client.post(
        PROFILE,
        json.dumps({"name": "Bob Martin", "email": "x@else.example"}),
        content_type="application/json",
        **oc.bearer(tokens),
    )
    assert status(renamed, 200)["profile"]["name"] == "Bob Martin"
    world.member.refresh_from_db()
    assert world.member.display_name == "Bob Martin"
    assert world.member.email == "bob@example.org"
    status(client.post(PROFILE, "{}", content_type="application/json", **oc.bearer(tokens)), 400)
