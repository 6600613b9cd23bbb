"""Open Badges 3.0 documents as other platforms write them: every optional part read and
written back, numbers where strings belong, and each malformed field reported with its path."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

from obcore.errors import DocumentError
from obcore.ob3 import (
    AchievementSubject,
    EndorsementCredential,
    EndorsementSubject,
    IdentityObject,
    OpenBadgeCredential,
    Profile,
    hash_identity,
    identity_matches,
    normalise_identity,
    parse_credential,
    parse_endorsement_credential,
)
from obcore.schemas import schema_problems
from tests.obcore.test_ob3 import WHEN, achievement, full_credential

pytestmark = pytest.mark.nodjango
SUBJECT = AchievementSubject(id="did:example:ada", achievement=achievement())


def kitchen_sink() -> dict[str, Any]:
    """A credential using the optional parts the golden files leave out."""
    document = full_credential().to_json()
    document["@context"].append("https://purl.imsglobal.org/spec/ob/v3p0/extensions.json")
    document["credentialSchema"] = [
        {
            "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
            "type": "1EdTechJsonSchemaValidator2019",
        }
    ]
    document["refreshService"] = {
        "id": "https://badges.example/refresh/1",
        "type": "1EdTechCredentialRefresh",
    }
    document["termsOfUse"] = [{"id": "https://badges.example/terms", "type": "TermsOfUse"}]
    document["endorsementJwt"] = ["eyJhbGciOiJFZERTQSJ9.e30.c2ln"]
    endorsement = EndorsementCredential(
        id="urn:uuid:e1",
        name="Soutien",
        issuer=Profile(id="https://federation.example"),
        valid_from=WHEN,
        credential_subject=EndorsementSubject(id="https://badges.example/a"),
    ).to_json()
    document["endorsement"] = [{**endorsement, "proof": [{"type": "DataIntegrityProof"}]}]
    subject = document["credentialSubject"]
    subject["activityEndDate"] = "2026-02-28T18:00:00+01:00"
    subject["image"] = {"id": "https://badges.example/people/ada.png", "type": "Image"}
    subject["source"] = {
        "id": "https://partner.example/",
        "type": ["Profile"],
        "name": "Partenaire",
    }
    subject["creditsEarned"] = 3
    subject["result"][0]["value"] = 17  # a number where the model says string
    subject["result"][0]["alignment"] = [
        {"type": ["Alignment"], "targetName": "Accueil", "targetUrl": "https://esco.example/1"}
    ]
    return document


def test_every_optional_part_is_read_and_written_back() -> None:
    document = kitchen_sink()
    credential = parse_credential(document)
    assert isinstance(credential, OpenBadgeCredential)
    subject = credential.credential_subject
    assert subject.result[0].value == "17"
    assert subject.activity_end_date == datetime(2026, 2, 28, 17, tzinfo=UTC)
    assert subject.source == Profile(id="https://partner.example/", name="Partenaire")
    assert credential.endorsement_jwt == ("eyJhbGciOiJFZERTQSJ9.e30.c2ln",)
    written = credential.to_json()
    expected = copy.deepcopy(document)
    expected["credentialSubject"]["result"][0]["value"] = "17"
    expected["credentialSubject"]["activityEndDate"] = "2026-02-28T17:00:00Z"
    assert written == expected  # extensions.json included: the schema types need it
    assert parse_credential(written) == credential
    assert schema_problems(written, "OpenBadgeCredential") == []


def test_extra_top_level_properties_are_kept_and_never_override() -> None:
    credential = OpenBadgeCredential(
        id="urn:uuid:x",
        issuer=Profile(id="https://badges.example/i"),
        valid_from=WHEN,
        credential_subject=SUBJECT,
        extra={"awardedDate": "ignored: the field wins", "customNote": "kept"},
        awarded_date=WHEN,
    )
    out = credential.to_json()
    assert out["customNote"] == "kept"
    assert out["awardedDate"] == "2026-03-01T10:00:00Z"


def test_vcdm_11_credentials_with_vcdm_2_dates() -> None:
    document = full_credential().to_json()
    document["@context"][0] = "https://www.w3.org/2018/credentials/v1"
    credential = parse_credential(document)  # validFrom, not issuanceDate: read all the same
    assert credential.valid_from == WHEN


@pytest.mark.parametrize(
    ("build", "path", "message"),
    [
        (
            lambda: OpenBadgeCredential(
                id=" ",
                issuer=Profile(id="https://i.example"),
                valid_from=WHEN,
                credential_subject=SUBJECT,
            ),
            "id",
            "is required",
        ),
        (
            lambda: OpenBadgeCredential(
                id="urn:x",
                issuer="https://i.example",  # type: ignore[arg-type]
                valid_from=WHEN,
                credential_subject=SUBJECT,
            ),
            "issuer",
            "must be a Profile",
        ),
        (
            lambda: OpenBadgeCredential(
                id="urn:x",
                issuer=Profile(id="https://i.example"),
                valid_from="2026-03-01",  # type: ignore[arg-type]
                credential_subject=SUBJECT,
            ),
            "validFrom",
            "must be a datetime",
        ),
        (
            lambda: OpenBadgeCredential(
                id="urn:x",
                issuer=Profile(id="https://i.example"),
                valid_from=WHEN,
                credential_subject=EndorsementSubject(id="urn:e"),
            ),  # type: ignore[arg-type]
            "credentialSubject",
            "must be an AchievementSubject",
        ),
        (
            lambda: EndorsementCredential(
                id="urn:x",
                name="n",
                issuer=Profile(id="https://i.example"),
                valid_from=WHEN,
                credential_subject=SUBJECT,
            ),  # type: ignore[arg-type]
            "credentialSubject",
            "must be an EndorsementSubject",
        ),
        (lambda: achievement(criteria="Be there."), "achievement.criteria", "must be a Criteria"),
        (
            lambda: AchievementSubject(
                id="did:example:a",
                achievement=achievement(),
                activity_start_date=datetime(2026, 1, 1),
            ),
            "activity_start_date",
            "timezone",
        ),
    ],
)
def test_builders_name_the_field(build: Any, path: str, message: str) -> None:
    with pytest.raises(DocumentError, match=message) as caught:
        build()
    assert path in caught.value.path


@pytest.mark.parametrize(
    ("mutate", "path", "message"),
    [
        (lambda d: d.update(validFrom="2026-13-01T00:00:00Z"), "validFrom", "not an ISO 8601"),
        (lambda d: d.update(validFrom=20260301), "validFrom", "date-time string"),
        (lambda d: d.update(issuer=" "), "issuer", "must not be empty"),
        (lambda d: d.pop("issuer"), "issuer", "is required"),
        (lambda d: d.pop("credentialSubject"), "credentialSubject", "is required"),
        (lambda d: d["credentialSubject"].pop("achievement"), "achievement", "is required"),
        (
            lambda d: d["credentialSubject"]["achievement"].update(name="  "),
            "achievement.name",
            "must not be empty",
        ),
        (
            lambda d: d["credentialSubject"].update(creditsEarned="3"),
            "creditsEarned",
            "must be a number",
        ),
        (
            lambda d: d["credentialSubject"].update(creditsEarned=True),
            "creditsEarned",
            "must be a number",
        ),
        (
            lambda d: d["credentialSubject"]["identifier"][0].update(hashed="yes"),
            "identifier[0].hashed",
            "true or false",
        ),
    ],
)
def test_parsers_name_the_field(mutate: Any, path: str, message: str) -> None:
    document = full_credential().to_json()
    mutate(document)
    with pytest.raises(DocumentError, match=message) as caught:
        parse_credential(document)
    assert path in caught.value.path


def test_endorsements_need_a_name() -> None:
    endorsement = EndorsementCredential(
        id="urn:uuid:e1",
        name="Soutien",
        issuer=Profile(id="https://federation.example"),
        valid_from=WHEN,
        credential_subject=EndorsementSubject(id="https://badges.example/a"),
    ).to_json()
    del endorsement["name"]
    with pytest.raises(DocumentError, match="is required on an EndorsementCredential"):
        parse_endorsement_credential(endorsement)


def test_a_subject_is_matched_by_its_id_or_identifiers() -> None:
    by_id = AchievementSubject(id="did:example:ada", achievement=achievement())
    assert by_id.matches(" did:example:ada ")
    assert not by_id.matches("did:example:bob")
    by_email = AchievementSubject(
        identifier=(IdentityObject.create("ada@example.org", salt="s"),), achievement=achievement()
    )
    assert by_email.matches("ADA@example.org")
    assert not by_email.matches("did:example:ada")


def test_identity_edge_cases() -> None:
    with pytest.raises(DocumentError, match="must be a string"):
        normalise_identity(42)  # type: ignore[arg-type]
    with pytest.raises(DocumentError, match="unsupported identity hash algorithm 'sha1'"):
        hash_identity("a", algorithm="sha1")
    with pytest.raises(DocumentError, match="the identifier is empty"):
        IdentityObject.create("   ")
    assert normalise_identity(" +33 (0)6.12-34 56 78 ", "phone") == "+33061234" + "5678"
    stored = hash_identity("ada@example.org", "s")

    def match(stored: str, candidate: Any, **kw: Any) -> bool:
        options = {"hashed": True, "salt": "s", "identity_type": "emailAddress", **kw}
        return identity_matches(stored, candidate=candidate, **options)

    assert match(stored, "Ada@Example.org")
    assert not match(stored, "")
    assert not match(stored, None)
    assert not match("sha256$", "ada@example.org")
    assert not match("md4$" + stored.split("$")[1], "ada@example.org")
    assert not match("no-dollar", "ada@example.org")
    assert match(hash_identity("ada@example.org", "s", algorithm="md5"), "ada@example.org")
    assert match("ada@example.org", " ADA@example.org", hashed=False)
    assert not match("ada@example.org", "bob@example.org", hashed=False)
