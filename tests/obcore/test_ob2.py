"""OB 2.0 builders and parsers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from obcore.errors import DocumentError
from obcore.ob2 import (
    OB2_CONTEXT,
    AlignmentObject,
    Assertion,
    BadgeClass,
    Criteria,
    CryptographicKey,
    Endorsement,
    Evidence,
    IdentityObject,
    Image,
    Profile,
    VerificationObject,
    parse_assertion,
    parse_badge_class,
    parse_cryptographic_key,
    parse_endorsement,
    parse_profile,
    revoked_assertion,
)
from tests.obcore.test_ob3 import assert_golden

pytestmark = pytest.mark.nodjango

BASE = "https://badges.example"
WHEN = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
ISSUER = Profile(
    id=f"{BASE}/issuers/1",
    name="Les Ateliers du Lien",
    url="https://ateliers.example",
    email="contact@ateliers.example",
    public_key=(f"{BASE}/keys/1",),
    revocation_list=f"{BASE}/revocations/1",
)
BADGE = BadgeClass(
    id=f"{BASE}/badges/1",
    name="Accueil du public",
    description="Accueillir une personne et l'orienter.",
    image=Image(id=f"{BASE}/badges/1.png"),
    criteria=Criteria(narrative="A accueilli trois personnes."),
    issuer=ISSUER.id,
    alignment=(AlignmentObject(target_name="Accueillir", target_url="https://esco.example/a"),),
    tags=("accueil",),
)


def assertion(**overrides: Any) -> Assertion:
    fields: dict[str, Any] = {
        "id": f"{BASE}/assertions/1",
        "recipient": IdentityObject.create("Ada@Example.org", salt="deadsea"),
        "badge": BADGE.id,
        "issued_on": WHEN,
        "evidence": (Evidence(id=f"{BASE}/evidence/1", narrative="Observé."),),
        "expires": WHEN + timedelta(days=365),
    }
    return Assertion(**{**fields, **overrides})


def test_goldens() -> None:
    assert_golden("ob2-assertion.json", assertion().to_json())
    assert_golden("ob2-badgeclass.json", BADGE.to_json())
    assert_golden("ob2-issuer.json", ISSUER.to_json())
    key = CryptographicKey(id=f"{BASE}/keys/1", owner=ISSUER.id, public_key_pem="-----BEGIN…")
    assert_golden("ob2-key.json", key.to_json())
    endorsement = Endorsement(
        id=f"{BASE}/endorsements/1",
        claim_id=BADGE.id,
        issuer="https://federation.example/issuer",
        issued_on=WHEN,
        endorsement_comment="Sérieux.",
    )
    assert_golden("ob2-endorsement.json", endorsement.to_json())
    assert parse_endorsement(endorsement.to_json()) == endorsement
    assert parse_cryptographic_key(key.to_json()) == key


def test_shapes_badgecheck_needs() -> None:
    document = assertion().to_json()
    assert document["@context"] == OB2_CONTEXT
    assert document["issuedOn"] == "2026-03-01T10:00:00Z"
    assert document["verification"] == {"type": "HostedBadge"}
    embedded = assertion(badge=BADGE).to_json()["badge"]
    assert "@context" not in embedded
    assert embedded["image"] == f"{BASE}/badges/1.png"
    assert Image(id="x", caption="c").to_json() == {
        "id": "x",
        "type": "schema:ImageObject",
        "caption": "c",
    }
    with pytest.raises(DocumentError, match=r"verification\.creator"):
        assertion(verification=VerificationObject(type="SignedBadge"))
    with pytest.raises(DocumentError, match="issuedOn"):
        assertion(issued_on=datetime(2026, 1, 1))
    assert revoked_assertion("https://x/1", "fraude") == {
        "@context": OB2_CONTEXT,
        "id": "https://x/1",
        "type": "Assertion",
        "revoked": True,
        "revocationReason": "fraude",
    }


def test_identity_vectors() -> None:
    mayze = IdentityObject.create("mayze", salt="")
    assert mayze.identity == (
        "sha256$7a1a1b3f7d40552e4299180e346e3add12bf9a751a43d9c4ca4518febc2c60c6"
    )
    assert mayze.salt is None
    assert mayze.matches("mayze")
    ada = assertion().recipient
    assert ada.matches("ada@example.org")
    assert ada.matches("ADA@example.ORG ")
    assert not ada.matches("eve@example.org")
    assert IdentityObject(identity="ada@example.org", hashed=False).matches("Ada@Example.org")


def test_round_trips() -> None:
    for value in (assertion(), assertion(badge=BADGE)):
        assert parse_assertion(value.to_json()) == value
    assert parse_badge_class(BADGE.to_json()) == BADGE
    assert parse_profile(ISSUER.to_json()) == ISSUER
    nested = BadgeClass(
        id=BADGE.id,
        name=BADGE.name,
        description=BADGE.description,
        image=BADGE.image,
        criteria=f"{BASE}/criteria/1",
        issuer=ISSUER,
    )
    assert parse_badge_class(nested.to_json()) == nested


def test_reads_other_platforms_variants() -> None:
    document = {
        "@context": OB2_CONTEXT,
        "id": f"{BASE}/a/2",
        "type": ["Assertion"],
        "recipient": {"type": "email", "identity": "sha256$" + "ab" * 32, "salt": "s"},
        "badge": {**BADGE.to_json(), "issuer": ISSUER.to_json(), "criteria": f"{BASE}/c"},
        "verify": {"type": "hosted", "url": f"{BASE}/a/2"},
        "issuedOn": 1_700_000_000,
        "evidence": f"{BASE}/evidence/2",
        "image": {"id": f"{BASE}/a/2.png"},
    }
    parsed = parse_assertion(document)
    assert parsed.recipient.hashed is True
    assert parsed.verification.type == "HostedBadge"
    assert parsed.issued_on == datetime.fromtimestamp(1_700_000_000, UTC)
    assert isinstance(parsed.badge, BadgeClass)
    assert parsed.badge.issuer == ISSUER
    assert parsed.badge.criteria == f"{BASE}/c"
    assert parsed.evidence[0].id == f"{BASE}/evidence/2"
    signed = {**document, "verification": {"type": "signed", "creator": f"{BASE}/keys/1"}}
    assert parse_assertion(signed).verification.type == "SignedBadge"


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (lambda d: d.pop("recipient"), "recipient"),
        (lambda d: d["recipient"].update(type="fax"), "recipient.type"),
        (lambda d: d.update(issuedOn="2026-03-01"), "issuedOn"),
        (lambda d: d.update(badge=None), "badge"),
        (lambda d: d.update({"@context": "https://w3id.org/openbadges/v1"}), "@context"),
        (lambda d: d.update(type="BadgeClass"), "type"),
        (lambda d: d.update(verification={"type": "Magic"}), "verification.type"),
        (lambda d: d.update(revoked=True), "revoked"),
    ],
)
def test_errors_name_the_path(mutate: Any, path: str) -> None:
    document = assertion().to_json()
    mutate(document)
    with pytest.raises(DocumentError) as caught:
        parse_assertion(document)
    assert caught.value.path == path


def test_badge_class_and_profile_errors() -> None:
    with pytest.raises(DocumentError, match="criteria"):
        parse_badge_class({**BADGE.to_json(), "criteria": {}})
    with pytest.raises(DocumentError, match=r"issuer\.email"):
        parse_badge_class({**BADGE.to_json(), "issuer": {**ISSUER.to_json(), "email": None}})


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@given(json_values)
@settings(max_examples=150, deadline=None)
def test_garbage_raises_only_document_error(value: Any) -> None:
    for parse in (parse_assertion, parse_badge_class, parse_profile):
        with pytest.raises(DocumentError):
            parse(value)


@given(
    key=st.sampled_from(["recipient", "badge", "issuedOn", "verification", "id"]), value=json_values
)
@settings(max_examples=150, deadline=None)
def test_corrupted_field(key: str, value: Any) -> None:
    document = assertion().to_json()
    document[key] = value
    try:
        parse_assertion(document)
    except DocumentError as exc:
        where = exc.path
    else:
        where = "parsed"
    assert where


def test_images_given_as_objects_and_issuers_with_all_their_parts() -> None:
    """Other platforms describe an image as an object with a caption and author, and publish
    issuers with their own image and verification policy."""
    image = {
        "id": f"{BASE}/badges/1.png",
        "type": "schema:ImageObject",
        "caption": "Accueil",
        "author": f"{BASE}/issuers/1",
    }
    badge = parse_badge_class({**BADGE.to_json(), "image": image})
    assert badge.image == Image(id=image["id"], caption="Accueil", author=image["author"])
    assert badge.to_json()["image"]["caption"] == "Accueil"
    issuer = Profile(
        id=ISSUER.id,
        name=ISSUER.name,
        url=ISSUER.url,
        email=ISSUER.email,
        image=Image(id=f"{BASE}/issuers/1.png"),
        verification=VerificationObject(type="HostedBadge", allowed_origins=("badges.example",)),
    )
    written = issuer.to_json()
    assert written["image"] == f"{BASE}/issuers/1.png"  # a bare IRI when it is all there is
    assert written["verification"]["allowedOrigins"] == ["badges.example"]
    assert parse_profile(written) == issuer


@pytest.mark.parametrize(
    ("parse", "document", "path"),
    [
        (parse_badge_class, {k: v for k, v in BADGE.to_json().items() if k != "image"}, "image"),
        (parse_badge_class, {k: v for k, v in BADGE.to_json().items() if k != "issuer"}, "issuer"),
        (
            parse_endorsement,
            {
                "@context": OB2_CONTEXT,
                "type": "Endorsement",
                "id": f"{BASE}/e/1",
                "claim": {"id": BADGE.id},
                "issuedOn": "2026-03-01T10:00:00Z",
            },
            "issuer",
        ),
    ],
)
def test_required_links_name_their_field(parse: Any, document: Any, path: str) -> None:
    with pytest.raises(DocumentError, match="is required") as caught:
        parse(document)
    assert caught.value.path == path


def test_criteria_needs_an_id_or_a_narrative() -> None:
    with pytest.raises(DocumentError, match="needs an id or a narrative"):
        Criteria()
    assert Criteria(id=f"{BASE}/criteria/1").to_json() == {"id": f"{BASE}/criteria/1"}


def test_unix_timestamps_out_of_range() -> None:
    """OB 1.x wrote Unix timestamps; absurd ones are reported, not crashed on."""
    document = assertion().to_json()
    assert parse_assertion({**document, "issuedOn": 1_772_359_200}).issued_on == WHEN
    with pytest.raises(DocumentError, match="not a valid Unix timestamp") as caught:
        parse_assertion({**document, "issuedOn": 10**20})
    assert caught.value.path == "issuedOn"
