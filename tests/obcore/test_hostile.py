"""A hostile and malformed corpus through the verification pipeline.

Every item ends in a report with a clear state — never an exception, never a hang (each test
has a time limit) — and the lower-level entry points raise obcore errors only. Fuzzing with
hypothesis covers the parser entry points with a bounded number of examples (60 each; set
``OBCORE_FUZZ_EXAMPLES`` for a longer run, e.g. ``OBCORE_FUZZ_EXAMPLES=5000``).
"""

from __future__ import annotations

import base64
import copy
import gzip
import json
import os
import struct
import zlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from obcore import _json, baking, status
from obcore.errors import InputError, ObcoreError
from obcore.fetch import StaticFetcher
from obcore.keys import KeyPair, b58encode, did_key, generate_key
from obcore.messages import TEMPLATES
from obcore.proofs.data_integrity import sign, verify
from obcore.verify import MAX_INPUT_BYTES, Report, State, verify_credential
from tests.obcore.test_baking import chunk, make_png
from tests.obcore.test_verify import ISSUER, NOW, credential, did_signed, https_documents

pytestmark = [pytest.mark.nodjango, pytest.mark.timeout(20)]


def b64(data: bytes | str) -> str:
    raw = data.encode() if isinstance(data, str) else data
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def jws(header: dict[str, Any], payload: dict[str, Any], signature: bytes = b"sig") -> str:
    return f"{b64(json.dumps(header))}.{b64(json.dumps(payload))}.{b64(signature)}"


def deep(levels: int, leaf: Any = 1) -> Any:
    node = leaf
    for _ in range(levels):
        node = {"a": node}
    return node


def signed_text() -> str:
    return json.dumps(did_signed()[0])


def assert_report(report: Report, state: State, words: str = "") -> None:
    assert report.state is state, report.checks
    failed = [check for check in report.checks if check.outcome.value == "failed"]
    assert failed, "a refused badge says why"
    assert all(check.en and check.code in TEMPLATES for check in report.checks)
    assert words.lower() in failed[-1].en.lower(), failed[-1].en


# --- JSON itself -----------------------------------------------------------------------------

JSON_CORPUS: dict[str, tuple[Callable[[], Any], str]] = {
    "object nested 100,000 deep": (lambda: '{"a":' * 100_000 + "1" + "}" * 100_000, "nested"),
    "credential with a field nested 5,000 deep": (
        lambda: signed_text()[:-1] + ', "x": ' + '{"a":' * 5_000 + "1" + "}" * 5_000 + "}",
        "nested",
    ),
    "arrays nested 70 deep": (
        lambda: signed_text()[:-1] + ', "x": ' + "[" * 70 + "]" * 70 + "}",
        "nested more than 64",
    ),
    "Python dict nested 3,000 deep": (lambda: {**did_signed()[0], "x": deep(3_000)}, "nested"),
    "text over the size limit": (
        lambda: '{"name": "' + "x" * MAX_INPUT_BYTES + '"}',
        "larger than",
    ),
    "bytes over the size limit": (lambda: b" " * (MAX_INPUT_BYTES + 1), "larger than"),
    "duplicate top-level key": (
        lambda: signed_text()[:-1] + ', "id": "urn:uuid:00000000-0000-4000-8000-000000000666"}',
        "key 'id' twice",
    ),
    "duplicate nested key": (
        lambda: signed_text().replace('"achievement": {', '"achievement": {"name": "Diplôme", ', 1),
        "key 'name' twice",
    ),
    "NaN": (lambda: signed_text()[:-1] + ', "x": NaN}', "NaN is not a JSON value"),
    "Infinity": (lambda: signed_text()[:-1] + ', "x": -Infinity}', "-Infinity"),
    "integer of 5,000 digits": (lambda: signed_text()[:-1] + ', "x": ' + "9" * 5000 + "}", "JSON"),
    "not UTF-8": (lambda: b'{"name": "\xff\xfe\xfa"}', "neither an image, JSON nor a JWS"),
    "UTF-16": (lambda: signed_text().encode("utf-16"), "neither an image, JSON nor a JWS"),
    "truncated JSON": (lambda: signed_text()[:-40], "not valid JSON"),
    "a JSON array": (lambda: "[1, 2, 3]", "not an open badge"),
    "a JSON object that is not a badge": (lambda: '{"hello": "world"}', "no open badges context"),
}


