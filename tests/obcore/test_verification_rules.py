"""The verification rules of issue 11, each proved over a corpus built from valid credentials.

* Status lists count only when the credential's own issuer signed them: every forgery of a
  revoked badge's list (unsigned, signed by another key, altered, expired, for another purpose,
  unreachable) gives ``unverifiable``, never ``valid``.
* What the OB 3.0 data model requires is required: each required property removed or mistyped
  in turn gives ``malformed``, the property named.
* An outage is not a forgery: each remote document (key, profile, BadgeClass, status list,
  hosted assertion) unreachable in turn — a real HTTP client against a loopback server that
  answers 503, answers too late, or a port that refuses — gives ``unverifiable``.
"""

from __future__ import annotations

import copy
import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from obcore import status
from obcore.fetch import FetchPolicy, HttpFetcher, StaticFetcher
from obcore.jose import sign_ob2_assertion, sign_vc_jwt
from obcore.keys import KeyPair, did_key, generate_key
from obcore.proofs.data_integrity import sign
from obcore.verify import Outcome, Report, State, verify_credential
from tests.obcore.test_verify import ob2_documents

pytestmark = pytest.mark.nodjango

HERE = Path(__file__).parent
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
ISSUER = "https://badges.example/issuers/ateliers"


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((HERE / name).read_text("utf-8"))
    return data


def signed_by_did_key(document: dict[str, Any]) -> tuple[dict[str, Any], KeyPair]:
    """``document`` issued by a fresh did:key issuer and signed (eddsa-rdfc-2022)."""
    key = generate_key()
    issuer = did_key(key)
    unsigned = copy.deepcopy({k: v for k, v in document.items() if k != "proof"})
    if isinstance(unsigned.get("issuer"), dict):
        unsigned["issuer"]["id"] = issuer
    else:
        unsigned["issuer"] = issuer
    unsigned["validFrom"] = "2026-01-10T09:00:00Z"
    for remote in ("validUntil", "credentialStatus"):  # checked offline: nothing to fetch
        unsigned.pop(remote, None)
    return sign(unsigned, key, verification_method=f"{issuer}#{key.to_multikey()}"), key


#: Valid credentials nobody here wrote (1EdTech's OB 3.0 example) and Blason's own shapes.
CORPUS = {
    "1edtech-example": "vectors/1edtech-ob3-unsigned.json",
    "blason-credential": "golden/ob3-credential.json",
    "blason-endorsement": "golden/ob3-endorsement.json",
}


@pytest.fixture(scope="module", params=sorted(CORPUS))
def valid(request: pytest.FixtureRequest) -> tuple[dict[str, Any], KeyPair]:
    document, key = signed_by_did_key(load(CORPUS[request.param]))
    report = verify_credential(document, now=NOW)
    assert report.state is State.VALID, report.checks  # the corpus starts from valid badges
    return document, key


def failure(report: Report) -> str:
    failed = [check for check in report.checks if check.outcome is Outcome.FAILED]
    assert failed, report.checks
    return failed[-1].en


def resigned(document: dict[str, Any], key: KeyPair) -> dict[str, Any]:
    """The document signed again after a change (so the rule, not the signature, refuses it);
    left as it is when it can no longer be signed (no context left to canonicalise with)."""
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    issuer = did_key(key)
    try:
        return sign(unsigned, key, verification_method=f"{issuer}#{key.to_multikey()}")
    except Exception:
        return document


def _at(document: dict[str, Any], path: tuple[str, ...]) -> Any:
    node: Any = document
    for name in path:
        node = node[name]
    return node


def _required_paths(document: dict[str, Any]) -> list[tuple[str, ...]]:
    """Every property the official OB 3.0 JSON Schema requires, where the document has it."""
    paths: list[tuple[str, ...]] = [
        (name,) for name in ("@context", "id", "type", "issuer", "credentialSubject", "validFrom")
    ]
    if "EndorsementCredential" in document["type"]:
        paths.append(("name",))
    else:
        paths.append(("credentialSubject", "achievement"))
        for name in ("id", "type", "criteria", "description", "name"):
            paths.append(("credentialSubject", "achievement", name))
    if isinstance(document.get("issuer"), dict):
        paths += [("issuer", "id"), ("issuer", "type")]
    return paths


