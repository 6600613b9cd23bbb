"""The Open Badges 3.0 API endpoints: discovery, getCredentials (paging, since, errors),
upsertCredential (201 / 200, body echoed, verification), getProfile / putProfile, scopes and
the outsider rule."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from blason.api.models import ApiProfile
from blason.api.scopes import CREDENTIAL_READ, CREDENTIAL_UPSERT, PROFILE_READ, PROFILE_UPDATE
from blason.backpack import checking, imports
from blason.backpack.models import Item
from blason.core.models import AuditEntry
from obcore.keys import did_key, generate_key
from obcore.proofs.data_integrity import sign
from tests import reference_files
from tests.api import oauth_client as oc
from tests.blason import other_platforms as op

pytestmark = pytest.mark.django_db
CREDENTIALS = "/ims/ob/v3p0/credentials"
PROFILE = "/ims/ob/v3p0/profile"
DISCOVERY = "/ims/ob/v3p0/discovery"


def keep(user: Any, badge: op.Badge, monkeypatch: pytest.MonkeyPatch | None = None) -> Item:
    if monkeypatch is not None:
        monkeypatch.setattr(checking, "make_fetcher", badge.fetcher)
    return imports.import_badge(user=user, text=badge.payload)


def signed_by(key: Any, *, number: int, valid_from: str = "2026-01-10T09:00:00Z") -> str:
    issuer = did_key(key)
    document = op.ob3_credential(issuer, number=number, validFrom=valid_from)
    return json.dumps(sign(document, key, verification_method=f"{issuer}#{key.to_multikey()}"))


def assert_imsx(answer: Any, status: int, minor: str) -> None:
    assert answer.status_code == status, answer.content
    assert answer["Content-Type"].startswith("application/json")
    body = answer.json()
    assert body["imsx_codeMajor"] == "failure"
    assert body["imsx_severity"] == "error"
    assert body["imsx_codeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"] == minor


# --- discovery -----------------------------------------------------------------------------


def test_discovery_is_open_and_profiled(client: Any) -> None:
    answer = client.get(DISCOVERY)
    assert answer.status_code == 200
    sdd = answer.json()
    assert sdd["openapi"] == "3.0.1"
    assert sdd["servers"] == [{"url": "http://testserver/ims/ob/v3p0", "description": "Blason"}]
    info = sdd["info"]
    assert info["title"] == "Blason"
    assert info["version"] == "3.0"
    assert info["termsOfService"] == "http://testserver/apps/about/#terms"
    assert info["x-imssf-privacyPolicyUrl"] == "http://testserver/apps/about/#privacy"
    scheme = sdd["components"]["securitySchemes"]["OAuth2ACG"]
    assert scheme["type"] == "oauth2"
    assert scheme["x-imssf-registrationUrl"] == "http://testserver/oauth/register"
    flow = scheme["flows"]["authorizationCode"]
    assert flow["authorizationUrl"] == "http://testserver/oauth/authorize"
    assert flow["tokenUrl"] == flow["refreshUrl"] == "http://testserver/oauth/token"
    assert set(flow["scopes"]) == {CREDENTIAL_READ, CREDENTIAL_UPSERT, PROFILE_READ, PROFILE_UPDATE}
    # The rest is the official document.
    assert set(sdd["paths"]) == {"/credentials", "/profile", "/discovery"}
    assert "AchievementCredential" in sdd["components"]["schemas"]
    # Cacheable, with an ETag a client can revalidate.
    assert "max-age" in answer["Cache-Control"]
    again = client.get(DISCOVERY, HTTP_IF_NONE_MATCH=answer["ETag"])
    assert again.status_code == 304


def test_discovery_uses_the_operator_s_terms(client: Any, settings: Any) -> None:
    settings.API_TERMS_URL = "https://asso.example.org/cgu"
    settings.API_PRIVACY_URL = "https://asso.example.org/confidentialite"
    info = client.get(DISCOVERY).json()["info"]
    assert info["termsOfService"] == "https://asso.example.org/cgu"
    assert info["x-imssf-privacyPolicyUrl"] == "https://asso.example.org/confidentialite"


def test_discovery_only_answers_get(client: Any) -> None:
    answer = client.post(DISCOVERY)
    assert_imsx(answer, 405, "not_allowed")
    assert answer["Allow"] == "GET"


# --- authentication and scopes -------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", CREDENTIALS), ("post", CREDENTIALS), ("get", PROFILE), ("put", PROFILE)],
)
def test_a_token_is_required(client: Any, method: str, path: str) -> None:
    answer = getattr(client, method)(path)
    assert_imsx(answer, 401, "unauthorizedrequest")
    assert answer["WWW-Authenticate"].startswith("Bearer")
    answer = getattr(client, method)(path, HTTP_AUTHORIZATION="Bearer not-a-token")
    assert_imsx(answer, 401, "unauthorizedrequest")
    assert 'error="invalid_token"' in answer["WWW-Authenticate"]


def test_tokens_in_the_query_string_are_refused(client: Any, world: Any) -> None:
    _app, tokens = oc.connect(client, world.member)
    answer = client.get(CREDENTIALS, {"access_token": tokens["access_token"]})
    assert answer.status_code == 401


def test_each_operation_needs_its_scope(client: Any, world: Any) -> None:
    _app, tokens = oc.connect(client, world.member, scope=f"{CREDENTIAL_READ} {PROFILE_READ}")
    assert client.get(CREDENTIALS, **oc.bearer(tokens)).status_code == 200
    assert client.get(PROFILE, **oc.bearer(tokens)).status_code == 200
    answer = client.post(CREDENTIALS, "{}", content_type="application/json", **oc.bearer(tokens))
    assert_imsx(answer, 403, "forbidden")
    assert "insufficient_scope" in answer["WWW-Authenticate"]
    answer = client.put(PROFILE, "{}", content_type="application/json", **oc.bearer(tokens))
    assert_imsx(answer, 403, "forbidden")
    _app, writer = oc.connect(client, world.member, scope=f"{CREDENTIAL_UPSERT} {PROFILE_UPDATE}")
    assert_imsx(client.get(CREDENTIALS, **oc.bearer(writer)), 403, "forbidden")
    assert_imsx(client.get(PROFILE, **oc.bearer(writer)), 403, "forbidden")


def test_other_methods_are_not_allowed(client: Any, world: Any) -> None:
    _app, tokens = oc.connect(client, world.member)
    answer = client.delete(CREDENTIALS, **oc.bearer(tokens))
    assert_imsx(answer, 405, "not_allowed")
    assert answer["Allow"] == "GET, POST"
    answer = client.patch(PROFILE, **oc.bearer(tokens))
    assert answer["Allow"] == "GET, PUT"


# --- getCredentials ------------------------------------------------------------------------


@pytest.fixture
def backpack(world: Any, monkeypatch: pytest.MonkeyPatch) -> list[Item]:
    """Five OB 3.0 badges (four JSON, one VC-JWT), one hidden badge and one OB 2.0 badge."""
    user = world.member
    items = [keep(user, op.data_integrity(number=n)) for n in range(1, 5)]
    items.append(keep(user, op.vc_jwt(number=5), monkeypatch))
    hidden = keep(user, op.data_integrity(number=6))
    Item.objects.filter(pk=hidden.pk).update(hidden=True)
    keep(user, op.ob2_signed(number=7), monkeypatch)
    return items


def test_credentials_pages_with_headers(client: Any, world: Any, backpack: list[Item]) -> None:
    _app, tokens = oc.connect(client, world.member)
    answer = client.get(CREDENTIALS, {"limit": 2, "offset": 2}, **oc.bearer(tokens))
    assert answer.status_code == 200
    assert answer["X-Total-Count"] == "5"
    links = answer["Link"]
    base = "http://testserver/ims/ob/v3p0/credentials"
    assert f'<{base}?limit=2&offset=0>; rel="first"' in links
    # next and prev keep the specification's limit and offset, and carry the item they
    # follow or precede (a deep page is read from an index position, not past offset rows).
    assert f'<{base}?limit=2&offset=4&after={backpack[3].pk}>; rel="next"' in links
    assert f'<{base}?limit=2&offset=0&before={backpack[2].pk}>; rel="prev"' in links
    assert f'<{base}?limit=2&offset=4>; rel="last"' in links
    page = answer.json()
    assert page["compactJwsString"] == []
    assert page["credential"] == [json.loads(item.credential) for item in backpack[2:4]]
    last = client.get(CREDENTIALS, {"limit": 2, "offset": 4}, **oc.bearer(tokens))
    assert last.json() == {"credential": [], "compactJwsString": [backpack[4].credential]}
    assert 'rel="next"' not in last["Link"]
    everything = client.get(CREDENTIALS, **oc.bearer(tokens))
    data = everything.json()
    assert len(data["credential"]) == 4
    assert len(data["compactJwsString"]) == 1
    assert 'rel="first"' in everything["Link"]
    assert 'rel="prev"' not in everything["Link"]
    beyond = client.get(CREDENTIALS, {"offset": 50}, **oc.bearer(tokens))
    assert beyond.json() == {"credential": [], "compactJwsString": []}


def _links(answer: Any) -> dict[str, str]:
    found = re.findall(r'<([^>]+)>; rel="(\w+)"', answer["Link"])
    return {rel: url.replace("http://testserver", "") for url, rel in found}


def test_credentials_pages_follow_their_links_by_position(
    client: Any,
    world: Any,
    backpack: list[Item],
    django_assert_max_num_queries: Any,
) -> None:
    """Walking the next links reads every credential once, in order, each page without
    OFFSET, even when badges arrive meanwhile; prev walks back; last is read from the end;
    a cursor that is not a number is refused."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _app, tokens = oc.connect(client, world.member)
    seen: list[str] = []
    url: str | None = CREDENTIALS + "?limit=2"
    pages = []
    arrived: list[Item] = []
    while url:
        with CaptureQueriesContext(connection) as captured:
            answer = client.get(url, **oc.bearer(tokens))
        assert answer.status_code == 200
        if "after=" in url:
            listed = [q["sql"] for q in captured.captured_queries if '"credential"' in q["sql"]]
            assert listed
            assert not any("OFFSET" in sql for sql in listed), listed
        data = answer.json()
        seen += [json.dumps(c, sort_keys=True) for c in data["credential"]]
        seen += data["compactJwsString"]
        pages.append(url)
        if len(pages) == 1:  # a badge arriving now comes last, never twice nor skipped
            arrived.append(keep(world.member, op.data_integrity(number=8)))
        url = _links(answer).get("next")
    assert len(seen) == len(set(seen)) == 6
    expected = [
        json.dumps(json.loads(item.credential), sort_keys=True)
        if item.credential.startswith("{")
        else item.credential
        for item in [*backpack, *arrived]
    ]
    assert set(seen) == set(expected)  # a page sends its JSON credentials, then its JWS
    assert [s for s in seen if s[0] == "{"] == [s for s in expected if s[0] == "{"]
    # Back from the third page by its prev link: the second page again.
    third = client.get(pages[2], **oc.bearer(tokens))
    back = client.get(_links(third)["prev"], **oc.bearer(tokens))
    second = client.get(pages[1], **oc.bearer(tokens))
    assert back.content == second.content
    # The last link is read from the end of the list (no OFFSET past the rows before it).
    with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as captured:
        last = client.get(_links(third)["last"], **oc.bearer(tokens))
    assert last.json()["credential"] == [json.loads(arrived[0].credential)]
    listed = [q["sql"] for q in captured.captured_queries if '"credential"' in q["sql"]]
    assert listed
    assert all(" DESC" in sql and "OFFSET" not in sql for sql in listed), listed
    refused = client.get(CREDENTIALS, {"after": "12abc"}, **oc.bearer(tokens))
    assert refused.status_code == 400


