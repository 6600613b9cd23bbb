"""OB 3.0 builders, parsers, identity hashing and JSON Schemas."""

from __future__ import annotations

import json
import os
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from obcore.errors import DocumentError, SchemaValidationError
from obcore.ob3 import (
    OB_CONTEXT,
    OB_EXTENSIONS_CONTEXT,
    VC_V2_CONTEXT,
    Achievement,
    AchievementSubject,
    Alignment,
    Criteria,
    EndorsementCredential,
    EndorsementSubject,
    Evidence,
    IdentityObject,
    Image,
    OpenBadgeCredential,
    Profile,
    Result,
    ResultDescription,
    format_datetime,
    hash_identity,
    parse_credential,
    parse_endorsement_credential,
    parse_open_badge_credential,
    parse_profile,
)
from obcore.schemas import KINDS, schema_problems, validate_schema

pytestmark = pytest.mark.nodjango

GOLDEN = Path(__file__).parent / "golden"
VECTORS = Path(__file__).parent / "vectors"
WHEN = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
ISSUER = Profile(
    id="https://badges.example/issuers/ateliers",
    name="Les Ateliers du Lien",
    url="https://ateliers.example",
    email="contact@ateliers.example",
    image=Image(id="https://badges.example/issuers/ateliers.png", caption="Logo"),
)


def assert_golden(name: str, document: dict[str, Any]) -> None:
    """Compare with ``golden/<name>``; ``UPDATE_GOLDEN=1`` rewrites the file."""
    path = GOLDEN / name
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def achievement(**overrides: Any) -> Achievement:
    fields: dict[str, Any] = {
        "id": "https://badges.example/achievements/accueil",
        "name": "Accueil du public",
        "description": "Accueillir une personne et l'orienter.",
        "criteria": Criteria(narrative="A accueilli trois personnes en autonomie."),
    }
    return Achievement(**{**fields, **overrides})


def full_credential() -> OpenBadgeCredential:
    return OpenBadgeCredential(
        id="urn:uuid:0f6a3a52-1c8e-4f7e-9b4e-3c1d2e5f6a7b",
        name="Accueil du public",
        description="Badge délivré par les Ateliers.",
        image=Image(id="https://badges.example/a/accueil-baked.png"),
        issuer=ISSUER,
        valid_from=WHEN,
        valid_until=WHEN + timedelta(days=365),
        awarded_date=WHEN - timedelta(days=1),
        credential_subject=AchievementSubject(
            identifier=(IdentityObject.create("Ada@Example.org", salt="deadsea"),),
            achievement=achievement(
                achievement_type="Badge",
                creator=ISSUER,
                image=Image(id="https://badges.example/a/accueil.png"),
                alignment=(
                    Alignment(
                        target_name="Accueillir",
                        target_url="https://data.europa.eu/esco/skill/accueil",
                        target_type="ceasn:Competency",
                    ),
                ),
                tag=("accueil", "médiation"),
                in_language="fr",
                result_description=(
                    ResultDescription(
                        id="urn:uuid:7b0c7a9e-0000-4000-8000-000000000001",
                        name="Niveau",
                        result_type="Status",
                    ),
                ),
            ),
            result=(
                Result(
                    result_description="urn:uuid:7b0c7a9e-0000-4000-8000-000000000001",
                    status="Completed",
                ),
            ),
            activity_start_date=WHEN - timedelta(days=30),
        ),
        evidence=(Evidence(id="urn:uuid:1a2b", narrative="Observé le mardi."),),
        credential_status={
            "id": "https://badges.example/status/1#42",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "42",
            "statusListCredential": "https://badges.example/status/1",
        },
    )