def test_each_required_property_removed_is_malformed(
    valid: tuple[dict[str, Any], KeyPair],
) -> None:
    document, key = valid
    for path in _required_paths(document):
        changed = copy.deepcopy(document)
        del _at(changed, path[:-1])[path[-1]]
        report = verify_credential(resigned(changed, key), now=NOW)
        assert report.state is State.MALFORMED, (path, report.checks)
        assert path[-1] in failure(report), (path, failure(report))


@pytest.mark.parametrize("wrong", [5, True, [], {}, ""])
def test_each_required_property_mistyped_is_never_valid(
    valid: tuple[dict[str, Any], KeyPair], wrong: Any
) -> None:
    document, key = valid
    for path in _required_paths(document):
        if type(_at(document, path)) is type(wrong):
            continue  # the same JSON type: not a mistyping ("" is a string, like any text)
        changed = copy.deepcopy(document)
        _at(changed, path[:-1])[path[-1]] = wrong
        report = verify_credential(resigned(changed, key), now=NOW)
        assert report.state is State.MALFORMED, (path, wrong, report.checks)


@pytest.mark.parametrize("name", ["1edtech-example", "blason-credential"])
def test_a_subject_without_id_or_identifier_is_malformed(name: str) -> None:
    # (an endorsement's subject is what it endorses: its id is required by the schema there)
    document, key = signed_by_did_key(load(CORPUS[name]))
    changed = copy.deepcopy(document)
    for name in ("id", "identifier"):
        changed["credentialSubject"].pop(name, None)
    report = verify_credential(resigned(changed, key), now=NOW)
    assert report.state is State.MALFORMED
    assert "id or an identifier" in failure(report)


@pytest.mark.parametrize(
    ("types", "named"),
    [
        (["VerifiableCredential"], "OpenBadgeCredential"),
        (["VerifiableCredential", "ClrCredential"], "OpenBadgeCredential"),
    ],
)
def test_a_type_without_the_badge_class_is_malformed(types: list[str], named: str) -> None:
    document, key = signed_by_did_key(load(CORPUS["blason-credential"]))
    changed = {**document, "type": types}
    report = verify_credential(resigned(changed, key), now=NOW)
    assert report.state is State.MALFORMED
    assert named in failure(report)


def test_a_context_that_does_not_start_with_the_vc_context_is_malformed() -> None:
    document, key = signed_by_did_key(load(CORPUS["blason-credential"]))
    changed = {**document, "@context": list(reversed(document["@context"]))}
    report = verify_credential(resigned(changed, key), now=NOW)
    assert report.state is State.MALFORMED
    assert "Verifiable Credentials context" in failure(report)


# --- Status lists: trusted only when the credential's issuer signed them ----------------------


LIST_URL = f"{ISSUER}/status/1"
INDEX = 41


def _controller(key: KeyPair) -> dict[str, Any]:
    return {
        "id": ISSUER,
        "assertionMethod": [
            {
                "id": f"{ISSUER}#{key.to_multikey()}",
                "type": "Multikey",
                "controller": ISSUER,
                "publicKeyMultibase": key.to_multikey(),
            }
        ],
    }


def _status_list(*, revoked: bool, purpose: str = "revocation", **changes: Any) -> dict[str, Any]:
    bits = status.BitstringStatusList()
    if revoked:
        bits.set(INDEX)
    document = status.build_status_list_credential(
        credential_id=LIST_URL,
        issuer=ISSUER,
        status_list=bits,
        status_purpose=purpose,
        valid_from=NOW - timedelta(days=30),
    )
    return {**document, **changes}


def _issuer_signed(document: dict[str, Any], key: KeyPair) -> dict[str, Any]:
    return sign(document, key, verification_method=f"{ISSUER}#{key.to_multikey()}")


@pytest.fixture(scope="module")
def revoked_badge() -> tuple[dict[str, Any], KeyPair]:
    """A badge its issuer revoked (bit ``INDEX`` set in the issuer-signed list)."""
    key = generate_key()
    unsigned = _unsigned_ob3()
    unsigned["credentialStatus"] = status.build_status_entry(
        status_list_credential=LIST_URL, index=INDEX
    )
    return _issuer_signed(unsigned, key), key


def _verify_with_list(
    badge: dict[str, Any], key: KeyPair, published: dict[str, Any] | None, **kwargs: Any
) -> Report:
    documents = {ISSUER: _controller(key)}
    if published is not None:
        documents[LIST_URL] = published
    fetcher = StaticFetcher(
        {url: ("application/json", json.dumps(doc).encode()) for url, doc in documents.items()}
    )
    return verify_credential(badge, now=kwargs.get("now", NOW), fetcher=fetcher)


