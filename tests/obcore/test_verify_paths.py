"""The verification pipeline's less travelled roads: how a VC-JWT's key is found (JWK Set,
bare JWK, DID document, header jwk) and who may own it, and Open Badges 2.0 outcomes."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

from obcore.fetch import Fetched, FetchError, StaticFetcher
from obcore.jose import sign_ob2_assertion, sign_vc_jwt
from obcore.keys import KeyPair, did_key, generate_key
from obcore.verify import State, verify_credential
from tests.obcore.test_verify import ISSUER, NOW, credential, ob2_documents, static

pytestmark = pytest.mark.nodjango
KID = f"{ISSUER}/keys/1"


@pytest.fixture(scope="module")
def key() -> KeyPair:
    return generate_key("P-256")


def last(report: Any) -> str:
    return str(report.checks[-1].en)


# --- VC-JWT: finding the key ------------------------------------------------------------------


def test_a_jwk_set_at_the_kid(key: KeyPair) -> None:
    token = sign_vc_jwt(credential(ISSUER), key, kid=KID)
    jwks = {
        "keys": [
            {**generate_key("P-256").to_public_jwk(), "kid": "other"},
            {**key.to_public_jwk(), "kid": KID},
        ]
    }
    report = verify_credential(token, now=NOW, fetcher=static({KID: jwks}))
    assert report.state is State.VALID, report.checks
    without = {"keys": [jwks["keys"][0], "junk"]}
    report = verify_credential(token, now=NOW, fetcher=static({KID: without}))
    assert report.state is State.INVALID
    assert f"has no key {KID}" in last(report)


def test_a_bare_jwk_under_the_issuers_address(key: KeyPair) -> None:
    """A JWK published as is: no controller, so it must live under the issuer's URL."""
    token = sign_vc_jwt(credential(ISSUER), key, kid=KID)
    assert verify_credential(token, now=NOW, fetcher=static({KID: key.to_public_jwk()})).valid
    elsewhere = "https://keys.example/k/1"
    token = sign_vc_jwt(credential(ISSUER), key, kid=elsewhere)
    report = verify_credential(token, now=NOW, fetcher=static({elsewhere: key.to_public_jwk()}))
    assert report.state is State.INVALID
    assert "does not belong to the issuer" in last(report)


def test_a_did_web_document_holding_the_method(key: KeyPair) -> None:
    issuer = "did:web:badges.example:issuers:ateliers"
    kid = f"{issuer}#key-1"
    url = "https://badges.example/issuers/ateliers/did.json"
    token = sign_vc_jwt(credential(issuer), key, kid=kid)
    method = {
        "id": kid,
        "type": "JsonWebKey",
        "controller": issuer,
        "publicKeyJwk": key.to_public_jwk(),
    }
    did_document = {
        "id": issuer,
        "verificationMethod": [{"id": f"{issuer}#no-key", "type": "JsonWebKey"}, method],
        "assertionMethod": [kid],
    }
    assert verify_credential(token, now=NOW, fetcher=static({url: did_document})).valid
    # The same method controlled by someone else: refused.
    stolen = copy.deepcopy(did_document)
    stolen["verificationMethod"][1]["controller"] = "did:web:evil.example"
    report = verify_credential(token, now=NOW, fetcher=static({url: stolen}))
    assert "does not belong to the issuer" in last(report)
    # A method without key material is no key.
    keyless = copy.deepcopy(did_document)
    del keyless["verificationMethod"][1]["publicKeyJwk"]
    report = verify_credential(token, now=NOW, fetcher=static({url: keyless}))
    assert report.state is State.INVALID


def test_a_multikey_document_at_the_kid() -> None:
    ed = generate_key()
    token = sign_vc_jwt(credential(ISSUER), ed, kid=KID)
    document = {
        "id": KID,
        "type": "Multikey",
        "controller": ISSUER,
        "publicKeyMultibase": ed.to_multikey(),
    }
    assert verify_credential(token, now=NOW, fetcher=static({KID: document})).valid