@pytest.mark.parametrize("name", JSON_CORPUS)
def test_malformed_json_is_malformed(name: str) -> None:
    make, words = JSON_CORPUS[name]
    assert_report(verify_credential(make(), now=NOW), State.MALFORMED, words)


def test_the_depth_limit_leaves_real_credentials_alone() -> None:
    """A CLR holding credentials, each with an endorsement, stays well under the limit."""
    document, _key = did_signed()
    clr = {"credentialSubject": {"verifiableCredential": [{**document, "endorsement": [document]}]}}
    _json.check_document(clr)
    _json.check_document(deep(_json.MAX_DEPTH))  # 64 objects, one in the other
    with pytest.raises(InputError):
        _json.check_document(deep(_json.MAX_DEPTH + 1))
    assert _json.loads(json.dumps(deep(60))) == deep(60)


def test_large_but_legal_strings_are_verified_in_time() -> None:
    """A 2 MB field (an embedded image, say) in a signed credential: valid, and quickly."""
    key = generate_key()
    issuer = did_key(key)
    document = sign(
        credential(issuer, description="é" * 1_000_000),
        key,
        verification_method=f"{issuer}#{key.to_multikey()}",
    )
    report = verify_credential(json.dumps(document).encode(), now=NOW)
    assert report.state is State.VALID, report.checks


# --- images ----------------------------------------------------------------------------------

ITXT = b"openbadgecredential\x00"
XXE = (
    b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b'<svg xmlns="http://www.w3.org/2000/svg"><openbadges:credential '
    b'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">&xxe;</openbadges:credential></svg>'
)
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">'.encode()
        for i in range(1, 10)
    )
    + b']><svg xmlns="http://www.w3.org/2000/svg">&lol9;</svg>'
)


def _png_with(body: bytes, kind: bytes = b"iTXt") -> bytes:
    return make_png(chunk(kind, body))


def _baked_png() -> bytes:
    return baking.bake(make_png(), signed_text())


def _bad_crc() -> bytes:
    baked = bytearray(_baked_png())
    baked[60] ^= 0xFF
    return bytes(baked)


IMAGE_CORPUS: dict[str, tuple[Callable[[], bytes], str]] = {
    "PNG zlib bomb in a compressed iTXt": (
        lambda: _png_with(ITXT + b"\x01\x00\x00\x00" + zlib.compress(b"{" * (64 << 20), 9)),
        "inflates beyond",
    ),
    "PNG compressed iTXt that is not zlib": (
        lambda: _png_with(ITXT + b"\x01\x00\x00\x00" + b"not zlib at all"),
        "",
    ),
    "PNG truncated in a chunk": (lambda: _baked_png()[:-30], "truncated"),
    "PNG truncated in the signature": (lambda: baking.PNG_SIGNATURE[:6], ""),
    "PNG with a bad CRC": (_bad_crc, "CRC"),
    "PNG chunk of absurd length": (
        lambda: make_png()[:33] + struct.pack(">I", 2**31) + b"iTXt" + b"x" * 64,
        "absurd length",
    ),
    "PNG without credential": (lambda: make_png(), "no"),
    "PNG with an empty credential": (lambda: _png_with(ITXT + b"\x00\x00\x00\x00"), ""),
    "SVG billion laughs": (lambda: LAUGHS, "not allowed"),
    "SVG external entity (XXE)": (lambda: XXE, "not allowed"),
    "SVG with a DOCTYPE": (
        lambda: b'<!DOCTYPE svg [<!ELEMENT svg ANY>]><svg xmlns="http://www.w3.org/2000/svg"/>',
        "not allowed",
    ),
    "SVG external DTD with an entity": (
        lambda: (
            b'<!DOCTYPE svg SYSTEM "http://127.0.0.1:9/x.dtd">'
            b'<svg xmlns="http://www.w3.org/2000/svg"><title>&ent;</title></svg>'
        ),
        "entity",
    ),
    "SVG not well-formed": (lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><g></svg>', ""),
    "SVG holding a credential that is not JSON": (
        lambda: baking.bake(b'<svg xmlns="http://www.w3.org/2000/svg"/>', signed_text()).replace(
            b'"@context"', b'"@context" "@context"'
        ),
        "",
    ),
}


@pytest.mark.parametrize("name", IMAGE_CORPUS)
def test_hostile_images_are_malformed(name: str) -> None:
    make, words = IMAGE_CORPUS[name]
    assert_report(verify_credential(make(), now=NOW), State.MALFORMED, words)


# --- JWS -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def vc_jwt_setup() -> dict[str, Any]:
    from obcore.jose import sign_vc_jwt

    ed, rsa = generate_key(), generate_key("RSA")
    kid = f"{ISSUER}/keys/1"
    document = credential(ISSUER)
    docs = {
        kid: {"id": kid, "type": "JsonWebKey", "controller": ISSUER, "publicKeyJwk": ""},
    }
    return {
        "ed": ed,
        "rsa": rsa,
        "kid": kid,
        "document": document,
        "token": sign_vc_jwt(document, ed, kid=kid),
        "docs": docs,
    }


def _fetcher(setup: dict[str, Any], key: KeyPair) -> StaticFetcher:
    doc = {**setup["docs"][setup["kid"]], "publicKeyJwk": key.to_public_jwk()}
    return StaticFetcher({setup["kid"]: ("application/json", json.dumps(doc).encode())})


def test_the_vc_jwt_setup_is_valid(vc_jwt_setup: dict[str, Any]) -> None:
    report = verify_credential(
        vc_jwt_setup["token"], now=NOW, fetcher=_fetcher(vc_jwt_setup, vc_jwt_setup["ed"])
    )
    assert report.state is State.VALID, report.checks


def _claims(setup: dict[str, Any]) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(setup["token"].split(".")[1] + "==")
    )
    return payload