def test_the_genuine_list_says_revoked(revoked_badge: tuple[dict[str, Any], KeyPair]) -> None:
    badge, key = revoked_badge
    report = _verify_with_list(badge, key, _issuer_signed(_status_list(revoked=True), key))
    assert report.state is State.REVOKED


def _forgeries(key: KeyPair) -> dict[str, tuple[dict[str, Any] | None, str]]:
    """Lists that say "not revoked" for a revoked badge, with the reason each is refused."""
    stranger = generate_key()
    stranger_id = did_key(stranger)
    by_stranger = sign(
        _status_list(revoked=False, issuer=stranger_id),
        stranger,
        verification_method=f"{stranger_id}#{stranger.to_multikey()}",
    )
    posing = sign(  # names the issuer, signed with another key
        _status_list(revoked=False),
        stranger,
        verification_method=f"{stranger_id}#{stranger.to_multikey()}",
    )
    altered = _issuer_signed(_status_list(revoked=True), key)
    altered["credentialSubject"] = _status_list(revoked=False)["credentialSubject"]
    expired = _issuer_signed(
        _status_list(revoked=False, validUntil=(NOW - timedelta(days=1)).isoformat()), key
    )
    return {
        "unsigned": (_status_list(revoked=False), "status.list_unsigned"),
        "signed by someone else": (by_stranger, "status.list_other_signer"),
        "naming the issuer, signed by someone else": (posing, "status.list_bad_proof"),
        "altered after signing": (altered, "status.list_bad_proof"),
        "expired": (expired, "status.list_expired"),
        "for another purpose": (
            _issuer_signed(_status_list(revoked=False, purpose="suspension"), key),
            "status.list_purpose",
        ),
        "unreachable": (None, "status.list_unreadable"),
    }


@pytest.mark.parametrize(
    "forgery",
    [
        "unsigned",
        "signed by someone else",
        "naming the issuer, signed by someone else",
        "altered after signing",
        "expired",
        "for another purpose",
        "unreachable",
    ],
)
def test_a_forged_list_never_makes_a_revoked_badge_valid(
    revoked_badge: tuple[dict[str, Any], KeyPair], forgery: str
) -> None:
    badge, key = revoked_badge
    published, code = _forgeries(key)[forgery]
    report = _verify_with_list(badge, key, published)
    assert report.state is State.UNVERIFIABLE, report.checks
    (check,) = [c for c in report.checks if c.name == "status" and c.outcome is Outcome.FAILED]
    assert [detail.code for detail in check.details] == [code]


def test_a_list_read_at_another_address_than_its_id_counts_when_the_issuer_signed_it(
    revoked_badge: tuple[dict[str, Any], KeyPair],
) -> None:
    """1EdTech's own conformance list names itself by another URL than where it is served:
    read as the issuer's list because the issuer's proof holds, with a warning."""
    badge, key = revoked_badge
    elsewhere = _issuer_signed(
        _status_list(revoked=True, id="https://status.example/credentials/status/3"), key
    )
    report = _verify_with_list(badge, key, elsewhere)
    assert report.state is State.REVOKED
    warnings = [c for c in report.checks if c.outcome is Outcome.WARNING]
    assert [c.code for c in warnings] == ["status.list_id_differs"]


def test_expiry_wins_over_a_status_that_cannot_be_read(
    revoked_badge: tuple[dict[str, Any], KeyPair],
) -> None:
    badge, key = revoked_badge
    expired = {**{k: v for k, v in badge.items() if k != "proof"}}
    expired["validUntil"] = "2026-03-01T00:00:00Z"
    expired = _issuer_signed(expired, key)
    report = _verify_with_list(expired, key, None)
    assert report.state is State.EXPIRED
    failed = [(c.name, c.code) for c in report.checks if c.outcome is Outcome.FAILED]
    assert failed == [("status", "status.unverifiable"), ("dates", "dates.expired")]


# --- Outages: a real HTTP client against a loopback server ----------------------------------


class _Site(ThreadingHTTPServer):
    daemon_threads = True
    documents: dict[str, bytes]
    faults: dict[str, str]

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # the client gave up on a "slow" answer: expected, nothing to report


