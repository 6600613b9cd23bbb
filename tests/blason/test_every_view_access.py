"""Access control of every view, generated from the URL configuration.

``RULES`` gives each route of the URLconf its access rule (one line per route); a route
without a rule, or a rule naming a route that is gone, fails ``test_every_route_has_a_rule``.
For each route, the request its rule implies is sent by each kind of visitor the rule names,
in a world made through the services (``tests/blason/access_world.py``), and the exact status
is checked. The rules:

* ``public()``: anyone, signed in or not (never a sign-in redirect, 401, 403 or 5xx).
* ``bearer(secret)``: anyone holding the secret in the address (claim code, claim page, join
  link, invitation, sign-in link): a wrong secret answers ``wrong`` (404 unless said).
* ``signed_in()``: any signed-in person; visitors are sent to ``account_login`` with ``next``.
* ``own()``: signed in, about an object of the person (the earner here); another signed-in
  person gets 404.
* ``space(role)``: a member of the space with at least ``role``
  (``blason.core.access.issuer_for_member``): visitors are sent to sign in, members of
  another space get 404 (``outsider``; and ``cross_space``: the same person asking for this
  space's objects through the address of their own space), members one role below get 403.
* ``validator()``: a badge request's validators (the badge's peer rule: reviewers and above
  here) and the space's facilitators (``blason.peers.request_views``): as ``space(REVIEWER)``.
* ``staff()``: operators (``is_staff``): visitors sign in first, other people get 403.
* ``oauth(body)``: the Open Badges 3.0 API and Badge Connect: no token gives 401 with the
  documented body (``imsx`` status or Badge Connect's ``status`` envelope), a token without
  the scope 403, the right token success.
* ``client()``: OAuth endpoints for applications (token, revocation): no client
  authentication, or a wrong secret, gives 401 ``invalid_client``.

Each rule says the method (``post=`` sends a POST with that form data; GET otherwise) and
the exact success status (``ok``): 200, 201, or 302 to a page other than sign-in. A success
never carries an error message (``django.contrib.messages``), so a refused action cannot pass
for a done one.

To classify a new route, add one line to ``RULES`` with its rule, and the data it needs:
a new kind of object in the address gets a value in ``access_world.build`` (``values``,
looked up by the address's parameter name, or named in ``args=``).
"""

from __future__ import annotations

import base64
import json
import secrets
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.contrib import messages
from django.http import HttpResponse, StreamingHttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from blason.core.access import ROLE_ORDER
from tests.api import oauth_client
from tests.blason.access_world import AccessWorld, shared_world

pytestmark = pytest.mark.django_db

OWNER, EDITOR, AWARDER, REVIEWER, VIEWER = ROLE_ORDER
LOGIN = "login"  # the expected answer "sent to account_login with next"

Data = Mapping[str, Any] | Callable[[AccessWorld], Mapping[str, Any]] | None


@dataclass(frozen=True)
class Json:
    """A JSON request body (otherwise POST data is sent as a form)."""

    body: Mapping[str, Any]


@dataclass(frozen=True)
class Rule:
    kind: str
    role: str = ""  # space(): the minimum role
    method: str = "GET"
    ok: int = 200  # the success status
    data: Data | Json = None  # POST body
    # address parameter -> the name of a world value, or "=literal"
    args: Mapping[str, str] = field(default_factory=dict)
    query: Data = None
    headers: Mapping[str, str] = field(default_factory=dict)
    secret: str = ""  # bearer(): the address parameter (or query parameter) holding it
    wrong: int = 404  # bearer(): the status with a wrong secret
    outsider: int | None = None  # public(), bearer(): another status for signed-in people
    holder: str = ""  # bearer(): the person the secret is bound to, when it is
    body: str = ""  # oauth(): "imsx" or "badge_connect"
    prepare: Callable[[AccessWorld], None] | None = None  # the state the action needs


def _rule(kind: str, *, post: Data | Json = None, ok: int | None = None, **options: Any) -> Rule:
    if post is not None:
        options.update(method="POST", data=post)
    return Rule(kind, ok=ok or (302 if post is not None else 200), **options)