def test_credentials_are_sent_exactly_as_kept(
    client: Any, world: Any, backpack: list[Item]
) -> None:
    _app, tokens = oc.connect(client, world.member)
    body = client.get(CREDENTIALS, {"limit": 1}, **oc.bearer(tokens)).content.decode()
    assert backpack[0].credential.strip() in body


def test_since_keeps_badges_issued_after(client: Any, world: Any, backpack: list[Item]) -> None:
    Item.objects.filter(pk=backpack[0].pk).update(issued_at="2026-03-01T00:00:00Z")
    _app, tokens = oc.connect(client, world.member)
    answer = client.get(CREDENTIALS, {"since": "2026-02-01T00:00:00Z"}, **oc.bearer(tokens))
    assert answer["X-Total-Count"] == "1"
    assert answer.json()["credential"] == [json.loads(backpack[0].credential)]
    assert "since=2026-02-01T00%3A00%3A00Z" in answer["Link"]
    offset = client.get(CREDENTIALS, {"since": "2026-03-01T01:00:00+02:00"}, **oc.bearer(tokens))
    assert offset["X-Total-Count"] == "1"
    far = client.get(CREDENTIALS, {"since": "0001-01-01T00:00:00+01:00"}, **oc.bearer(tokens))
    assert far["X-Total-Count"] == "5"


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=-1",
        "limit=2147483648",
        "limit=1.5",
        "limit=abc",
        "limit=",
        "offset=-1",
        "offset=2147483648",
        "offset=99999999999999999999",
        "since=",
        "since=yesterday",
        "since=2026-01-01",
        "since=2026-01-01T10:00:00",
        "limit=1&limit=2",
    ],
)
def test_bad_query_parameters(client: Any, world: Any, query: str) -> None:
    _app, tokens = oc.connect(client, world.member)
    answer = client.get(f"{CREDENTIALS}?{query}", **oc.bearer(tokens))
    assert_imsx(answer, 400, "invalid_query_parameter")