def walk(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [value, *(x for v in value.values() for x in walk(v))]
    if isinstance(value, list):
        return [value, *(x for v in value for x in walk(v))]
    return [value]


# --- builders -------------------------------------------------------------------------------


def test_full_credential_matches_golden_and_schema() -> None:
    document = full_credential().to_json()
    assert_golden("ob3-credential.json", document)
    assert document["@context"] == [VC_V2_CONTEXT, OB_CONTEXT]
    assert document["issuer"]["type"] == ["Profile"]
    assert document["validFrom"] == "2026-03-01T10:00:00Z"
    assert not any(v is None or v == [] or v == {} or v == "" for v in walk(document))
    validate_schema(document, "OpenBadgeCredential")


def test_minimal_credential_golden() -> None:
    credential = OpenBadgeCredential(
        id="https://badges.example/credentials/1",
        issuer=Profile(id="did:key:z6MkexampleIssuer"),
        valid_from=WHEN,
        credential_subject=AchievementSubject(id="did:example:ada", achievement=achievement()),
    )
    assert_golden("ob3-minimal.json", credential.to_json())
    assert schema_problems(credential.to_json(), "achievement-credential") == []


def test_extensions_context_only_when_needed() -> None:
    base = full_credential()
    assert OB_EXTENSIONS_CONTEXT not in base.to_json()["@context"]
    revocation = {"id": "https://badges.example/revocations", "type": "1EdTechRevocationList"}
    fields = {name: getattr(base, name) for name in base.__dataclass_fields__}
    with_list = OpenBadgeCredential(**{**fields, "credential_status": revocation})
    assert with_list.to_json()["@context"] == [VC_V2_CONTEXT, OB_CONTEXT, OB_EXTENSIONS_CONTEXT]


def test_dates_are_utc_whole_seconds() -> None:
    paris = timezone(timedelta(hours=2))
    assert format_datetime(datetime(2026, 5, 1, 12, 30, 15, 999_999, tzinfo=paris)) == (
        "2026-05-01T10:30:15Z"
    )
    with pytest.raises(DocumentError, match="validFrom"):
        OpenBadgeCredential(
            id="urn:uuid:x",
            issuer=ISSUER,
            valid_from=datetime(2026, 1, 1),
            credential_subject=AchievementSubject(id="did:example:a", achievement=achievement()),
        )


def test_builder_rejects_missing_pieces() -> None:
    with pytest.raises(DocumentError, match=r"credentialSubject: needs an id or an identifier"):
        AchievementSubject(achievement=achievement())
    with pytest.raises(DocumentError, match="criteria"):
        Criteria()
    with pytest.raises(DocumentError, match=r"achievement\.name"):
        achievement(name=" ")
    with pytest.raises(DocumentError, match="validUntil"):
        OpenBadgeCredential(
            id="urn:uuid:x",
            issuer=ISSUER,
            valid_from=WHEN,
            valid_until=WHEN - timedelta(seconds=1),
            credential_subject=AchievementSubject(id="did:example:a", achievement=achievement()),
        )


def test_endorsement_credential() -> None:
    endorsement = EndorsementCredential(
        id="urn:uuid:e1",
        name="Soutien de la Fédération",
        issuer=Profile(id="https://federation.example", name="Fédération"),
        valid_from=WHEN,
        credential_subject=EndorsementSubject(
            id="https://badges.example/achievements/accueil", endorsement_comment="Sérieux."
        ),
    )
    document = endorsement.to_json()
    assert_golden("ob3-endorsement.json", document)
    validate_schema(document, "EndorsementCredential")
    assert parse_credential(document) == endorsement
    with pytest.raises(DocumentError, match="name"):
        EndorsementCredential(
            id="urn:uuid:e1",
            issuer=ISSUER,
            valid_from=WHEN,
            credential_subject=EndorsementSubject(id="https://x.example"),
        )


def test_building_is_cheap() -> None:
    credential = full_credential()
    start = time.perf_counter()
    for _ in range(2000):
        credential.to_json()
    assert time.perf_counter() - start < 2.0  # ~0.1 s on the CI machine


# --- parsers --------------------------------------------------------------------------------


def test_round_trip() -> None:
    credential = full_credential()
    assert parse_credential(credential.to_json()) == credential


def test_reads_1edtech_vector() -> None:
    document = json.loads((VECTORS / "1edtech-ob3-unsigned.json").read_text())
    credential = parse_open_badge_credential(document)
    assert credential.credential_subject.achievement.name == "Teamwork"
    assert schema_problems(credential.to_json(), "OpenBadgeCredential") == []


def test_reads_vcdm_11_and_compacted_variants() -> None:
    document = {
        "@context": [
            "https://www.w3.org/2018/credentials/v1",
            "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
        ],
        "id": "urn:uuid:old",
        "type": ["VerifiableCredential", "AchievementCredential"],
        "issuer": "https://old.example/issuer",
        "issuanceDate": "2023-01-02T03:04:05.678+01:00",
        "expirationDate": "2030-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "mailto:ada@example.org",
            "type": "AchievementSubject",
            "achievement": {
                "id": "https://old.example/a",
                "type": "Achievement",
                "name": "Old",
                "description": "d",
                "criteria": {"id": "https://old.example/criteria"},
                "image": "https://old.example/a.png",
                "tag": "single",
            },
        },
        "proof": {"type": "DataIntegrityProof", "proofValue": "z1"},
    }
    credential = parse_open_badge_credential(document)
    assert credential.valid_from == datetime(2023, 1, 2, 2, 4, 5, 678000, tzinfo=UTC)
    assert credential.valid_until == datetime(2030, 1, 1, tzinfo=UTC)
    assert credential.issuer == Profile(id="https://old.example/issuer")
    assert credential.credential_type == "AchievementCredential"
    assert credential.credential_subject.achievement.tag == ("single",)
    assert len(credential.proof) == 1
    rewritten = credential.to_json()
    assert rewritten["@context"][:2] == [VC_V2_CONTEXT, OB_CONTEXT]
    assert rewritten["validFrom"] == "2023-01-02T02:04:05Z"
    assert rewritten["credentialSubject"]["achievement"]["image"]["type"] == "Image"


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (lambda d: d.pop("validFrom"), "validFrom"),
        (lambda d: d.update(validFrom="2026-03-01"), "validFrom"),
        (lambda d: d["credentialSubject"]["achievement"].pop("name"), "achievement.name"),
        (lambda d: d["credentialSubject"]["achievement"].update(criteria={}), "criteria"),
        (lambda d: d["credentialSubject"].update(type=["Person"]), "credentialSubject.type"),
        (lambda d: d["credentialSubject"].pop("identifier"), "credentialSubject"),
        (lambda d: d["credentialSubject"]["identifier"][0].pop("hashed"), "identifier[0].hashed"),
        (lambda d: d.update({"@context": [OB_CONTEXT, VC_V2_CONTEXT]}), "@context[0]"),
        (lambda d: d.update({"@context": [VC_V2_CONTEXT]}), "@context"),
        (lambda d: d.update(type=["VerifiableCredential"]), "type"),
        (lambda d: d["issuer"].update(name=3), "issuer.name"),
        (lambda d: d["evidence"].append("x"), "evidence[1]"),
    ],
)
def test_errors_name_the_path(mutate: Any, path: str) -> None:
    document = full_credential().to_json()
    mutate(document)
    with pytest.raises(DocumentError) as caught:
        parse_credential(document)
    assert path in caught.value.path


