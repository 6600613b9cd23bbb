"""The verification pipeline end to end: states, input formats, and hostile input."""

from __future__ import annotations

import copy
import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from obcore import baking, status
from obcore.fetch import Fetched, FetchError, StaticFetcher
from obcore.keys import KeyPair, did_key, generate_key, multikey_document
from obcore.ob3 import hash_identity as identity_hash
from obcore.proofs.data_integrity import sign
from obcore.recipients import matches
from obcore.verify import Outcome, State, verify_credential

pytestmark = pytest.mark.nodjango

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
ISSUER = "https://badges.example/issuers/ateliers"
SALT = "5f2c0a"


OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


def credential(issuer: str, **extra: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:8d5c2b8e-4a51-4e0b-9a57-2d3f0e1c5b6a",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Les Ateliers du Lien"},
        "validFrom": "2026-01-10T09:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": identity_hash("samir@example.org", SALT),
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": SALT,
                }
            ],
            "achievement": {
                "id": "https://badges.example/achievements/cv",
                "type": ["Achievement"],
                "name": "Atelier CV",
                "description": "A rédigé son CV.",
                "criteria": {"narrative": "Présence et CV relu."},
            },
        },
    }
    document.update(extra)
    return document


def did_signed(**extra: Any) -> tuple[dict[str, Any], KeyPair]:
    key = generate_key()
    issuer = did_key(key)
    doc = sign(
        credential(issuer, **extra), key, verification_method=f"{issuer}#{key.to_multikey()}"
    )
    return doc, key


def https_documents(key: KeyPair) -> dict[str, tuple[str, bytes]]:
    method_id = f"{ISSUER}#{key.to_multikey()}"
    method = multikey_document(key, id=method_id, controller=ISSUER)
    method.pop("@context")
    controller = {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": ISSUER,
        "assertionMethod": [method],
    }
    return {ISSUER: ("application/ld+json", json.dumps(controller).encode())}


def test_valid_did_key_credential() -> None:
    document, _key = did_signed()
    report = verify_credential(document, now=NOW)
    assert report.state is State.VALID, report.checks
    assert report.version == "3.0"
    assert [c.name for c in report.checks] == ["schema", "proof", "status", "dates"]
    assert report.checks[0].outcome is Outcome.PASSED  # our own credentials follow the model
    assert [c.code for c in report.checks] == [
        "model.passed",
        "proof.valid",
        "status.none",
        "dates.passed",
    ]
    assert all(c.en for c in report.checks)


def test_https_issuer_needs_its_documents() -> None:
    key = generate_key()
    document = sign(credential(ISSUER), key, verification_method=f"{ISSUER}#{key.to_multikey()}")
    assert verify_credential(document, now=NOW).state is State.UNVERIFIABLE
    fetcher = StaticFetcher(https_documents(key))
    assert verify_credential(document, now=NOW, fetcher=fetcher).state is State.VALID


def test_tampered_credential_is_invalid() -> None:
    document, _key = did_signed()
    tampered = copy.deepcopy(document)
    tampered["credentialSubject"]["achievement"]["name"] = "Diplôme d'ingénieur"
    report = verify_credential(tampered, now=NOW)
    assert report.state is State.INVALID
    assert report.checks[-1].code == "proof.invalid"
    assert "altered or forged" in report.checks[-1].en


def test_unsigned_is_invalid() -> None:
    assert verify_credential(credential(ISSUER), now=NOW).state is State.INVALID


@pytest.mark.parametrize(
    ("extra", "state"),
    [
        ({"validUntil": "2026-03-01T00:00:00Z"}, State.EXPIRED),
        ({"validFrom": "2027-01-01T00:00:00Z"}, State.NOT_YET_VALID),
        ({"validUntil": "2027-03-01T00:00:00Z"}, State.VALID),
    ],
)
def test_dates(extra: dict[str, str], state: State) -> None:
    document, _key = did_signed(**extra)
    assert verify_credential(document, now=NOW).state is state


def status_setup(revoked: bool) -> tuple[dict[str, Any], StaticFetcher]:
    key = generate_key()
    list_url = f"{ISSUER}/status/1"
    bits = status.BitstringStatusList()
    if revoked:
        bits.set(4242)
    list_credential = status.build_status_list_credential(
        credential_id=list_url, issuer=ISSUER, status_list=bits, valid_from=NOW - timedelta(days=30)
    )
    list_credential = sign(
        list_credential, key, verification_method=f"{ISSUER}#{key.to_multikey()}"
    )
    entry = status.build_status_entry(status_list_credential=list_url, index=4242)
    document = sign(
        credential(ISSUER, credentialStatus=entry),
        key,
        verification_method=f"{ISSUER}#{key.to_multikey()}",
    )
    documents = https_documents(key)
    documents[list_url] = ("application/vc+ld+json", json.dumps(list_credential).encode())
    return document, StaticFetcher(documents)