class _Handler(BaseHTTPRequestHandler):
    server: _Site

    def do_GET(self) -> None:
        fault = self.server.faults.get(self.path)
        if fault == "slow":
            time.sleep(3)  # beyond the client's whole-fetch deadline
        if fault == "503":
            self.send_error(503, "Service Unavailable")
            return
        body = self.server.documents.get(self.path)
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[_Site]:
    server = _Site(("127.0.0.1", 0), _Handler)
    server.documents, server.faults = {}, {}
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


Fault = str  # "503", "slow" or "refused"


def _fetcher(site: _Site, documents: dict[str, Any], broken: str, fault: Fault) -> Any:
    """A real ``HttpFetcher`` with ``badges.example`` pinned to the loopback server; the
    ``broken`` URL answers 503, answers too late, or is fetched from a port that refuses."""
    site.documents = {}
    site.faults = {}
    for url, document in documents.items():
        site.documents[urlsplit(url).path] = json.dumps(document).encode()
    policy = FetchPolicy(allow_private=True, timeout=1.0)
    port = site.server_address[1]
    live = HttpFetcher(policy, resolver=lambda host, _port: ["127.0.0.1"])
    refusing = HttpFetcher(policy, resolver=lambda host, _port: ["127.0.0.2"])  # no one there

    def fetch(url: str, *, accept: Any = ()) -> Any:
        target = url.replace(f"https://{HOST}", f"http://{HOST}:{port}")
        if url.split("#", 1)[0] == broken:
            if fault == "refused":
                return refusing(target, accept=accept)
            site.faults[urlsplit(target).path] = fault
        return live(target, accept=accept)

    return fetch


HOST = "badges.example"
FAULTS = ["503", "slow", "refused"]


def _unsigned_ob3() -> dict[str, Any]:
    unsigned = load(CORPUS["blason-credential"])
    unsigned["issuer"]["id"] = ISSUER
    unsigned["validFrom"] = "2026-01-10T09:00:00Z"
    for remote in ("validUntil", "credentialStatus"):
        unsigned.pop(remote, None)
    return unsigned


def _ob3_setup() -> tuple[dict[str, Any], dict[str, Any]]:
    key = generate_key()
    unsigned = _unsigned_ob3()
    unsigned["credentialStatus"] = status.build_status_entry(
        status_list_credential=LIST_URL, index=INDEX
    )
    badge = _issuer_signed(unsigned, key)
    documents = {
        ISSUER: _controller(key),
        LIST_URL: _issuer_signed(_status_list(revoked=False), key),
    }
    return badge, documents


def _assert_outage(report: Report) -> None:
    assert report.state is State.UNVERIFIABLE, report.checks
    assert failure(report)


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("broken", [ISSUER, LIST_URL], ids=["issuer keys", "status list"])
def test_ob3_outages_are_unverifiable(site: _Site, fault: Fault, broken: str) -> None:
    badge, documents = _ob3_setup()
    fetch = _fetcher(site, documents, broken, "none")
    assert verify_credential(badge, now=NOW, fetcher=fetch).state is State.VALID  # control
    fetch = _fetcher(site, documents, broken, fault)
    _assert_outage(verify_credential(badge, now=NOW, fetcher=fetch))


@pytest.mark.parametrize("fault", FAULTS)
def test_ob3_vc_jwt_key_outage_is_unverifiable(site: _Site, fault: Fault) -> None:
    key = generate_key()
    unsigned = _unsigned_ob3()
    kid = f"{ISSUER}/keys/1"
    token = sign_vc_jwt(unsigned, key, kid=kid)
    documents = {kid: {"id": kid, "controller": ISSUER, "publicKeyJwk": key.to_public_jwk()}}
    assert verify_credential(token, now=NOW, fetcher=_fetcher(site, documents, kid, "none")).valid
    _assert_outage(verify_credential(token, now=NOW, fetcher=_fetcher(site, documents, kid, fault)))