JWS_CORPUS: dict[str, tuple[Callable[[dict[str, Any]], str], State, str]] = {
    "alg none, no signature": (
        lambda s: jws({"alg": "none", "kid": s["kid"]}, _claims(s), b""),
        State.INVALID,
        "'none' is not allowed",
    ),
    "alg HS256 with the public key as secret": (
        lambda s: jws({"alg": "HS256", "kid": s["kid"]}, _claims(s)),
        State.INVALID,
        "not allowed",
    ),
    "alg RS256 over an Ed25519 key": (
        lambda s: jws({"alg": "RS256", "kid": s["kid"], "typ": "JWT"}, _claims(s)),
        State.INVALID,
        "does not match",
    ),
    "alg EdDSA, signature of an RSA key": (
        lambda s: jws(
            {"alg": "EdDSA", "kid": s["kid"]},
            _claims(s),
            s["rsa"].sign(b"whatever"),
        ),
        State.INVALID,
        "does not verify",
    ),
    "crit header": (
        lambda s: jws({"alg": "EdDSA", "kid": s["kid"], "crit": ["b64"], "b64": False}, {}),
        State.INVALID,
        "not allowed",
    ),
    "header not JSON": (
        lambda s: b64("{not json") + "." + s["token"].split(".", 1)[1],
        State.INVALID,
        "",
    ),
    "payload not base64url": (lambda s: "eyJhbGciOiJFZERTQSJ9.!!!.c2ln", State.MALFORMED, ""),
    "payload a JSON list": (
        lambda s: f"{b64('{}')}.{b64('[1, 2]')}.c2ln",
        State.MALFORMED,
        "cannot be decoded",
    ),
    "payload with duplicate keys": (
        lambda s: ".".join(
            [
                b64(json.dumps({"alg": "EdDSA", "kid": s["kid"]})),
                b64(json.dumps(_claims(s))[:-1] + ', "iss": "https://evil.example"}'),
                "c2ln",
            ]
        ),
        State.MALFORMED,
        "twice",
    ),
    "payload nested 10,000 deep": (
        lambda s: f"{b64('{}')}.{b64('[' * 10_000 + ']' * 10_000)}.c2ln",
        State.MALFORMED,
        "",
    ),
    "signature stripped": (
        lambda s: s["token"].rsplit(".", 1)[0] + ".",
        State.INVALID,
        "",
    ),
    "claims that contradict the credential": (
        lambda s: jws({"alg": "EdDSA", "kid": s["kid"]}, {**_claims(s), "jti": "urn:x"}),
        State.INVALID,
        "",
    ),
}