def public(**options: Any) -> Rule:
    return _rule("public", **options)


def bearer(secret: str, **options: Any) -> Rule:
    return _rule("bearer", secret=secret, **options)


def signed_in(**options: Any) -> Rule:
    return _rule("signed_in", **options)


def own(**options: Any) -> Rule:
    return _rule("own", **options)


def space(role: str, **options: Any) -> Rule:
    return _rule("space", role=role, **options)


def validator(**options: Any) -> Rule:
    return _rule("space", role=REVIEWER, **options)


def staff(**options: Any) -> Rule:
    return _rule("staff", **options)


def oauth(body: str, **options: Any) -> Rule:
    return _rule("oauth", body=body, **options)


def client(**options: Any) -> Rule:
    return _rule("client", **options)


def _confirm_batch(world: AccessWorld) -> None:
    from blason.issuing import batches

    batches.batch_confirm(batch=world.objects["batch"], actor=world.people[AWARDER])


def _authorize(world: AccessWorld) -> dict[str, str]:
    app = oauth_client.App(world.secrets["client_id"], world.secrets["client_secret"])
    return oauth_client.authorize_query(app, oauth_client.ALL, oauth_client.pkce()[1])


def _login_link(world: AccessWorld) -> dict[str, str]:
    return {"token": world.secrets["login_token"]}


def _refresh_grant(world: AccessWorld) -> dict[str, str]:
    return {"grant_type": "refresh_token", "refresh_token": world.secrets["refresh_token"]}


def _revocation(world: AccessWorld) -> dict[str, str]:
    return {"token": world.secrets["access_token"]}


REGISTRATION = Json(oauth_client.registration())
INVITATION = {"token": "invitation_token"}