def test_int32_bounds_are_accepted(client: Any, world: Any) -> None:
    _app, tokens = oc.connect(client, world.member)
    answer = client.get(f"{CREDENTIALS}?limit=2147483647&offset=2147483647", **oc.bearer(tokens))
    assert answer.status_code == 200


def test_one_earner_never_sees_another_s_badges(
    client: Any, world: Any, backpack: list[Item]
) -> None:
    _app, tokens = oc.connect(client, world.outsider)
    answer = client.get(CREDENTIALS, **oc.bearer(tokens))
    assert answer.json() == {"credential": [], "compactJwsString": []}
    assert answer["X-Total-Count"] == "0"
    assert client.get(PROFILE, **oc.bearer(tokens)).json()["email"] == world.outsider.email


def test_credentials_queries_stay_bounded(
    client: Any, world: Any, backpack: list[Item], django_assert_max_num_queries: Any
) -> None:
    _app, tokens = oc.connect(client, world.member)
    with django_assert_max_num_queries(4):
        answer = client.get(CREDENTIALS, **oc.bearer(tokens))
    assert answer["X-Total-Count"] == "5"


# --- upsertCredential ----------------------------------------------------------------------


def test_upsert_creates_then_replaces(client: Any, world: Any) -> None:
    _app, tokens = oc.connect(client, world.member)
    key = generate_key()
    first = signed_by(key, number=40)
    created = client.post(CREDENTIALS, first, content_type="application/json", **oc.bearer(tokens))
    assert created.status_code == 201
    assert created.content == first.encode()
    assert created["Content-Type"].startswith("application/json")
    item = Item.objects.get(owner=world.member)
    assert item.credential == first
    assert AuditEntry.objects.filter(action="backpack.item.imported", data__via="api").exists()
    Item.objects.filter(pk=item.pk).update(note="Mon premier")

    same = client.post(CREDENTIALS, first, content_type="application/json", **oc.bearer(tokens))
    assert same.status_code == 200
    newer = signed_by(key, number=40, valid_from="2026-02-10T09:00:00Z")
    replaced = client.post(CREDENTIALS, newer, content_type="application/json", **oc.bearer(tokens))
    assert replaced.status_code == 200
    assert replaced.content == newer.encode()
    item.refresh_from_db()
    assert Item.objects.filter(owner=world.member).count() == 1
    assert item.credential == newer
    assert item.note == "Mon premier"
    assert item.issued_at.month == 2
    assert AuditEntry.objects.filter(action="backpack.item.replaced").count() == 2

    # A later getCredentials returns the same credential.
    _app, reader = oc.connect(client, world.member, scope=CREDENTIAL_READ)
    assert client.get(CREDENTIALS, **oc.bearer(reader)).json()["credential"] == [json.loads(newer)]