def test_a_header_jwk_needs_the_issuers_document_to_list_it(key: KeyPair) -> None:
    token = sign_vc_jwt(credential(ISSUER), key, embed_jwk=True)
    method = {
        "id": KID,
        "type": "JsonWebKey",
        "controller": ISSUER,
        "publicKeyJwk": key.to_public_jwk(),
    }
    listed = {
        "id": ISSUER,
        "verificationMethod": [
            {"id": f"{ISSUER}#broken", "type": "Multikey", "publicKeyMultibase": "zzz"},
            {"id": f"{ISSUER}#bad-jwk", "type": "JsonWebKey", "publicKeyJwk": {"kty": "EC"}},
            method,
        ],
    }
    assert verify_credential(token, now=NOW, fetcher=static({ISSUER: listed})).valid
    for document in (
        {"id": ISSUER},  # lists nothing
        {"id": ISSUER, "verificationMethod": [{**method, "controller": "https://evil.example/"}]},
        {
            "id": ISSUER,
            "verificationMethod": [
                {**method, "publicKeyJwk": generate_key("P-256").to_public_jwk()}
            ],
        },
    ):
        report = verify_credential(token, now=NOW, fetcher=static({ISSUER: document}))
        assert report.state is State.INVALID
        assert "not a key of the issuer" in last(report)
    report = verify_credential(token, now=NOW, fetcher=static({}))  # issuer unreachable
    assert "not a key of the issuer" in last(report)


def test_a_did_key_issuer_with_a_header_jwk_of_its_own_key() -> None:
    ed = generate_key()
    token = sign_vc_jwt(credential(did_key(ed)), ed, embed_jwk=True)
    assert verify_credential(token, now=NOW).valid


def test_an_issuer_that_is_not_an_identifier(key: KeyPair) -> None:
    token = sign_vc_jwt({**credential(ISSUER), "issuer": 5}, key, kid=KID)
    report = verify_credential(token, now=NOW, fetcher=static({KID: key.to_public_jwk()}))
    assert report.state is State.INVALID
    assert "names no issuer" in last(report)


# --- Open Badges 2.0 --------------------------------------------------------------------------


def test_ob2_hosted_badge_must_be_hosted_or_signed() -> None:
    setup = ob2_documents(signed=False)
    for verification, assertion_id in (
        ({"type": "SignedBadge", "creator": "https://badges.example/ob2/key"}, None),
        ({"type": "HostedBadge"}, "urn:uuid:aa9f0c2e-0000-4000-8000-000000000009"),
    ):
        assertion = {**setup["assertion"], "verification": verification}
        if assertion_id:
            assertion["id"] = assertion_id
        report = verify_credential(assertion, now=NOW, fetcher=static(setup["docs"]))
        assert report.state is State.INVALID
        assert "neither hosted at a web address nor signed" in last(report)


def test_ob2_hosted_elsewhere_than_the_issuers_site() -> None:
    setup = ob2_documents(signed=False)
    foreign = {**setup["assertion"], "id": "https://elsewhere.example/ob2/assertions/1"}
    docs = {**setup["docs"], foreign["id"]: foreign}
    report = verify_credential(foreign, now=NOW, fetcher=static(docs))
    assert report.state is State.INVALID
    assert "not hosted on its issuer's site" in last(report)


def test_ob2_revocation_list_that_cannot_be_read() -> None:
    setup = ob2_documents(signed=False)
    docs = dict(setup["docs"])
    del docs["https://badges.example/ob2/revoked"]
    report = verify_credential(setup["assertion"], now=NOW, fetcher=static(docs))
    assert report.state is State.UNVERIFIABLE
    failed = [c for c in report.checks if c.outcome.value == "failed"]
    assert [(c.name, c.code) for c in failed] == [("status", "ob2.revocation_unreadable")]


def test_ob2_issuer_without_revocation_list_and_expiry() -> None:
    setup = ob2_documents(signed=False)
    docs = copy.deepcopy(setup["docs"])
    del docs["https://badges.example/ob2/issuer"]["revocationList"]
    assertion_id = setup["assertion"]["id"]
    docs[assertion_id]["expires"] = "2026-03-01T00:00:00Z"
    report = verify_credential(docs[assertion_id], now=NOW, fetcher=static(docs))
    assert report.state is State.EXPIRED
    assert [c.name for c in report.checks] == ["proof", "status", "dates"]
    later = datetime(2026, 2, 1, tzinfo=UTC)
    assert verify_credential(docs[assertion_id], now=later, fetcher=static(docs)).valid


