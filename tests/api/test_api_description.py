"""The service description document is Blason's own (generated from ``blason.api.openapi``'s
description of its API) and consistent with 1EdTech's official OpenAPI document
(``shared/reference/1edtech/openapi``, read by ``tests/reference_files``): the same paths,
operations, operation ids, scopes, parameters and request bodies, answers among the official
ones with the same bodies, and component schemas equal to the official ones. The served
document is a valid ServiceDescriptionDocument by the official schema."""

from __future__ import annotations

import json
from typing import Any

import pytest
from jsonschema import Draft7Validator

from blason.api import openapi
from blason.api.openapi import model
from blason.api.openapi.operations import OPERATIONS
from tests import reference_files

DISCOVERY = "/ims/ob/v3p0/discovery"
#: Answers the official document lists that Blason never gives, and why.
NOT_GIVEN = {
    # 304 on an upsert or putProfile: Blason answers 200 with the body kept.
    ("upsertCredential", "304"),
    ("putProfile", "304"),
    # Nothing is missing to be "not found": the earner's backpack and profile always exist.
    ("upsertCredential", "404"),
    ("getProfile", "404"),
    ("putProfile", "404"),
    # putProfile is applied at once, never queued.
    ("putProfile", "202"),
    # An unexpected error is Django's 500 page, not an Imsx_StatusInfo promised here.
    ("getCredentials", "500"),
    ("upsertCredential", "500"),
    ("getProfile", "500"),
    ("putProfile", "500"),
}
#: Answers Blason gives that the official document does not list: discovery revalidation.
EXTRA = {("getServiceDescription", "304")}


def official() -> dict[str, Any]:
    document: dict[str, Any] = reference_files.load("openapi/ob_v3p0_oas.json")
    return document


def comparable(value: Any) -> Any:
    """Without prose (descriptions, summaries) and 1EdTech's ``x-`` bookkeeping keys;
    ``required`` lists as sets."""
    if isinstance(value, dict):
        out = {
            key: comparable(item)
            for key, item in value.items()
            if not (key in ("description", "summary") and isinstance(item, str))
            and not key.startswith("x-")
        }
        if isinstance(out.get("required"), list):
            out["required"] = sorted(out["required"])
        return out
    if isinstance(value, list):
        return [comparable(item) for item in value]
    return value