# fmt: off
RULES: dict[str, Rule] = {
    # Public documents and pages (stable addresses that go into issued badges)
    "healthz": public(),
    "issuer_profile": public(),
    "issuer_did": public(),
    "issuer_key": public(),
    "issuer_jwks": public(),
    "issuer_ob2": public(),
    "issuer_ob2_key": public(args={"fragment": "rsa_fragment"}),
    "issuer_status_list": public(),
    "issuer_ob2_revocations": public(),
    "badge_public": public(),
    "badge_ob2": public(),
    "badge_image": public(),
    "award_public": public(),
    "award_ob2": public(),
    "award_ob2_image": public(),
    "award_ob2_jws": public(),
    "award_vc_jwt": public(),
    "award_verify": public(),
    "evidence_file": public(),
    "award_preview": public(),
    "award_image": public(args={"extension": "=svg"}),
    # accounts
    "accounts:settings": signed_in(),
    "accounts:set_language": public(post={"language": "en"}),
    "accounts:login_link": public(outsider=302),  # signed in: to the dashboard
    "accounts:login_link_confirm": bearer("token", query=_login_link, wrong=400),  # 400: its page
    "accounts:delete": signed_in(),
    # api: Open Badges 3.0, Badge Connect, OAuth
    "api:discovery": public(),
    "api:credentials": oauth("imsx"),
    "api:profile": oauth("imsx"),
    "api:badgeconnect_manifest": public(),
    "api:badgeconnect_assertions": oauth("badge_connect"),
    "api:badgeconnect_profile": oauth("badge_connect"),
    "api:register": public(post=REGISTRATION, ok=201),
    "api:authorize": signed_in(query=_authorize),
    "api:token": client(post=_refresh_grant, ok=200),
    "api:revoke": client(post=_revocation, ok=200),
    "api:about": public(),
    "api:disconnect": own(post={}),
    # verification
    "verification:verify": public(),
    # backpack
    "backpack:claim_enter": public(),
    "backpack:claim": bearer("code"),
    "backpack:public_profile": public(args={"slug": "profile_slug"}),
    "backpack:shared": public(),
    "backpack:shared_image": public(),
    "backpack:shared_preview": public(),
    "backpack:shared_download": public(),
    "backpack:list": signed_in(),
    "backpack:profile_settings": signed_in(),
    "backpack:import": signed_in(),
    "backpack:export": signed_in(),
    "backpack:cv": signed_in(),
    "backpack:identities": signed_in(),
    "backpack:phone_remove": own(post={}),
    "backpack:item": own(),
    "backpack:item_check": own(post={}),
    "backpack:item_note": own(post={"note": "Mon premier badge d'ailleurs."}),
    "backpack:item_visibility": own(post={"hidden": "1"}),
    "backpack:item_public": own(post={"public": "0"}),
    "backpack:item_collections": own(post={}),
    "backpack:item_remove": own(),
    "backpack:item_image": own(),
    "backpack:item_certificate": own(),
    "backpack:item_download": own(),
    "backpack:collections": signed_in(),
    "backpack:collection": own(),
    "backpack:collection_delete": own(),
    "backpack:collection_public": own(post={"public": "0"}),
    "backpack:collection_move": own(post={"direction": "up"}),
    "backpack:entry_move": own(post={"direction": "up"}),
    "backpack:entry_remove": own(post={}),
    # peers: join links, workshops, badge requests
    "peers:join": bearer("token", args={"token": "join_token"}),
    "peers:join_link": space(EDITOR),
    "peers:join_link_new": space(EDITOR, post={}),
    "peers:join_link_off": space(EDITOR, post={}),
    "peers:feed": space(VIEWER),
    "peers:workshops": space(VIEWER),
    "peers:workshop_new": space(EDITOR),
    "peers:workshop": space(VIEWER),
    "peers:live": space(VIEWER, headers={"HX-Request": "true"}),
    "peers:map": space(VIEWER),
    "peers:projector": space(VIEWER),
    "peers:propose": space(VIEWER, post={"text": "Sourit aux gens"}),
    "peers:show_name": space(VIEWER, post={"show_name": "on"}),
    "peers:group_add": space(EDITOR, post={"name": "Accueil"}),
    "peers:group_rename": space(EDITOR, post={"name": "Soins et accueil"}),
    "peers:group_remove": space(EDITOR, post={}),
    "peers:vote": space(VIEWER, post={"choice": "keep"}),  # the viewer wrote the criterion
    "peers:comment": space(VIEWER, post={"text": "D'accord avec ça."}),
    "peers:criterion_edit": space(VIEWER, post={"text": "Écoute active"}),
    "peers:criterion_withdraw": space(VIEWER, post={}),
    "peers:close": space(EDITOR, post={}),
    "peers:reopen": space(EDITOR, post={}, args={"workshop_uuid": "closed_workshop_uuid"}),
    "peers:validate": space(EDITOR, post={}, args={"workshop_uuid": "closed_workshop_uuid"}),
    "peers:request_new": public(),
    "peers:poster": public(),
    "peers:my_requests": signed_in(),
    "peers:my_request": own(),
    "peers:my_request_withdraw": own(post={}),
    "peers:request_file": validator(),  # and its requester (test_peers_request_views.py)
    "peers:to_validate": signed_in(),
    "peers:request": validator(),
    "peers:space_requests": space(EDITOR),
    "peers:rules": space(VIEWER),
    "peers:rule_edit": space(EDITOR),
    "peers:poster_pdf": space(VIEWER),
    # core: home, spaces, members, operators
    "core:home": public(outsider=302),  # signed in: to the dashboard
    "core:dashboard": signed_in(),
    "core:abuse_report": public(),
    "core:operator_mail": staff(),
    "core:operator_trust": staff(post={"trusted": "1"}, args={"issuer_uuid": "other_issuer_uuid"}),
    "core:space_create": signed_in(),
    "core:personal_space": signed_in(post={}),
    # Bound to the address it was sent to: others signed in are told so (403).
    "core:invitation": bearer("token", args=INVITATION, outsider=403, holder="invitee"),
    "core:space_settings": space(OWNER),
    "core:issuer_members": space(VIEWER),
    "core:member_invite": space(OWNER, post={"email": "new@example.org", "role": VIEWER}),
    "core:member_role": space(OWNER, post={"role": REVIEWER}),
    "core:member_remove": space(OWNER, post={}),
    "core:invitation_cancel": space(OWNER, post={}, args=INVITATION),
    "core:issuer_activity": space(OWNER),
    # issuing: the space, badges, awards, batches, claim links
    "issuing:space": space(VIEWER),
    "issuing:badge_new": space(EDITOR),
    "issuing:image_preview": space(EDITOR),
    "issuing:markdown_preview": space(EDITOR, post={"description": "**Bravo**"}, ok=200),
    "issuing:badge_edit": space(EDITOR),
    "issuing:award_new": space(AWARDER, post={"name": "Yanis Moreau"}),
    "issuing:badge": space(VIEWER),
    "issuing:award_list": space(REVIEWER),
    "issuing:award_revoke": space(AWARDER, post={"reason": "Attribué par erreur"}),
    "issuing:badge_status": space(EDITOR, post={"status": "archived"}),
    "issuing:batch_upload": space(AWARDER),
    "issuing:batch_list": space(REVIEWER),
    "issuing:batch_template": space(VIEWER),
    "issuing:batch_detail": space(REVIEWER),
    "issuing:batch_progress": space(REVIEWER),
    "issuing:batch_columns": space(AWARDER, post={"name": "0", "phone": "1"}),
    "issuing:batch_confirm": space(AWARDER, post={"language": "fr"}),
    "issuing:batch_cancel": space(AWARDER, post={}, prepare=_confirm_batch),
    "issuing:batch_resume": space(AWARDER, post={}, args={"batch_uuid": "cancelled_batch_uuid"}),
    "issuing:batch_discard": space(AWARDER, post={}),
    "issuing:batch_problems": space(AWARDER),
    "issuing:batch_codes": space(AWARDER, args={"batch_uuid": "done_batch_uuid"}),
    "issuing:batch_codes_csv": space(AWARDER, args={"batch_uuid": "done_batch_uuid"}),
    "issuing:claim_page": bearer("token", args={"token": "claim_token"}),
    "issuing:claim_status": bearer("claim_uuid", args={"token": "claim_token"}),
    "issuing:claim_link_new": space(AWARDER),
    "issuing:claim_link_list": space(AWARDER),
    "issuing:claim_link_detail": space(AWARDER),
    "issuing:claim_link_edit": space(AWARDER),
    "issuing:claim_link_active": space(AWARDER, post={"active": "0"}),
    "issuing:claim_link_poster": space(AWARDER),
    "issuing:claim_link_qr": space(AWARDER, args={"extension": "=png"}),
    "issuing:claims_approve": space(AWARDER, post={"everyone": "1"}),
    "issuing:claim_approve": space(AWARDER, post={}),
    "issuing:claim_refuse": space(AWARDER, post={"reason": "Absente ce jour-là"}),
}
# fmt: on