@pytest.mark.parametrize("name", JWS_CORPUS)
def test_hostile_jws(name: str, vc_jwt_setup: dict[str, Any]) -> None:
    make, state, words = JWS_CORPUS[name]
    token = make(vc_jwt_setup)
    report = verify_credential(token, now=NOW, fetcher=_fetcher(vc_jwt_setup, vc_jwt_setup["ed"]))
    assert_report(report, state, words)


def test_a_key_document_with_duplicate_keys_is_refused(vc_jwt_setup: dict[str, Any]) -> None:
    kid = vc_jwt_setup["kid"]
    body = json.dumps(
        {"id": kid, "controller": ISSUER, "publicKeyJwk": vc_jwt_setup["ed"].to_public_jwk()}
    )
    doubled = body[:-1] + ', "controller": "https://evil.example/"}'
    fetcher = StaticFetcher({kid: ("application/json", doubled.encode())})
    report = verify_credential(vc_jwt_setup["token"], now=NOW, fetcher=fetcher)
    assert_report(report, State.UNVERIFIABLE, "twice")


# --- Data Integrity proofs and JSON-LD -------------------------------------------------------


def _with(document: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    *parents, last = path.split(".")
    node = changed
    for name in parents:
        node = node[name]
    node[last] = value
    return changed


OB3_CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
PROOF_CORPUS: dict[str, tuple[str, Any, State, str]] = {
    "undefined term": ("credentialSubject.favouriteColour", "blue", State.INVALID, "undefined"),
    "undefined type": (
        "type",
        ["VerifiableCredential", "OpenBadgeCredential", "Diploma"],
        State.INVALID,
        "undefined",
    ),
    "@context of an unknown URL": (
        "@context",
        [*OB3_CONTEXTS, "https://evil.example/context.json"],
        State.UNVERIFIABLE,
        "not known to obcore",
    ),
    "@context without the OB 3.0 context": (
        "@context",
        ["https://www.w3.org/ns/credentials/v2", "https://evil.example/context.json"],
        State.MALFORMED,
        "Open Badges 3.0 context",
    ),
    "@context that is a number": ("@context", 5, State.MALFORMED, "Verifiable Credentials"),
    "@context with junk entries": (
        "@context",
        [*OB3_CONTEXTS, None, 7],
        State.MALFORMED,
        "@context",
    ),
    "@context not starting with the VC context": (
        "@context",
        ["https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json", None, 7],
        State.MALFORMED,
        "must start",
    ),
    "relative identifier": ("id", "credential-1", State.INVALID, "relative"),
    "proofValue not multibase": ("proof.proofValue", "3q2+7w==", State.INVALID, "malformed"),
    "proofValue not base58": ("proof.proofValue", "z0OIl", State.INVALID, "base58"),
    "proofValue empty": ("proof.proofValue", "z", State.INVALID, "does not match"),
    "proofValue a number": ("proof.proofValue", 12, State.INVALID, "malformed"),
    "signature of 63 bytes": (
        "proof.proofValue",
        "z" + b58encode(bytes(range(63))),
        State.INVALID,
        "does not match",
    ),
    "signature of 1 MB": (
        "proof.proofValue",
        "z" + "2" * 2_000,
        State.INVALID,
        "does not match",
    ),
    "proof created not a date": ("proof.created", "last Tuesday", State.INVALID, "created"),
    "proof expired long ago": ("proof.expires", "1999-01-01T00:00:00Z", State.INVALID, "expired"),
    "proof of an unknown suite": (
        "proof.cryptosuite",
        "ecdsa-rdfc-2019",
        State.UNVERIFIABLE,
        "unsupported",
    ),
    "proof purpose authentication": (
        "proof.proofPurpose",
        "authentication",
        State.INVALID,
        "purpose",
    ),
    "proof as a string": ("proof", "z3FXQjecWufY46", State.INVALID, "not a JSON object"),
    "verification method of a did:key too short": (
        "proof.verificationMethod",
        "did:key:z6Mk" + "1" * 10 + "#x",
        State.UNVERIFIABLE,
        "cannot be found",
    ),
    "verification method not a string": ("proof.verificationMethod", ["x"], State.INVALID, ""),
    "issuer a list": ("issuer", ["did:example:a", "did:example:b"], State.MALFORMED, "issuer"),
    "type not a verifiable credential": ("type", ["OpenBadgeCredential"], State.MALFORMED, ""),
}


@pytest.mark.parametrize("name", PROOF_CORPUS)
def test_hostile_proofs_and_json_ld(name: str) -> None:
    path, value, state, words = PROOF_CORPUS[name]
    document, _key = did_signed()
    assert_report(verify_credential(_with(document, path, value), now=NOW), state, words)


def test_wrong_key_lengths_in_key_documents() -> None:
    key = generate_key()
    document = sign(credential(ISSUER), key, verification_method=f"{ISSUER}#{key.to_multikey()}")
    for published in (
        "z" + b58encode(b"\xed\x01" + bytes(31)),  # an Ed25519 key one byte short
        "z" + b58encode(b"\xed\x01" + bytes(33)),
        "z" + b58encode(b"\x80\x24" + bytes(32)),  # P-256 header, no point
        "not multibase",
    ):
        documents = https_documents(key)
        controller = json.loads(documents[ISSUER][1])
        controller["assertionMethod"][0]["publicKeyMultibase"] = published
        fetcher = StaticFetcher({ISSUER: ("application/json", json.dumps(controller).encode())})
        report = verify_credential(document, now=NOW, fetcher=fetcher)
        assert report.state in (State.INVALID, State.UNVERIFIABLE), published
        assert "multikey" in report.checks[-1].en.lower().replace("multibase", "multikey")


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "dates",
    [
        {"validFrom": "not a date"},
        {"validFrom": "2026-13-45T99:00:00Z"},
        {"validFrom": "2026-01-10"},  # no time, no zone
        {"validUntil": "2027-01-01T00:00:00"},  # no zone
        {"validUntil": "someday"},
        {"validFrom": "99999-01-01T00:00:00Z"},
    ],
)
def test_dates_that_are_not_dates(dates: dict[str, str]) -> None:
    """Signed as they are (the signature is fine): the dates themselves are refused."""
    document, _key = did_signed(**dates)
    report = verify_credential(document, now=NOW)
    assert_report(report, State.MALFORMED, "date")
    assert [c.name for c in report.checks][-1] in ("schema", "dates")  # format, then value