@pytest.mark.parametrize(("revoked", "state"), [(True, State.REVOKED), (False, State.VALID)])
def test_bitstring_status(revoked: bool, state: State) -> None:
    document, fetcher = status_setup(revoked)
    report = verify_credential(document, now=NOW, fetcher=fetcher)
    assert report.state is state, report.checks


def test_baked_png_and_svg() -> None:
    from PIL import Image

    document, _key = did_signed()
    out = io.BytesIO()
    Image.new("RGB", (64, 64), "white").save(out, format="PNG")
    png = baking.bake(out.getvalue(), json.dumps(document))
    report = verify_credential(png, now=NOW)
    assert (report.state, report.input_format) == (State.VALID, "png")
    svg = baking.bake(
        b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>', json.dumps(document)
    )
    assert verify_credential(svg, now=NOW).state is State.VALID


def test_recipient_check() -> None:
    document, _key = did_signed()
    report = verify_credential(document, now=NOW, recipient="Samir@Example.org ")
    assert report.state is State.VALID
    assert report.checks[-1].outcome is Outcome.PASSED
    report = verify_credential(document, now=NOW, recipient="someone@example.org")
    assert report.state is State.INVALID


def test_url_input_and_gone() -> None:
    document, _key = did_signed()
    fetcher = StaticFetcher(
        {"https://b.example/1": ("application/json", json.dumps(document).encode())}
    )
    assert verify_credential("https://b.example/1", now=NOW, fetcher=fetcher).state is State.VALID
    assert verify_credential("https://b.example/1", now=NOW).state is State.UNVERIFIABLE

    def gone(url: str, *, accept: Any = ()) -> Fetched:
        raise FetchError(url, "gone", "removed (410)")

    assert verify_credential("https://b.example/1", now=NOW, fetcher=gone).state is State.REVOKED


def test_embedded_endorsements_are_verified() -> None:
    endorser = generate_key()
    endorser_id = did_key(endorser)
    endorsement = sign(
        {
            "@context": [
                "https://www.w3.org/ns/credentials/v2",
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            ],
            "id": "urn:uuid:3a0c1d6e-1111-4222-8333-944455556666",
            "type": ["VerifiableCredential", "EndorsementCredential"],
            "name": "Recommandation",
            "issuer": {"id": endorser_id, "type": ["Profile"], "name": "Pair"},
            "validFrom": "2026-01-10T09:00:00Z",
            "credentialSubject": {
                "id": "urn:uuid:8d5c2b8e-4a51-4e0b-9a57-2d3f0e1c5b6a",
                "type": ["EndorsementSubject"],
                "endorsementComment": "Je l'ai vu faire.",
            },
        },
        endorser,
        verification_method=f"{endorser_id}#{endorser.to_multikey()}",
    )
    document, _key = did_signed(endorsement=[endorsement])
    report = verify_credential(document, now=NOW)
    assert report.state is State.VALID, report.checks
    assert [e.state for e in report.endorsements] == [State.VALID]
    (check,) = [c for c in report.checks if c.name == "endorsements"]
    assert (check.outcome, check.en) == (Outcome.PASSED, "1 of 1 endorsements are valid.")


def test_an_endorsement_about_something_else_is_reported() -> None:
    """A valid endorsement of another badge, embedded in this one, proves nothing here."""
    endorser = generate_key()
    endorser_id = did_key(endorser)
    endorsement = sign(
        {
            "@context": [
                "https://www.w3.org/ns/credentials/v2",
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            ],
            "id": "urn:uuid:3a0c1d6e-1111-4222-8333-944455556667",
            "type": ["VerifiableCredential", "EndorsementCredential"],
            "name": "Soutien",
            "issuer": {"id": endorser_id, "type": ["Profile"], "name": "Pair"},
            "validFrom": "2026-01-10T09:00:00Z",
            "credentialSubject": {
                "id": "https://elsewhere.example/awards/42",
                "type": ["EndorsementSubject"],
            },
        },
        endorser,
        verification_method=f"{endorser_id}#{endorser.to_multikey()}",
    )
    document, _key = did_signed(endorsement=[endorsement])
    report = verify_credential(document, now=NOW)
    assert report.state is State.VALID
    assert [e.state for e in report.endorsements] == [State.VALID]
    (check,) = [c for c in report.checks if c.name == "endorsements"]
    assert check.outcome is Outcome.WARNING
    assert "1 of them are about something other than this badge" in check.en