def test_ob2_signed_badge_recipient() -> None:
    setup = ob2_documents(signed=True)
    token = sign_ob2_assertion(setup["assertion"], setup["rsa"], "https://badges.example/ob2/key")
    fetcher = static(setup["docs"])
    assert verify_credential(token, now=NOW, fetcher=fetcher, recipient="samir@example.org").valid
    report = verify_credential(token, now=NOW, fetcher=fetcher, recipient="other@example.org")
    assert report.state is State.INVALID
    assert report.checks[-1].name == "recipient"


def test_ob2_hosted_copy_that_is_malformed_or_gone() -> None:
    setup = ob2_documents(signed=False)
    assertion_id = setup["assertion"]["id"]

    def fetch(url: str, *, accept: Any = ()) -> Fetched:
        if url == assertion_id:
            raise FetchError(url, "timeout", "too slow")
        return static(setup["docs"])(url, accept=accept)

    report = verify_credential(setup["assertion"], now=NOW, fetcher=fetch)
    assert report.state is State.UNVERIFIABLE
    broken = {**setup["docs"], assertion_id: {**setup["assertion"], "recipient": "nobody"}}
    report = verify_credential(setup["assertion"], now=NOW, fetcher=static(broken))
    assert report.state is State.INVALID
    assert "cannot be trusted" in last(report)


# --- status and endorsements ------------------------------------------------------------------