# --- status lists ----------------------------------------------------------------------------


def _status_case(
    *, index: int | str = 7, encoded: str | None = None, size: int | None = None
) -> tuple[dict[str, Any], StaticFetcher]:
    key = generate_key()
    method = f"{ISSUER}#{key.to_multikey()}"
    list_url = f"{ISSUER}/status/1"
    bits = status.BitstringStatusList()
    list_credential = status.build_status_list_credential(
        credential_id=list_url, issuer=ISSUER, status_list=bits, valid_from=NOW - timedelta(1)
    )
    if encoded is not None:
        list_credential["credentialSubject"]["encodedList"] = encoded
    list_credential = sign(list_credential, key, verification_method=method)
    entry = status.build_status_entry(status_list_credential=list_url, index=7)
    entry["statusListIndex"] = str(index)
    if size is not None:
        entry["statusSize"] = size
    document = sign(credential(ISSUER, credentialStatus=entry), key, verification_method=method)
    documents = https_documents(key)
    documents[list_url] = ("application/vc+ld+json", json.dumps(list_credential).encode())
    return document, StaticFetcher(documents)


def _gzip_b64(raw: bytes) -> str:
    return "u" + b64(gzip.compress(raw, mtime=0))


@pytest.mark.parametrize(
    ("case", "words"),
    [
        ({"index": 131_072}, "index"),
        ({"index": 10**30}, "index"),
        ({"index": "-1"}, "index"),
        ({"index": "seven"}, "index"),
        ({"encoded": "u" + b64(b"plain text, not gzip")}, "gzip"),
        ({"encoded": "not even multibase"}, ""),
        ({"encoded": _gzip_b64(bytes(1 << 27))}, ""),  # a bomb: 128 MiB of zeros
        ({"encoded": _gzip_b64(bytes(10))}, "minimum"),
        ({"size": 0}, ""),
    ],
)
def test_broken_status_gives_unverifiable(case: dict[str, Any], words: str) -> None:
    document, fetcher = _status_case(**case)
    report = verify_credential(document, now=NOW, fetcher=fetcher)
    assert_report(report, State.UNVERIFIABLE, "")
    failed = [check for check in report.checks if check.outcome.value == "failed"]
    assert [check.name for check in failed] == ["status"]
    assert words.lower() in failed[0].en.lower()