def test_upsert_of_a_vc_jwt_answers_in_text(
    client: Any, world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    badge = op.vc_jwt(number=41)
    monkeypatch.setattr(checking, "make_fetcher", badge.fetcher)
    _app, tokens = oc.connect(client, world.member)
    answer = client.post(CREDENTIALS, badge.payload, content_type="text/plain", **oc.bearer(tokens))
    assert answer.status_code == 201
    assert answer.content.decode() == badge.payload
    assert answer["Content-Type"].startswith("text/plain")
    assert Item.objects.get(owner=world.member).credential == badge.payload


def test_upsert_refuses_what_fails_its_checks(client: Any, world: Any) -> None:
    _app, tokens = oc.connect(client, world.member)
    tampered = json.loads(signed_by(generate_key(), number=42))
    tampered["credentialSubject"]["achievement"]["name"] = "Autre chose"
    for body, media_type in [
        (json.dumps(tampered), "application/json"),
        ("{}", "application/json"),
        ("[1, 2]", "application/json"),
        ("not json", "application/json"),
        ('{"a": NaN}', "application/json"),
        ("not.a-jws", "text/plain"),
        ("aaa.bbb.ccc", "text/plain"),
    ]:
        answer = client.post(CREDENTIALS, body, content_type=media_type, **oc.bearer(tokens))
        assert_imsx(answer, 400, "invalid_data")
    answer = client.post(CREDENTIALS, b"\x89PNG", content_type="image/png", **oc.bearer(tokens))
    assert_imsx(answer, 415, "not_acceptable")
    assert not Item.objects.exists()


def test_the_same_id_from_another_issuer_is_another_badge(client: Any, world: Any) -> None:
    """Credential equality is the id *and* the issuer's id: same both replaces, else adds."""
    _app, tokens = oc.connect(client, world.member)
    key = generate_key()
    mine = signed_by(key, number=43)
    theirs = signed_by(generate_key(), number=43)  # same id, another issuer
    for body, status in [(mine, 201), (theirs, 201), (signed_by(key, number=43), 200)]:
        answer = client.post(
            CREDENTIALS, body, content_type="application/json", **oc.bearer(tokens)
        )
        assert answer.status_code == status, answer.content
    kept = Item.objects.filter(owner=world.member)
    assert kept.count() == 2
    assert len({item.credential_key for item in kept}) == 1
    assert len({item.issuer_id for item in kept}) == 2


@pytest.mark.parametrize("missing", ["issuer", "credentialSubject"])
def test_upsert_refuses_a_credential_without_issuer_or_subject(
    client: Any, world: Any, missing: str
) -> None:
    """Signed, but not an Open Badge: refused with a clear imsx message, nothing stored, and
    getCredentials still answers what the official schema wants."""
    _app, tokens = oc.connect(client, world.member)
    good_document = json.loads(signed_by(generate_key(), number=48))
    good_document["proof"] = [good_document["proof"]]  # as the OpenAPI document wants it
    good = json.dumps(good_document)
    assert (
        client.post(CREDENTIALS, good, content_type="application/json", **oc.bearer(tokens))
    ).status_code == 201
    key = generate_key()
    signer = did_key(key)
    document = op.ob3_credential(signer, number=49)
    del document[missing]
    body = json.dumps(sign(document, key, verification_method=f"{signer}#{key.to_multikey()}"))
    answer = client.post(CREDENTIALS, body, content_type="application/json", **oc.bearer(tokens))
    assert_imsx(answer, 400, "invalid_data")
    assert missing in answer.json()["imsx_description"]
    assert Item.objects.filter(owner=world.member).count() == 1
    listed = client.get(CREDENTIALS, **oc.bearer(tokens))
    assert not reference_files.ob3_problems(listed.json(), "GetOpenBadgeCredentialsResponse")


def test_upsert_keeps_an_expired_badge_and_refuses_one_it_cannot_check(
    client: Any, world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A genuine badge is kept whatever its dates say (the backpack shows it expired); one
    whose issuer's key cannot be fetched now is refused, to be sent again later."""
    _app, tokens = oc.connect(client, world.member)
    key = generate_key()
    issuer = did_key(key)
    document = op.ob3_credential(issuer, number=50, validUntil="2026-02-01T00:00:00Z")
    expired = json.dumps(sign(document, key, verification_method=f"{issuer}#{key.to_multikey()}"))
    answer = client.post(CREDENTIALS, expired, content_type="application/json", **oc.bearer(tokens))
    assert answer.status_code == 201, answer.content
    assert Item.objects.get(owner=world.member).status == "expired"
    unreachable = op.vc_jwt(number=51)  # its issuer's key is served by nobody
    monkeypatch.setattr(checking, "make_fetcher", lambda: op.fetcher({}))
    answer = client.post(
        CREDENTIALS, unreachable.payload, content_type="text/plain", **oc.bearer(tokens)
    )
    assert_imsx(answer, 400, "invalid_data")
    assert "try again later" in answer.json()["imsx_description"]
    assert Item.objects.filter(owner=world.member).count() == 1


def test_upsert_goes_to_the_token_s_earner_only(client: Any, world: Any) -> None:
    _app, tokens = oc.connect(client, world.outsider)
    body = signed_by(generate_key(), number=44)
    client.post(CREDENTIALS, body, content_type="application/json", **oc.bearer(tokens))
    assert Item.objects.get().owner == world.outsider


def test_upsert_is_rate_limited(client: Any, world: Any, settings: Any) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "backpack_fetch": "1/m/user"}
    _app, tokens = oc.connect(client, world.member)
    key = generate_key()
    first = client.post(
        CREDENTIALS, signed_by(key, number=45), content_type="application/json", **oc.bearer(tokens)
    )
    assert first.status_code == 201
    second = client.post(
        CREDENTIALS, signed_by(key, number=46), content_type="application/json", **oc.bearer(tokens)
    )
    assert second.status_code == 429
    assert second["Retry-After"]


# --- profile -------------------------------------------------------------------------------


def test_profile_from_the_account(client: Any, world: Any) -> None:
    _app, tokens = oc.connect(client, world.member)
    answer = client.get(PROFILE, **oc.bearer(tokens))
    assert answer.json() == {
        "id": f"urn:uuid:{world.member.uuid}",
        "type": ["Profile"],
        "name": "Bob",
        "email": "bob@example.org",
    }


def test_put_profile_accepts_the_specification_s_example(client: Any, world: Any) -> None:
    """Example 12 of the OB 3.0 specification (§6.2.5), "type" given as one string: kept as
    ["Profile"], so getProfile answers what the Profile schema wants."""
    _app, tokens = oc.connect(client, world.member)
    example = {
        "@context": ["https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "type": "Profile",
        "id": "https://example.edu/issuers/565049",
        "name": "Example University",
        "phone": "111-222-3333",
    }
    answer = client.put(
        PROFILE, json.dumps(example), content_type="application/json", **oc.bearer(tokens)
    )
    assert answer.status_code == 200, answer.content
    assert answer.json() == {**example, "type": ["Profile"]}
    assert not reference_files.ob3_problems(answer.json(), "Profile")


def test_put_profile_keeps_it_and_renames_the_account(client: Any, world: Any) -> None:
    _app, tokens = oc.connect(client, world.member)
    profile = {
        "id": "https://1edtech.org/issuers/cert",
        "type": ["Profile"],
        "name": "Bob Martin",
        "email": "someone@else.example",
        "dateOfBirth": "2001-04-02",
        "address": {"type": ["Address"], "addressLocality": "Lyon"},
    }
    answer = client.put(
        PROFILE, json.dumps(profile), content_type="application/json", **oc.bearer(tokens)
    )
    assert answer.status_code == 200
    assert answer.json() == profile
    world.member.refresh_from_db()
    assert world.member.display_name == "Bob Martin"
    assert world.member.email == "bob@example.org"  # never changed by an application
    assert client.get(PROFILE, **oc.bearer(tokens)).json() == profile
    assert AuditEntry.objects.filter(action="api.profile.updated", actor=world.member).exists()


@pytest.mark.parametrize(
    "profile",
    [
        {"type": ["Profile"]},
        {"id": "urn:x"},
        {"id": "urn:x", "type": "Organization"},
        {"id": "urn:x", "type": []},
        {"id": "urn:x", "type": ["Organization"]},
        {"id": 3, "type": ["Profile"]},
        {"id": "urn:x", "type": ["Profile"], "dateOfBirth": "yesterday"},
        {"id": "urn:x", "type": ["Profile"], "image": "https://x.example/i.png"},
        [],
        "text",
    ],
)
def test_put_profile_refuses_what_is_not_a_profile(client: Any, world: Any, profile: Any) -> None:
    _app, tokens = oc.connect(client, world.member)
    answer = client.put(
        PROFILE, json.dumps(profile), content_type="application/json", **oc.bearer(tokens)
    )
    assert_imsx(answer, 400, "invalid_data")
    assert not ApiProfile.objects.exists()
    world.member.refresh_from_db()
    assert world.member.display_name == "Bob"


def test_a_form_body_on_a_json_endpoint_is_a_clean_400(client: Any, world: Any) -> None:
    _app, tokens = oc.connect(client, world.member)
    answer = client.generic(
        "POST", CREDENTIALS, b"x", content_type="multipart/form-data", **oc.bearer(tokens)
    )
    assert_imsx(answer, 400, "invalid_data")


def test_a_proof_set_is_kept_and_served_as_received(client: Any, world: Any) -> None:
    signed = json.loads(signed_by(generate_key(), number=47))
    signed["proof"] = [signed["proof"]]
    body = json.dumps(signed)
    _app, tokens = oc.connect(client, world.member)
    created = client.post(CREDENTIALS, body, content_type="application/json", **oc.bearer(tokens))
    assert created.status_code == 201
    listed = client.get(CREDENTIALS, **oc.bearer(tokens)).json()["credential"]
    assert listed == [signed]


def test_the_about_page_links_to_the_service_description(client: Any) -> None:
    from django.urls import reverse

    page = client.get(reverse("api:about"), HTTP_ACCEPT_LANGUAGE="en")
    discovery = reverse("api:discovery")
    assert f'<a href="{discovery}"><code>{discovery}</code></a>' in page.text