def _status_documents(
    *, signer: KeyPair | None = None, suspended: bool = False, entry: Any = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    from datetime import timedelta

    from obcore import status
    from obcore.proofs.data_integrity import sign

    key = generate_key()
    method = f"{ISSUER}#{key.to_multikey()}"
    list_url = f"{ISSUER}/status/1"
    bits = status.BitstringStatusList()
    bits.set(7)
    purpose = "suspension" if suspended else "revocation"
    list_credential = status.build_status_list_credential(
        credential_id=list_url,
        issuer=ISSUER,
        status_list=bits,
        status_purpose=purpose,
        valid_from=NOW - timedelta(days=1),
    )
    list_signer = signer or key
    list_method = method if signer is None else f"{did_key(signer)}#{signer.to_multikey()}"
    list_credential = sign(list_credential, list_signer, verification_method=list_method)
    if entry is None:
        entry = status.build_status_entry(
            status_list_credential=list_url, index=7, status_purpose=purpose
        )
    document = sign(credential(ISSUER, credentialStatus=entry), key, verification_method=method)
    controller = {
        "id": ISSUER,
        "assertionMethod": [
            {
                "id": method,
                "type": "Multikey",
                "controller": ISSUER,
                "publicKeyMultibase": key.to_multikey(),
            }
        ],
    }
    return document, {ISSUER: controller, list_url: list_credential}


def test_a_suspended_badge() -> None:
    document, docs = _status_documents(suspended=True)
    report = verify_credential(document, now=NOW, fetcher=static(docs))
    assert report.state is State.SUSPENDED
    assert report.checks[-1].code == "status.suspended"


def test_a_status_list_signed_by_someone_else() -> None:
    signer = generate_key()
    document, docs = _status_documents(signer=signer)
    report = verify_credential(document, now=NOW, fetcher=static(docs))
    assert report.state is State.UNVERIFIABLE
    (status_check,) = [c for c in report.checks if c.name == "status"]
    (why,) = status_check.details
    assert why.code in ("status.list_bad_proof", "status.list_other_signer")


@pytest.mark.parametrize(
    "entry", [{"type": "BitstringStatusListEntry"}, "https://badges.example/status-as-text"]
)
def test_a_status_entry_the_schema_refuses(entry: Any) -> None:
    document, docs = _status_documents(entry=entry)
    report = verify_credential(document, now=NOW, fetcher=static(docs))
    assert report.state is State.MALFORMED
    assert "credentialStatus" in last(report)


def test_a_status_entry_without_a_list() -> None:
    entry = {"id": f"{ISSUER}/status/1#7", "type": "BitstringStatusListEntry"}
    document, docs = _status_documents(entry=entry)
    report = verify_credential(document, now=NOW, fetcher=static(docs))
    assert report.state is State.UNVERIFIABLE
    assert "has no list address" in next(c.en for c in report.checks if c.name == "status")


def test_documents_that_are_not_json_objects(key: KeyPair) -> None:
    token = sign_vc_jwt(credential(ISSUER), key, kid=KID)
    for body in (b"[1, 2]", b"\xff\xfe", b'{"a": "\xff"}', b'{"a": 1, "a": 2}'):
        fetcher = StaticFetcher({KID: ("application/json", body)})
        report = verify_credential(token, now=NOW, fetcher=fetcher)
        assert report.state is State.UNVERIFIABLE, body
        assert "not_json" in last(report) or "refused" in last(report) or "JSON" in last(report)


def test_endorsements_that_are_not_objects_are_ignored() -> None:
    from tests.obcore.test_verify import did_signed

    document, _key = did_signed(endorsement=["urn:uuid:not-embedded"])
    report = verify_credential(document, now=NOW)
    assert report.state is State.VALID
    assert report.endorsements == []
    assert "endorsements" not in [c.name for c in report.checks]


def test_fetched_badges_over_the_size_limit() -> None:
    from obcore.verify import MAX_INPUT_BYTES

    url = "https://badges.example/huge.json"
    fetcher = StaticFetcher({url: ("application/json", b" " * (MAX_INPUT_BYTES + 1))})
    report = verify_credential(url, now=NOW, fetcher=fetcher)
    assert report.state is State.MALFORMED
    assert "larger than" in last(report)


def test_a_1edtech_revocation_list_counts_only_signed_by_the_issuer() -> None:
    """1EdTech's revocation list is a JSON document at the issuer's address; its spec signs
    nothing, so whoever controls that address could publish any list. Like a Bitstring list,
    it counts only with a proof by the credential's issuer."""
    from obcore.proofs.data_integrity import sign

    key = generate_key()
    method = f"{ISSUER}#{key.to_multikey()}"
    list_url = f"{ISSUER}/revocations"
    entry = {"id": list_url, "type": "1EdTechRevocationList"}
    unsigned = credential(ISSUER, credentialStatus=entry)
    unsigned["@context"].append("https://purl.imsglobal.org/spec/ob/v3p0/extensions.json")
    document = sign(unsigned, key, verification_method=method)
    controller = {
        "id": ISSUER,
        "assertionMethod": [
            {
                "id": method,
                "type": "Multikey",
                "controller": ISSUER,
                "publicKeyMultibase": key.to_multikey(),
            }
        ],
    }
    vocabulary = {"@vocab": "https://purl.imsglobal.org/spec/vcrl/v1p0/#"}
    context = ["https://www.w3.org/ns/credentials/v2", unsigned["@context"][-1], vocabulary]

    def published(revoked: list[dict[str, str]], signer: KeyPair | None) -> dict[str, Any]:
        document = {
            "@context": context,
            "id": list_url,
            "type": ["VerifiableCredential", "RevocationList"],
            "issuer": ISSUER,
            "revokedCredential": revoked,
        }
        if signer is None:
            return document
        return sign(document, signer, verification_method=f"{ISSUER}#{signer.to_multikey()}")

    def check(revoked: list[dict[str, str]], signer: KeyPair | None) -> Any:
        docs = {ISSUER: controller, list_url: published(revoked, signer)}
        return verify_credential(document, now=NOW, fetcher=static(docs))

    mistake = [{"id": document["id"], "revocationReason": "Attribué par erreur"}]
    report = check(mistake, key)
    assert report.state is State.REVOKED
    assert "Attribué par erreur" in last(report)
    assert check([], key).valid
    for revoked in ([], mistake):  # unsigned: neither valid nor revoked on its word
        report = check(revoked, None)
        assert report.state is State.UNVERIFIABLE
        assert "is not signed" in next(c.en for c in report.checks if c.name == "status")
