"""Trust-list settings and the first checks of a recognition list: each refusal says why."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from obcore.recognition import CREDENTIAL_TYPE, TrustList, check_list, issuer_ids, parse_trust_lists

pytestmark = pytest.mark.nodjango
NOW = datetime(2026, 6, 1, tzinfo=UTC)
LIST_ISSUER = "did:web:network.example"


def test_trust_lists_are_read_from_json() -> None:
    assert parse_trust_lists("  ") == []
    text = '[{"name": " Réseau ", "url": "https://n.example/list", "issuers": "did:web:n"}]'
    assert parse_trust_lists(text) == [
        TrustList("Réseau", "https://n.example/list", ("did:web:n",))
    ]


def test_a_dcc_verifier_registry_entry_is_read_as_dcc_writes_it() -> None:
    """An operator pastes the ``vc-recognition`` entry of a DCC verifier's configuration."""
    text = """[{"name": "Réseau", "type": "vc-recognition", "url": "https://n.example/list",
              "acceptedIssuers": ["did:web:n", "https://n.example/issuers/1"]}]"""
    assert parse_trust_lists(text) == [
        TrustList("Réseau", "https://n.example/list", ("did:web:n", "https://n.example/issuers/1"))
    ]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("{", "not JSON"),
        ('{"name": "x"}', "JSON array"),
        ("[1]", "item 1 is not an object"),
        ('[{"name": " ", "url": "https://a.example", "issuers": ["x"]}]', "needs a name"),
        ('[{"name": "A", "url": "ftp://a.example", "issuers": ["x"]}]', "http(s) url"),
        ('[{"name": "A", "url": "https://a.example", "issuers": []}]', "issuers"),
        ('[{"name": "A", "url": "https://a.example", "issuers": [""]}]', "issuers"),
        ('[{"name": "A", "url": "https://a.example"}]', "acceptedIssuers"),
        (
            '[{"name": "A", "type": "dcc-legacy", "url": "https://a.example/registry.json"}]',
            "only signed lists",
        ),
        ('[{"name": "A", "type": "other", "url": "https://a.example", "issuers": ["x"]}]', "type"),
        (
            '[{"name": "A", "url": "https://a.example", "issuers": ["x"],'
            ' "acceptedIssuers": ["y"]}]',
            "keep one",
        ),
    ],
)
def test_wrong_trust_lists_say_what_is_wrong(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=says.replace("(", r"\(").replace(")", r"\)")):
        parse_trust_lists(text)


def test_the_issuer_of_a_credential_by_its_forms() -> None:
    assert issuer_ids({"issuer": "did:web:a"}) == ["did:web:a"]
    assert issuer_ids({"issuer": {"id": "did:web:b"}}) == ["did:web:b"]
    assert issuer_ids({"badge": {"issuer": "https://c.example/i"}}) == ["https://c.example/i"]
    assert issuer_ids({"issuer": 3}) == []


def _list(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "type": ["VerifiableCredential", CREDENTIAL_TYPE],
        "issuer": LIST_ISSUER,
        "validFrom": "2026-01-01T00:00:00Z",
        "validUntil": "2026-12-31T00:00:00Z",
    }
    document.update(changes)
    return document


@pytest.mark.parametrize(
    ("document", "says"),
    [
        ([], "not a JSON object"),
        (_list(type=["VerifiableCredential"]), "not a RecognizedEntityCredential"),
        (_list(issuer="did:web:someone-else"), "not accepted"),
        (_list(validFrom="2026-09-01T00:00:00Z"), "not valid yet"),
        (_list(validFrom="not a date"), "not valid yet"),
        (_list(validUntil="2026-02-01T00:00:00Z"), "expired"),
        (_list(validUntil="2026-12-31T00:00:00"), "expired"),  # no time zone: no date
    ],
)
def test_a_list_that_cannot_vouch_says_why(document: Any, says: str) -> None:
    checked = check_list(document, accepted_issuers=[LIST_ISSUER], fetcher=None, now=NOW)
    assert not checked.checkable
    assert says in checked.reason


def test_lists_name_each_entity_with_what_is_known_of_it() -> None:
    from obcore.recognition import Entity, dcc_registry, recognized_entity_credential

    full = Entity(
        "https://a.example/i",
        "A",
        url="https://a.example",
        same_as=("did:web:a.example",),
        description="Une association",
    )
    bare = Entity("https://b.example/i", "B")
    document = recognized_entity_credential(
        id="https://n.example/list",
        issuer={"id": LIST_ISSUER, "name": "Réseau"},
        entities=[full, bare],
        valid_from=NOW,
        valid_until=NOW,
    )
    first, second = document["credentialSubject"]
    assert first["sameAs"] == ["did:web:a.example"]
    assert first["description"] == "Une association"
    assert "url" not in second
    assert "sameAs" not in second
    assert "name" not in document
    registry = dcc_registry([full, bare], created=NOW, updated=NOW)["registry"]
    assert registry["did:web:a.example"] == {"name": "A", "url": "https://a.example"}
    assert registry["https://b.example/i"] == {"name": "B"}
    empty = recognized_entity_credential(
        id="x", issuer={"id": LIST_ISSUER}, entities=[], valid_from=NOW, valid_until=NOW
    )
    assert empty["credentialSubject"] == [{"id": LIST_ISSUER, "type": "RecognizedEntity"}]