# Routes that are not Blason's views: django-allauth's account pages (its own tests cover
# them; Blason only styles them) and the media files served from local storage (Django's
# ``static.serve``, in the URLconf only when ``SERVE_MEDIA``).
MEDIA = "^media/(?P<path>.+)$"
EXCEPTIONS = {
    "account_login",
    "account_logout",
    "account_inactive",
    "account_signup",
    "account_reauthenticate",
    "account_email",
    "account_email_verification_sent",
    "account_change_password",
    "account_set_password",
    "account_reset_password",
    "account_confirm_login_code",
    "account_confirm_email",
    "account_reset_password_from_key_done",
    "account_reset_password_from_key",
    "account_reset_password_done",
    MEDIA,
}


# The URL configuration ----------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    key: str  # the route's name with its namespaces (its pattern when it has no name)
    pattern: str
    module: str  # where its view is defined


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            pattern = prefix + str(entry.pattern)
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            callback = entry.callback
            module = getattr(callback, "view_class", callback).__module__
            yield Route(name or pattern, pattern, module)


def url_routes() -> dict[str, Route]:
    return {route.key: route for route in _walk(get_resolver().url_patterns)}


ROUTES = url_routes()


def test_every_route_has_a_rule() -> None:
    unclassified = sorted(set(ROUTES) - set(RULES) - EXCEPTIONS)
    gone = sorted((set(RULES) | EXCEPTIONS) - set(ROUTES) - {MEDIA})
    assert (unclassified, gone) == ([], []), (
        f"Routes to give an access rule in RULES ({__name__}): {unclassified}; "
        f"rules or exceptions naming routes no longer in the URL configuration: {gone}"
    )


