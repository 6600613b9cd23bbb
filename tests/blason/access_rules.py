"""How ``test_every_view_access`` sends each route's request, and what it expects.

A ``Rule`` (made by ``public()``, ``bearer()``, ``signed_in()``, ``own()``, ``space()``,
``validator()``, ``staff()``, ``oauth()``, ``client()``) says who may use a route, with
which method and data, and its success status; ``actors`` lists who sends the request for
a rule, ``expected`` what each of them gets, and ``send`` sends it in the world of
``access_world``. The forms the views take are here too.
"""

from __future__ import annotations

import base64
import json
import secrets
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from django.contrib import messages
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse, StreamingHttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from blason.core.access import ROLE_ORDER
from blason.issuing.awarding import batches
from blason.issuing.claims import forms as claim_forms
from tests.api import oauth_client
from tests.blason import other_platforms
from tests.blason.access_world import AccessWorld

OWNER, EDITOR, AWARDER, REVIEWER, VIEWER = ROLE_ORDER
LOGIN = "login"  # the expected answer "sent to account_login with next"
PUBLIC = ("public", "bearer")  # rules whose success is for visitors too

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
    # A view answering GET and POST: the form it takes, sent by the person it is for, and the
    # status of its success (the "submit" case).
    submit: Data = None
    submitted: int = 302
    submit_as: str = ""  # another person than the rule's (a key of ``AccessWorld.people``)


# Rules --------------------------------------------------------------------------------------


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


# What the views take: forms, data made from the world, and the state an action needs -----


def join_network(world: AccessWorld) -> None:
    from blason.networks import services as networks
    from blason.networks.models import MemberState

    member = world.objects["network_member"]
    member.refresh_from_db()
    if member.state == MemberState.INVITED:
        networks.invitation_accept(member=member, actor=world.people[OWNER])


def network_invite(world: AccessWorld) -> dict[str, str]:
    return {"issuer": world.values["other_issuer_uuid"], "message": "Bienvenue"}


NETWORK = {
    "name": "Réseau B",
    "description": "",
    "url": "",
    "charter_url": "",
    "region_code": "32",
    "departements": "59 62",
}
NETWORK_AREA = {
    "charter_url": "https://example.org/charte",
    "region_code": "32",
    "departements": "59",
}


def confirm_batch(world: AccessWorld) -> None:
    batches.batch_confirm(batch=world.objects["batch"], actor=world.people[AWARDER])


def authorize_query(world: AccessWorld) -> dict[str, str]:
    app = oauth_client.App(world.secrets["client_id"], world.secrets["client_secret"])
    return oauth_client.authorize_query(app, oauth_client.ALL, oauth_client.pkce()[1])


def login_link(world: AccessWorld) -> dict[str, str]:
    return {"token": world.secrets["login_token"]}


def refresh_grant(world: AccessWorld) -> dict[str, str]:
    return {"grant_type": "refresh_token", "refresh_token": world.secrets["refresh_token"]}


def revocation(world: AccessWorld) -> dict[str, str]:
    return {"token": world.secrets["access_token"]}


def consent(world: AccessWorld) -> dict[str, str]:
    return {**authorize_query(world), "allow": "true"}


def claim_form(world: AccessWorld) -> dict[str, str]:
    """The claim form as a person sends it a minute after the page was shown."""

    class MinuteAgo(signing.TimestampSigner):
        def timestamp(self) -> str:
            return signing.b62_encode(int(time.time()) - 60)

    token = world.values["claim_token"]
    return {
        "name": "Léo Garnier",
        "email": "leo@example.org",
        "stamp": MinuteAgo(salt=claim_forms.FORM_SALT).sign(token),
    }


def verify_form(world: AccessWorld) -> dict[str, str]:
    return {"text": world.secrets["credential"]}


def badge_file(world: AccessWorld) -> dict[str, Any]:
    credential = other_platforms.data_integrity(number=7, email="earner@example.org").payload
    baked = other_platforms.baked_png(credential)
    return {"file": SimpleUploadedFile("badge.png", baked, "image/png")}


def record_file(world: AccessWorld) -> dict[str, Any]:
    """The earner's own learner record (CLR 2.0), as they would import it back."""
    from blason.records import record

    text = record.build(world.people["earner"]).text
    return {"file": SimpleUploadedFile("releve.json", text.encode(), "application/json")}


def spreadsheet(world: AccessWorld) -> dict[str, Any]:
    content = b"name,phone\nEva Rocha,\n"
    return {"file": SimpleUploadedFile("liste.csv", content, "text/csv")}


def pathway_badge_form(world: AccessWorld) -> dict[str, str]:
    prefix = f"b{world.values['step_pk']}"
    return {
        f"{prefix}-achievement_id": "https://badges.example.org/achievements/7",
        f"{prefix}-name": "Premiers secours",
    }


def pathway_sub_step_form(world: AccessWorld) -> dict[str, str]:
    prefix = f"n{world.values['step_pk']}"
    return {f"{prefix}-name": "Premiers pas", f"{prefix}-rule": "all"}