def test_profile_and_schema_kinds() -> None:
    assert parse_profile(ISSUER.to_json()) == ISSUER
    validate_schema(ISSUER.to_json(), "profile")
    assert set(KINDS) >= {"achievement-credential", "endorsement-credential", "profile"}
    with pytest.raises(DocumentError, match="unknown schema kind"):
        validate_schema({}, "nope")
    with pytest.raises(SchemaValidationError) as caught:
        validate_schema(
            {**full_credential().to_json(), "validFrom": "yesterday"}, "OpenBadgeCredential"
        )
    assert caught.value.problems == ["validFrom: 'yesterday' is not a 'date-time'"]


# --- identity hashing -----------------------------------------------------------------------


def test_identity_hash_vectors() -> None:
    assert hash_identity("a@example.com", "Kosher") == (
        "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"
    )
    hashed = IdentityObject(
        identity_hash="SHA256$B5809D8A92F8858436D7E6B87C12EBC0AE1EAC4BAECC2C0B913AEE2C922EF399",
        salt="Kosher",
    )
    assert hashed.matches(" A@Example.COM ")
    assert not hashed.matches("b@example.com")
    plain = IdentityObject(identity_hash="https://ada.example", identity_type="url", hashed=False)
    assert plain.matches("https://ada.example")
    assert not plain.matches("https://ADA.example/x")
    phone = IdentityObject.create("+33 6 12-34-56-78", "ext:phone", hashed=False)
    assert phone.identity_hash == "+33 6 12-34-56-78"  # unknown types are only trimmed
    tel = IdentityObject.create("+33 (6) 12.34.56.78", "telephone", salt="s")
    assert tel.matches("+33612345678")
    assert IdentityObject(identity_hash="md5$" + "0" * 32).matches("x") is False