def test_only_other_projects_views_are_exceptions() -> None:
    ours = sorted(
        key for key in EXCEPTIONS & set(ROUTES) if ROUTES[key].module.startswith("blason.")
    )
    assert not ours, f"Blason's own views need a rule, not an exception: {ours}"


def parameters(name: str) -> list[str]:
    """The names of the route's address parameters."""
    route = ROUTES.get(name)
    if route is None:
        return []
    return [part.split(">")[0].split(":")[-1] for part in route.pattern.split("<")[1:]]


# Requests -----------------------------------------------------------------------------------


def actors(name: str, rule: Rule) -> list[str]:
    """Who sends the route's request, for its rule. ``cross_space``: the outsider, through
    their own space (where they are owners), asks for this space's objects."""
    if rule.kind == "public":
        return ["anonymous", "outsider"]
    if rule.kind == "bearer":
        return ["anonymous", "outsider", "wrong_secret"] + (["holder"] if rule.holder else [])
    if rule.kind == "space":
        found = ["anonymous", "outsider"]
        if "slug" in parameters(name) and len(parameters(name)) > 1:
            found.append("cross_space")
        if rule.role != VIEWER:
            found.append("below")
        return [*found, "right"]
    return ["anonymous", "outsider", "right"]


def expected(rule: Rule, actor: str) -> int | str:
    if actor in ("right", "holder"):
        return rule.ok
    if rule.kind == "public":
        return rule.ok if actor == "anonymous" else (rule.outsider or rule.ok)
    if rule.kind == "bearer":
        if actor == "wrong_secret":
            return rule.wrong
        return rule.ok if actor == "anonymous" else (rule.outsider or rule.ok)
    if rule.kind in ("oauth", "client"):
        return {"anonymous": 401, "outsider": 403 if rule.kind == "oauth" else 401}[actor]
    if actor == "anonymous":
        return LOGIN
    return {
        "signed_in": {"outsider": rule.ok},
        "own": {"outsider": 404},
        "space": {"outsider": 404, "cross_space": 404, "below": 403},
        "staff": {"outsider": 403},
    }[rule.kind][actor]


CASES = [(name, actor) for name, rule in RULES.items() for actor in actors(name, rule)]


def person(world: AccessWorld, rule: Rule, actor: str) -> Any:
    if actor in ("anonymous", "wrong_secret") or rule.kind in ("oauth", "client"):
        return None
    if actor in ("outsider", "cross_space"):
        return world.people["outsider"]
    if actor == "holder":
        return world.people[rule.holder]
    if actor == "below":
        return world.people[ROLE_ORDER[ROLE_ORDER.index(rule.role) + 1]]
    if rule.kind == "space":
        return world.people[rule.role]
    return world.people["staff" if rule.kind == "staff" else "earner"]


def _resolved(value: Data, world: AccessWorld) -> dict[str, Any]:
    if value is None:
        return {}
    return dict(value(world) if callable(value) else value)


def _wrong(value: str) -> str:
    try:
        uuid.UUID(value)
    except ValueError:
        return secrets.token_hex(len(value) // 2 + 1)[: max(len(value), 8)].upper()
    return str(uuid.uuid4())


def address(name: str, rule: Rule, world: AccessWorld, actor: str) -> tuple[str, dict[str, Any]]:
    """The route's address with the world's values, and its query."""
    kwargs = {}
    for parameter in parameters(name):
        source = rule.args.get(parameter, parameter)
        kwargs[parameter] = source[1:] if source.startswith("=") else world.values[source]
    if actor == "cross_space":
        kwargs["slug"] = world.values["other_slug"]
    query = _resolved(rule.query, world)
    if actor == "wrong_secret":
        if rule.secret in kwargs:
            kwargs[rule.secret] = _wrong(kwargs[rule.secret])
        else:
            query[rule.secret] = _wrong(query[rule.secret])
    return reverse(name, kwargs=kwargs), query


def _credentials(rule: Rule, world: AccessWorld, actor: str) -> dict[str, str]:
    if rule.kind == "oauth" and actor != "anonymous":
        token = world.secrets["access_token" if actor == "right" else "narrow_token"]
        return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if rule.kind == "client" and actor != "anonymous":
        secret = world.secrets["client_secret"] if actor == "right" else "not-the-secret"
        pair = f"{world.secrets['client_id']}:{secret}".encode()
        return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(pair).decode()}
    return {}