def pathway_step_form(world: AccessWorld) -> dict[str, str]:
    prefix = f"s{world.values['step_pk']}"
    return {f"{prefix}-name": "Vers l'accueil", f"{prefix}-rule": "n_of", f"{prefix}-required": "1"}


DESIGN = {
    "name": "Entraide",
    "description": "Aide les autres membres.",
    "criteria_items": "Propose son aide",
    "criteria": "Observé par deux pairs.",
    "tags": "",
    "achievement_type": "Badge",
    "validity": "forever",
    "image_source": "build",
    "shape": "hexagon",
    "colour": "#17622f",
    "icon": "hands",
    "image_text": "",
    "language": "fr",
    "alignments-TOTAL_FORMS": "0",
    "alignments-INITIAL_FORMS": "0",
}
EDIT = {**DESIGN, "image_source": "keep"}


def claim_link_form(world: AccessWorld) -> dict[str, str]:
    now = timezone.localtime()
    return {
        "title": "Forum des associations",
        "opens_at": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "max_claims": "",
    }


WORKSHOP = {
    "badge_name": "Jardinage",
    "badge_description": "Prend soin du jardin partagé.",
    "title": "Atelier jardin",
    "rule": "participants",
    "quorum": "3",
    "majority": "half",
}
ANSWER = {
    "decision": "approve",
    "observed_on": "2026-03-03",
    "place": "L'accueil",
    "observation": "Accueil attentif, tout l'été.",
    "comment": "",
}
SPACE = {"name": "Organisation A", "description": "", "url": "", "email": ""}
PUBLIC_PAGE = {"enabled": "on", "name": "Inès", "slug": "ines-h"}
PEER_RULE = {"accepts_requests": "on", "validators": "members", "approvals_needed": "1"}
EARNER = "earner@example.org"
REGISTRATION = Json(oauth_client.registration())
INVITATION = {"token": "invitation_token"}
VAE = {"rncp_code": "RNCP34826", "title": "Accueil", "blocs": "", "occupations": ""}


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


@cache
def url_routes() -> dict[str, Route]:
    """Every route of the URL configuration, by name (with namespaces)."""
    return {route.key: route for route in _walk(get_resolver().url_patterns)}


def parameters(name: str) -> list[str]:
    """The names of the route's address parameters."""
    route = url_routes().get(name)
    if route is None:
        return []
    return [part.split(">")[0].split(":")[-1] for part in route.pattern.split("<")[1:]]


# Requests -----------------------------------------------------------------------------------


def actors(name: str, rule: Rule) -> list[str]:
    """Who sends the route's request, for its rule. ``cross_space``: the outsider, through
    their own space (where they are owners), asks for this space's objects."""
    submit = ["submit"] if rule.submit is not None else []
    if rule.kind == "public":
        return ["anonymous", "outsider", *submit]
    if rule.kind == "bearer":
        holder = ["holder"] if rule.holder else []
        return ["anonymous", "outsider", "wrong_secret", *holder, *submit]
    if rule.kind == "space":
        found = ["anonymous", "outsider"]
        if "slug" in parameters(name) and len(parameters(name)) > 1:
            found.append("cross_space")
        if rule.role != VIEWER:
            found.append("below")
        return [*found, "right", *submit]
    return ["anonymous", "outsider", "right", *submit]


def expected(rule: Rule, actor: str) -> int | str:
    if actor in ("right", "holder"):
        return rule.ok
    if actor == "submit":
        return rule.submitted
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


def person(world: AccessWorld, rule: Rule, actor: str) -> Any:
    if actor == "submit":
        if rule.submit_as:
            return world.people[rule.submit_as]
        actor = "holder" if rule.holder else "anonymous" if rule.kind in PUBLIC else "right"
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


def send(browser: Client, name: str, rule: Rule, world: AccessWorld, actor: str) -> Any:
    url, query = address(name, rule, world, actor)
    extra: dict[str, Any] = {
        "headers": dict(rule.headers),
        **_credentials(rule, world, actor),
    }
    if query:
        url = f"{url}?{urlencode(query)}"
    if actor == "submit":
        return browser.post(url, _resolved(rule.submit, world), **extra)
    if rule.method == "GET":
        return browser.get(url, **extra)
    if isinstance(rule.data, Json):
        return browser.post(url, json.dumps(rule.data.body), "application/json", **extra)
    data = _resolved(rule.data, world)
    if rule.kind == "client":  # OAuth clients send forms URL-encoded
        return browser.post(url, urlencode(data), "application/x-www-form-urlencoded", **extra)
    return browser.post(url, data, **extra)


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


def explain(response: HttpResponse, body: bytes) -> str:
    """Why a page answered otherwise: its forms' errors when it has some, else its start."""
    context = getattr(response, "context", None)
    names = context.keys() if context is not None else []
    forms = [context[name] for name in names if name.endswith("form")]
    errors = [form.errors for form in forms if getattr(form, "errors", None)]
    return repr(errors) if errors else body[:2000].decode(errors="replace")


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