@pytest.mark.parametrize(
    ("source", "state"),
    [
        (b"\x89PNG\r\n\x1a\nbroken", State.MALFORMED),
        (b"\xff\xfe\x00garbage", State.MALFORMED),
        ("{not json", State.MALFORMED),
        ('{"hello": "world"}', State.MALFORMED),
        ("a.b.c", State.MALFORMED),
        ("", State.MALFORMED),
        ({"@context": "https://www.w3.org/ns/credentials/v2", "type": "Foo"}, State.MALFORMED),
        ({"@context": ["https://w3id.org/openbadges/v2"], "type": "Assertion"}, State.MALFORMED),
    ],
)
def test_bad_input_gives_a_state_not_an_exception(source: Any, state: State) -> None:
    assert verify_credential(source, now=NOW).state is state


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=200),
        st.text(max_size=200),
        st.dictionaries(st.text(max_size=10), st.text(max_size=10), max_size=5),
    )
)
def test_random_input_never_crashes(source: Any) -> None:
    report = verify_credential(source, now=NOW)
    assert report.state is not State.VALID


def test_report_serialises() -> None:
    document, _key = did_signed()
    data = verify_credential(document, now=NOW).to_json()
    assert data["valid"] is True
    assert json.loads(json.dumps(data))["state"] == "valid"


def test_identity_hash_reference_values() -> None:
    assert identity_hash("mayze") == (
        "sha256$7a1a1b3f7d40552e4299180e346e3add12bf9a751a43d9c4ca4518febc2c60c6"
    )
    assert identity_hash("a@example.com", "Kosher") == (
        "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"
    )
    assert matches(
        {
            "identity": identity_hash("a@example.com", "Kosher")
            .upper()
            .replace("SHA256", "sha256"),
            "hashed": True,
            "salt": "Kosher",
        },
        "A@example.com",
    )
    assert matches({"id": "did:example:1"}, "did:example:1")
    assert not matches({"identifier": [{"identityHash": "md5$x", "hashed": True}]}, "x")
    assert matches({"identifier": [{"identityHash": "x@y.org", "hashed": False}]}, "X@y.org")


# --- JOSE forms and Open Badges 2.0 -------------------------------------------------------

OB2 = "https://w3id.org/openbadges/v2"
SITE = "https://badges.example"


def ob2_documents(*, signed: bool, revoked: list[str] | None = None) -> dict[str, Any]:
    rsa = generate_key("RSA")
    issuer = {
        "@context": OB2,
        "type": "Issuer",
        "id": f"{SITE}/ob2/issuer",
        "name": "Ateliers",
        "url": SITE,
        "email": "contact@badges.example",
        "publicKey": [f"{SITE}/ob2/key"],
        "revocationList": f"{SITE}/ob2/revoked",
    }
    badge = {
        "@context": OB2,
        "type": "BadgeClass",
        "id": f"{SITE}/ob2/badge",
        "name": "Accueil",
        "description": "d",
        "image": f"{SITE}/ob2/badge.png",
        "criteria": {"narrative": "c"},
        "issuer": issuer["id"],
    }
    key = {
        "@context": OB2,
        "type": "CryptographicKey",
        "id": f"{SITE}/ob2/key",
        "owner": issuer["id"],
        "publicKeyPem": rsa.public_pem().decode(),
    }
    revocation = status.build_ob2_revocation_list(
        list_id=f"{SITE}/ob2/revoked",
        issuer=issuer["id"],
        revoked=[status.RevokedAssertion(id=i, reason="erreur") for i in (revoked or [])],
    )
    assertion = {
        "@context": OB2,
        "type": "Assertion",
        "id": "urn:uuid:aa9f0c2e-0000-4000-8000-000000000001"
        if signed
        else f"{SITE}/ob2/assertions/1",
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": SALT,
            "identity": identity_hash("samir@example.org", SALT),
        },
        "badge": badge["id"],
        "issuedOn": "2026-01-10T09:00:00Z",
        "verification": {"type": "SignedBadge", "creator": key["id"]}
        if signed
        else {"type": "HostedBadge"},
    }
    docs = {d["id"]: d for d in (issuer, badge, key, revocation)}
    if not signed:
        docs[assertion["id"]] = assertion
    return {"docs": docs, "assertion": assertion, "rsa": rsa}