def operations(document: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, Any]]]:
    return {
        operation["operationId"]: (path, method, operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    }


def test_the_component_schemas_are_the_official_ones() -> None:
    ours = openapi.document()["components"]["schemas"]
    theirs = official()["components"]["schemas"]
    assert set(ours) == set(theirs)
    for name in theirs:
        assert comparable(ours[name]) == comparable(theirs[name]), name


def test_a_changed_model_is_seen(monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparison has teeth: one cardinality changed in the description shows."""
    description, table, closed = model.CLASSES["Image"]
    monkeypatch.setitem(
        model.CLASSES,
        "Image",
        (
            description,
            table.replace("caption             string              ?", "caption string 1"),
            closed,
        ),
    )
    theirs = official()["components"]["schemas"]["Image"]
    assert comparable(model.class_schema("Image")) != comparable(theirs)


def test_the_operations_are_the_official_ones() -> None:
    ours = operations(openapi.document())
    theirs = operations(official())
    assert set(ours) == set(theirs)
    for operation_id, (path, method, operation) in ours.items():
        their_path, their_method, their = theirs[operation_id]
        assert (path, method) == (their_path, their_method), operation_id
        assert operation.get("security") == their.get("security"), operation_id
        assert operation["tags"] == their["tags"], operation_id
        assert comparable(operation.get("parameters")) == comparable(their.get("parameters")), (
            operation_id
        )
        assert comparable(operation.get("requestBody")) == comparable(their.get("requestBody")), (
            operation_id
        )


def test_the_answers_are_among_the_official_ones() -> None:
    ours = operations(openapi.document())
    theirs = operations(official())
    not_given, extra = set(), set()
    for operation_id, (_path, _method, operation) in ours.items():
        their = theirs[operation_id][2]["responses"]
        for code, answer in operation["responses"].items():
            if code not in their:
                extra.add((operation_id, code))
                continue
            assert comparable(answer.get("content")) == comparable(their[code].get("content")), (
                operation_id,
                code,
            )
        not_given |= {(operation_id, code) for code in their if code not in operation["responses"]}
    assert not_given == NOT_GIVEN
    assert extra == EXTRA


def test_the_scopes_are_the_official_ones() -> None:
    ours = openapi.document()["components"]["securitySchemes"]["OAuth2ACG"]
    theirs = official()["components"]["securitySchemes"]["OAuth2ACG"]
    assert set(ours["flows"]["authorizationCode"]["scopes"]) == set(
        theirs["flows"]["authorizationCode"]["scopes"]
    )
    used = {scope for o in OPERATIONS if o.scope for scope in [o.scope]}
    assert used == set(theirs["flows"]["authorizationCode"]["scopes"])


def test_no_text_of_the_official_document_is_shipped() -> None:
    text = json.dumps(openapi.document())
    for phrase in ("x-srcprop-pid", "x-class-pid", "org.1edtech", "IMS Global", "[=", "[["):
        assert phrase not in text, phrase


def test_the_served_document_is_a_valid_service_description(client: Any) -> None:
    served = client.get(DISCOVERY).json()
    schemas = official()["components"]["schemas"]
    validator = Draft7Validator(
        {
            "$ref": "#/components/schemas/ServiceDescriptionDocument",
            "components": {"schemas": schemas},
        }
    )
    assert not list(validator.iter_errors(served))
    assert not list(openapi.validator("ServiceDescriptionDocument").iter_errors(served))
    # Every operation of the description is answered at the server's address.
    server = served["servers"][0]["url"]
    assert server.endswith("/ims/ob/v3p0")
    for path, methods in served["paths"].items():
        for method in methods:
            answer = client.generic(method.upper(), server.removeprefix("http://testserver") + path)
            assert answer.status_code != 404, (method, path)


def test_schemathesis_reads_the_served_document(client: Any) -> None:
    """The served document is a well-formed OpenAPI 3.0 document (schemathesis loads it and
    finds the five operations)."""
    import schemathesis

    served = client.get(DISCOVERY).json()
    schema = schemathesis.openapi.from_dict(served)
    found = {
        operation.ok().definition.raw["operationId"] for operation in schema.get_all_operations()
    }
    assert found == {o.operation_id for o in OPERATIONS}


@pytest.mark.django_db
def test_the_api_s_answers_validate_against_the_official_schemas(
    client: Any, world: Any, published: Any
) -> None:
    """A badge awarded here, as getCredentials serves it, the earner's profile and the error
    bodies, by 1EdTech's JSON Schemas (not only its OpenAPI document)."""
    from blason.backpack import claims
    from blason.issuing.awarding import services as awards
    from tests.api import oauth_client as oc

    awards.award_issue(badge=published, actor=world.admin, email=world.member.email)
    assert len(claims.collect_awards(user=world.member)) == 1
    _app, tokens = oc.connect(client, world.member)
    page = client.get("/ims/ob/v3p0/credentials", **oc.bearer(tokens))
    assert page.status_code == 200
    assert len(page.json()["credential"]) == 1
    assert not reference_files.ob3_problems(page.json(), "GetOpenBadgeCredentialsResponse")
    profile = client.get("/ims/ob/v3p0/profile", **oc.bearer(tokens))
    assert not reference_files.ob3_problems(profile.json(), "Profile")
    for answer in (
        client.get("/ims/ob/v3p0/credentials"),
        client.get("/ims/ob/v3p0/credentials", {"limit": "0"}, **oc.bearer(tokens)),
        client.delete("/ims/ob/v3p0/profile", **oc.bearer(tokens)),
    ):
        assert answer.status_code >= 400
        assert not reference_files.ob3_problems(answer.json(), "Imsx_StatusInfo")