OB2_DOCUMENTS = {
    "hosted assertion": "/ob2/assertions/1",
    "BadgeClass": "/ob2/badge",
    "issuer profile": "/ob2/issuer",
    "revocation list": "/ob2/revoked",
}


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("document", sorted(OB2_DOCUMENTS))
def test_ob2_hosted_outages_are_unverifiable(site: _Site, fault: Fault, document: str) -> None:
    setup = ob2_documents(signed=False)
    broken = f"https://{HOST}{OB2_DOCUMENTS[document]}"
    control = verify_credential(
        setup["assertion"], now=NOW, fetcher=_fetcher(site, setup["docs"], broken, "none")
    )
    assert control.valid, control.checks
    fetch = _fetcher(site, setup["docs"], broken, fault)
    _assert_outage(verify_credential(setup["assertion"], now=NOW, fetcher=fetch))


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("document", ["key", "BadgeClass", "issuer profile", "revocation list"])
def test_ob2_signed_outages_are_unverifiable(site: _Site, fault: Fault, document: str) -> None:
    setup = ob2_documents(signed=True)
    token = sign_ob2_assertion(setup["assertion"], setup["rsa"], f"https://{HOST}/ob2/key")
    path = {**OB2_DOCUMENTS, "key": "/ob2/key"}[document]
    broken = f"https://{HOST}{path}"
    assert verify_credential(token, now=NOW, fetcher=_fetcher(site, setup["docs"], broken, "none"))
    fetch = _fetcher(site, setup["docs"], broken, fault)
    _assert_outage(verify_credential(token, now=NOW, fetcher=fetch))


def test_an_ob2_badge_issued_in_the_future_is_not_yet_valid() -> None:
    setup = ob2_documents(signed=False)
    docs = copy.deepcopy(setup["docs"])
    assertion_id = setup["assertion"]["id"]
    docs[assertion_id]["issuedOn"] = "2026-09-01T00:00:00Z"
    fetcher = StaticFetcher(
        {url: ("application/json", json.dumps(doc).encode()) for url, doc in docs.items()}
    )
    report = verify_credential(docs[assertion_id], now=NOW, fetcher=fetcher)
    assert report.state is State.NOT_YET_VALID
    assert report.checks[-1].code == "dates.not_yet"


def _static(docs: dict[str, Any]) -> StaticFetcher:
    return StaticFetcher({u: ("application/json", json.dumps(d).encode()) for u, d in docs.items()})


def test_an_ob2_issuer_with_the_context_embedded_is_read() -> None:
    """badgecheck reads a document by what its context means, not by its address: an issuer
    that embeds the OB 2.0 context's definitions is an OB 2.0 issuer."""
    from obcore.contexts import load_context

    setup = ob2_documents(signed=False)
    docs = copy.deepcopy(setup["docs"])
    issuer_id = f"https://{HOST}/ob2/issuer"
    docs[issuer_id]["@context"] = load_context("https://w3id.org/openbadges/v2")
    assertion = setup["assertion"]
    assert verify_credential(assertion, now=NOW, fetcher=_static(docs)).valid
    docs[issuer_id]["@context"] = {"name": "https://schema.org/name"}  # not the OB 2.0 context
    assert verify_credential(assertion, now=NOW, fetcher=_static(docs)).state is State.INVALID


@pytest.mark.parametrize(
    ("policy", "hosted_at", "valid"),
    [
        ({}, "https://badges.example/ob2/assertions/9", True),
        ({}, "https://cdn.example/ob2/assertions/9", False),
        ({"allowedOrigins": ["cdn.example"]}, "https://cdn.example/ob2/assertions/9", True),
        ({"allowedOrigins": "cdn.example"}, "https://badges.example/ob2/assertions/9", False),
        ({"startsWith": "https://badges.example/ob2/"}, "https://badges.example/ob2/a/9", True),
        (
            {"startsWith": ["https://badges.example/x/", "https://badges.example/y/"]},
            "https://badges.example/ob2/assertions/9",
            False,
        ),
    ],
)
def test_the_ob2_hosting_policy_of_the_issuer(
    policy: dict[str, Any], hosted_at: str, valid: bool
) -> None:
    """OB 2.0 VerificationObject on a Profile: ``allowedOrigins`` (by default the issuer's own
    origin) and ``startsWith`` say where its hosted assertions may live."""
    setup = ob2_documents(signed=False)
    docs = copy.deepcopy(setup["docs"])
    issuer_id = f"https://{HOST}/ob2/issuer"
    if policy:
        docs[issuer_id]["verification"] = {"type": "HostedBadge", **policy}
    assertion = {**setup["assertion"], "id": hosted_at}
    docs[hosted_at] = assertion
    report = verify_credential(assertion, now=NOW, fetcher=_static(docs))
    assert report.valid is valid, report.checks
    if not valid:
        assert report.checks[-1].code == "ob2.not_on_issuer_site"