def send(client: Client, name: str, rule: Rule, world: AccessWorld, actor: str) -> Any:
    url, query = address(name, rule, world, actor)
    extra: dict[str, Any] = {
        "headers": dict(rule.headers),
        **_credentials(rule, world, actor),
    }
    if query:
        url = f"{url}?{urlencode(query)}"
    if rule.method == "GET":
        return client.get(url, **extra)
    if isinstance(rule.data, Json):
        return client.post(url, json.dumps(rule.data.body), "application/json", **extra)
    data = _resolved(rule.data, world)
    if rule.kind == "client":  # OAuth clients send forms URL-encoded
        return client.post(url, urlencode(data), "application/x-www-form-urlencoded", **extra)
    return client.post(url, data, **extra)


def assert_sent_to_login(response: HttpResponse) -> None:
    assert response.status_code == 302, response.status_code
    location = urlsplit(response["Location"])
    assert location.path == reverse("account_login"), response["Location"]
    request = response.wsgi_request
    assert parse_qs(location.query)["next"] == [request.get_full_path()]


def assert_documented_401(rule: Rule, response: HttpResponse) -> None:
    body = response.json()
    if rule.kind == "client":
        assert body["error"] == "invalid_client"
    elif rule.body == "imsx":
        assert body["imsx_codeMajor"] == "failure"
        minor = body["imsx_codeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"]
        assert minor == "unauthorizedrequest"
        assert response["WWW-Authenticate"] == 'Bearer realm="Open Badges"'
    else:
        assert body["status"]["statusCode"] == 401
        assert body["status"]["statusText"] == "Unauthorized"
        assert response["WWW-Authenticate"] == 'Bearer realm="Open Badges"'


def errors_told(response: HttpResponse) -> list[str]:
    storage = getattr(response.wsgi_request, "_messages", None)
    return [str(m) for m in storage or [] if m.level >= messages.ERROR]


def read(response: HttpResponse) -> bytes:
    """The whole body, streamed ones too (their generators are the view's work)."""
    if isinstance(response, StreamingHttpResponse) or getattr(response, "streaming", False):
        # The test client closes the response at the end of the stream (closing it again here
        # would send ``request_finished`` and close the database connection).
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return bytes(response.content)


@pytest.fixture(scope="module")
def access_world(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: Any
) -> Iterator[AccessWorld]:
    yield from shared_world(django_db_blocker, tmp_path_factory.mktemp("access"))


@pytest.fixture(autouse=True)
def _media_root() -> None:
    """The world's files stay where it was built (``access_world``), not a folder per test
    (replaces the autouse fixture of ``tests/conftest.py``)."""


@pytest.mark.parametrize(("name", "actor"), CASES, ids=[f"{n}-{a}" for n, a in CASES])
def test_access(access_world: AccessWorld, name: str, actor: str) -> None:
    rule = RULES[name]
    if rule.prepare is not None:
        rule.prepare(access_world)
    client = Client()
    who = person(access_world, rule, actor)
    if who is not None:
        client.force_login(who)
    response = send(client, name, rule, access_world, actor)
    body = read(response)
    want = expected(rule, actor)
    if want == LOGIN:
        assert_sent_to_login(response)
        return
    assert response.status_code == want, body[:2000]
    if want == 401:
        assert_documented_401(rule, response)
    if response.status_code == 302:
        assert urlsplit(response["Location"]).path != reverse("account_login")
    if actor in ("right", "holder") or want == rule.ok:
        assert not errors_told(response)