def static(docs: dict[str, Any]) -> StaticFetcher:
    return StaticFetcher(
        {url: ("application/json", json.dumps(d).encode()) for url, d in docs.items()}
    )


def test_ob2_hosted_assertion() -> None:
    setup = ob2_documents(signed=False)
    report = verify_credential(
        setup["assertion"], now=NOW, fetcher=static(setup["docs"]), recipient="samir@example.org"
    )
    assert (report.state, report.version) == (State.VALID, "2.0"), report.checks
    url = setup["assertion"]["id"]
    assert verify_credential(url, now=NOW, fetcher=static(setup["docs"])).state is State.VALID

    def gone(u: str, *, accept: Any = ()) -> Fetched:
        if u == url:
            raise FetchError(u, "gone", "removed (410)")
        return static(setup["docs"])(u, accept=accept)

    assert verify_credential(setup["assertion"], now=NOW, fetcher=gone).state is State.REVOKED


def test_ob2_signed_assertion_and_revocation() -> None:
    from obcore.jose import sign_ob2_assertion

    setup = ob2_documents(signed=True)
    token = sign_ob2_assertion(setup["assertion"], setup["rsa"], f"{SITE}/ob2/key")
    report = verify_credential(token, now=NOW, fetcher=static(setup["docs"]))
    assert (report.state, report.input_format) == (State.VALID, "jws"), report.checks
    revoked = ob2_documents(signed=True, revoked=[setup["assertion"]["id"]])
    revoked["docs"][f"{SITE}/ob2/key"] = setup["docs"][f"{SITE}/ob2/key"]
    assert verify_credential(token, now=NOW, fetcher=static(revoked["docs"])).state is (
        State.REVOKED
    )
    forged = token[:-8] + ("A" * 8 if not token.endswith("A" * 8) else "B" * 8)
    assert verify_credential(forged, now=NOW, fetcher=static(setup["docs"])).state is (
        State.INVALID
    )


def test_vc_jwt() -> None:
    from obcore.jose import sign_vc_jwt

    key = generate_key("P-256")
    kid = f"{ISSUER}/keys/1"
    document = credential(ISSUER)
    token = sign_vc_jwt(document, key, kid=kid)
    docs = {
        kid: {
            "id": kid,
            "type": "JsonWebKey",
            "controller": ISSUER,
            "publicKeyJwk": key.to_public_jwk(),
        }
    }
    report = verify_credential(token, now=NOW, fetcher=static(docs), recipient="samir@example.org")
    assert (report.state, report.input_format) == (State.VALID, "jws"), report.checks
    other = {kid: {**docs[kid], "controller": "https://evil.example/i"}}
    assert verify_credential(token, now=NOW, fetcher=static(other)).state is State.INVALID
    assert verify_credential(token, now=NOW).state is State.UNVERIFIABLE


def test_what_the_schema_forbids_is_malformed() -> None:
    document, _key = did_signed(awardedDate="yesterday")
    report = verify_credential(document, now=NOW)
    assert report.state is State.MALFORMED
    schema = next(c for c in report.checks if c.name == "schema")
    assert schema.outcome is Outcome.FAILED
    assert [(d.code, d.params) for d in schema.details] == [
        ("schema.format", {"path": "awardedDate", "format": "date-time"})
    ]


def test_vcdm_11_schema_deviations_are_warnings() -> None:
    """1EdTech checks VCDM 1.1 credentials against no OB 3.0 schema: beyond the structural
    rules (contexts, type, required properties, subject), its remarks are warnings."""
    v1 = [
        "https://www.w3.org/2018/credentials/v1",
        OB_CONTEXT,
        "https://w3id.org/security/data-integrity/v2",
    ]
    key = generate_key()
    issuer = did_key(key)
    unsigned = credential(
        issuer,
        **{"@context": v1, "issuanceDate": "2026-01-10T09:00:00Z", "awardedDate": "yesterday"},
    )
    del unsigned["validFrom"]
    signed = sign(unsigned, key, verification_method=f"{issuer}#{key.to_multikey()}")
    report = verify_credential(signed, now=NOW)
    assert report.state is State.VALID, report.checks
    schema = next(c for c in report.checks if c.name == "schema")
    assert schema.outcome is Outcome.WARNING
    assert "awardedDate" in schema.en


def test_recipients_with_identities_that_are_not_text() -> None:
    assert not matches({"identifier": [{"identityHash": 42, "hashed": True}]}, "x@y.org")
    assert not matches({"identity": None, "hashed": False}, "x@y.org")