def test_the_status_case_is_valid_untouched() -> None:
    document, fetcher = _status_case()
    assert verify_credential(document, now=NOW, fetcher=fetcher).state is State.VALID


# --- fuzzing the entry points ----------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=12,
)
KEYS = ["@context", "type", "id", "issuer", "proof", "credentialSubject", "validFrom", "vc"]
credential_like = st.fixed_dictionaries(
    {
        "@context": st.sampled_from(
            [
                ["https://www.w3.org/ns/credentials/v2"],
                [
                    "https://www.w3.org/ns/credentials/v2",
                    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
                ],
                "https://w3id.org/openbadges/v2",
            ]
        )
        | json_values,
        "type": st.sampled_from([["VerifiableCredential", "OpenBadgeCredential"], "Assertion"])
        | json_values,
    },
    optional=dict.fromkeys(KEYS[2:], json_values),
)
EXAMPLES = int(os.environ.get("OBCORE_FUZZ_EXAMPLES", "60"))
FUZZ_TIMEOUT = pytest.mark.timeout(20 + EXAMPLES // 5)  # the limit is for the whole test
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FUZZ_TIMEOUT
@SETTINGS
@given(st.one_of(json_values, credential_like))
def test_fuzz_json_documents(document: Any) -> None:
    for source in (document, json.dumps(document), json.dumps(document).encode()):
        report = verify_credential(source, now=NOW)
        assert report.state is not State.VALID


@FUZZ_TIMEOUT
@SETTINGS
@given(header=json_values, payload=st.one_of(json_values, credential_like), sig=st.binary())
def test_fuzz_jws(header: Any, payload: Any, sig: bytes) -> None:
    token = f"{b64(json.dumps(header))}.{b64(json.dumps(payload))}.{b64(sig)}"
    assert verify_credential(token, now=NOW).state is not State.VALID


@pytest.fixture(scope="module")
def reference_credential() -> dict[str, Any]:
    return did_signed()[0]


def _signed_rdf(document: dict[str, Any]) -> tuple[str, str, Any]:
    from obcore.jsonld import canonicalize

    proof = dict(document["proof"])
    value = proof.pop("proofValue")
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    return canonicalize(unsecured), canonicalize({**proof, "@context": document["@context"]}), value


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found.extend(_paths(value, (*prefix, key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.extend(_paths(value, (*prefix, index)))
    return found


@FUZZ_TIMEOUT
@SETTINGS
@given(data=st.data())
def test_fuzz_mutated_credentials(data: Any, reference_credential: dict[str, Any]) -> None:
    """Replace any one part of a valid signed credential: no exception, and not valid."""
    document = copy.deepcopy(reference_credential)
    path = data.draw(st.sampled_from(_paths(document)[1:]))
    value = data.draw(json_values)
    node = document
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    report = verify_credential(document, now=NOW)
    if report.state is State.VALID:
        # Only a change that leaves the signed RDF as it was may keep the signature valid:
        # "x" and ["x"], [["x"]] or ["x", "x"] are one and the same RDF.
        assert _signed_rdf(document) == _signed_rdf(reference_credential), (path, value)


@FUZZ_TIMEOUT
@SETTINGS
@given(payload=st.text(max_size=200), svg=st.booleans())
def test_fuzz_baked_payloads(payload: str, svg: bool) -> None:
    try:
        image = baking.bake(
            b'<svg xmlns="http://www.w3.org/2000/svg"/>' if svg else make_png(), payload
        )
    except ObcoreError:
        return
    assert verify_credential(image, now=NOW).state is not State.VALID


def test_low_level_entry_points_raise_obcore_errors_only() -> None:
    """The same corpus through the library functions the pipeline calls."""
    from obcore.jose import verify_vc_jwt
    from obcore.jsonld import canonicalize

    for text in ('{"a":' * 5000 + "}" * 5000, '{"a": 1, "a": 2}', "[NaN]", "\xff"):
        with pytest.raises(InputError):
            _json.loads(text)
    for document in (deep(3_000), {"@context": 5}, {"@context": ["https://x.example/"]}):
        with pytest.raises(ObcoreError):
            canonicalize(document)
        assert not verify({**document, "proof": {}}).verified
    for token in ("a.b.c", "", "....", jws({"alg": "none"}, {})):
        with pytest.raises(ObcoreError):
            verify_vc_jwt(token, lambda kid: {})