emails = st.emails()


@given(email=emails, salt=st.text(max_size=20))
@settings(max_examples=150, deadline=None)
def test_hashed_email_matches_any_case(email: str, salt: str) -> None:
    identity = IdentityObject.create(email, salt=salt)
    assert identity.identity_hash.startswith("sha256$")
    assert identity.matches(email.upper())
    assert identity.matches(f"  {email.lower()} ")
    assert not identity.matches("x" + email)


@given(email=emails)
@settings(max_examples=50, deadline=None)
def test_salts_are_fresh(email: str) -> None:
    assert IdentityObject.create(email) != IdentityObject.create(email)


# --- property tests for the parsers ---------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@given(json_values)
@settings(max_examples=200, deadline=None)
def test_garbage_raises_only_document_error(value: Any) -> None:
    with pytest.raises(DocumentError):
        parse_credential(value)


@given(
    key=st.sampled_from(
        ["id", "issuer", "validFrom", "credentialSubject", "type", "name", "@context", "image"]
    ),
    value=json_values,
)
@settings(max_examples=200, deadline=None)
def test_corrupted_field_raises_document_error_or_parses(key: str, value: Any) -> None:
    document = full_credential().to_json()
    document[key] = value
    try:
        parse_credential(document)
    except DocumentError as exc:
        where = exc.path
    else:
        where = "parsed"
    assert where  # every error says where


text = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=30).filter(str.strip)


@given(
    name=text,
    description=text,
    tags=st.lists(text, max_size=3),
    seconds=st.integers(0, 4_000_000_000),
    subject=st.from_regex(r"did:example:[a-z0-9]{1,12}", fullmatch=True),
)
@settings(max_examples=100, deadline=None)
def test_round_trip_property(
    name: str, description: str, tags: list[str], seconds: int, subject: str
) -> None:
    credential = OpenBadgeCredential(
        id="urn:uuid:prop",
        name=name,
        issuer=Profile(id="https://issuer.example", name=name),
        valid_from=datetime.fromtimestamp(seconds, UTC),
        credential_subject=AchievementSubject(
            id=subject,
            achievement=achievement(name=name, description=description, tag=tuple(tags)),
        ),
    )
    document = json.loads(json.dumps(credential.to_json()))
    assert parse_credential(document) == credential
    assert schema_problems(document, "achievement-credential") == []


def test_parse_endorsement_rejects_other_types() -> None:
    with pytest.raises(DocumentError, match="EndorsementCredential"):
        parse_endorsement_credential(full_credential().to_json())


def test_builder_output_is_safe_mode_json_ld() -> None:
    """Every emitted term is defined by the bundled contexts (no silently dropped property)."""
    from obcore.jsonld import expand

    revocation = {"id": "https://badges.example/revocations", "type": "1EdTechRevocationList"}
    base = full_credential()
    fields = {name: getattr(base, name) for name in base.__dataclass_fields__}
    for credential in (base, OpenBadgeCredential(**{**fields, "credential_status": revocation})):
        expand(credential.to_json())  # raises SafeModeError on an undefined term
