"""Bitstring Status List, 1EdTech Revocation List and OB 2.0 RevocationList."""

from __future__ import annotations

import base64
import contextlib
import gzip
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from obcore.errors import (
    MalformedStatusListError,
    ObcoreError,
    StatusListError,
    StatusListFullError,
)
from obcore.status import (
    MIN_ENTRIES,
    BitstringStatusList,
    CredentialState,
    RevokedAssertion,
    allocate_index,
    build_ob2_revocation_list,
    build_status_entry,
    build_status_list_credential,
    check_1edtech_revocation,
    check_bitstring_status,
    check_ob2_revocation,
    check_status,
    read_ob2_revocation_list,
)

pytestmark = pytest.mark.nodjango

LIST_URL = "https://example.edu/status/1"
# From the standards digest (W3C example): all-zero list of 131,072 entries.
EMPTY_LIST = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"


def encoded(raw: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(gzip.compress(raw, mtime=0)).rstrip(b"=").decode()


# --- BitstringStatusList ----------------------------------------------------------------------


def test_defaults_and_reference_encoding() -> None:
    status_list = BitstringStatusList()
    assert (status_list.size, len(status_list), status_list.status_size) == (MIN_ENTRIES,) * 2 + (
        1,
    )
    assert status_list.to_bytes() == bytes(16384)
    assert status_list.encode() == EMPTY_LIST
    assert BitstringStatusList.decode(EMPTY_LIST).to_bytes() == bytes(16384)


def test_msb_first_bit_order() -> None:
    status_list = BitstringStatusList()
    status_list.set(0)
    status_list.set(7)
    status_list.set(9)
    assert status_list.to_bytes()[:2] == b"\x81\x40"
    assert [status_list.get(i) for i in range(10)] == [1, 0, 0, 0, 0, 0, 0, 1, 0, 1]
    status_list.unset(0)
    assert status_list.to_bytes()[:2] == b"\x01\x40"


def test_multi_bit_entries() -> None:
    status_list = BitstringStatusList(status_size=2)
    status_list.set(0, 3)
    status_list.set(1, 2)
    status_list.set(5, 1)
    assert status_list.to_bytes()[:2] == b"\xe0\x10"
    decoded = BitstringStatusList.decode(status_list.encode(), status_size=2)
    assert [decoded.get(i) for i in range(6)] == [3, 2, 0, 0, 0, 1]
    with pytest.raises(StatusListError, match="does not fit"):
        status_list.set(0, 4)


@pytest.mark.parametrize("kwargs", [{"size": 1000}, {"size": MIN_ENTRIES + 4}, {"status_size": 0}])
def test_constructor_limits(kwargs: dict[str, int]) -> None:
    with pytest.raises(StatusListError):
        BitstringStatusList(**kwargs)


@pytest.mark.parametrize("index", [-1, MIN_ENTRIES, "3", 1.0])
def test_index_bounds(index: Any) -> None:
    with pytest.raises(StatusListError, match="outside the list"):
        BitstringStatusList().get(index)


def test_encode_decode_is_fast() -> None:
    status_list = BitstringStatusList(MIN_ENTRIES * 8)
    for index in range(0, MIN_ENTRIES * 8, 97):
        status_list.set(index)
    start = time.perf_counter()
    for _ in range(10):
        BitstringStatusList.decode(status_list.encode())
    assert (time.perf_counter() - start) / 10 < 0.1  # ms in practice; generous for slow CI


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "empty"),
        ("u", "empty"),
        ("u!!!!", "base64url"),
        ("uéé", "ASCII"),
        ("u" + base64.urlsafe_b64encode(b"not gzip at all").decode(), "not valid GZIP"),
        (EMPTY_LIST[:-12], "truncated"),
        (encoded(bytes(1024)), "under the 131072 minimum"),
        (encoded(bytes(16384)) + "AAAA", "GZIP"),
    ],
)
def test_decode_rejects_malformed_lists(value: str, message: str) -> None:
    with pytest.raises(MalformedStatusListError, match=message):
        BitstringStatusList.decode(value)


def test_decode_refuses_gzip_bombs() -> None:
    bomb = encoded(bytes(20 * 1024 * 1024))  # ~20 KiB encoded, 20 MiB decoded
    with pytest.raises(MalformedStatusListError, match="inflates beyond"):
        BitstringStatusList.decode(bomb)
    with pytest.raises(MalformedStatusListError, match="inflates beyond"):
        BitstringStatusList.decode(EMPTY_LIST, max_decoded_bytes=1000)


def test_decode_accepts_legacy_and_multi_member_gzip() -> None:
    assert BitstringStatusList.decode(EMPTY_LIST[1:]).size == MIN_ENTRIES  # StatusList2021 form
    two = gzip.compress(bytes(8192)) + gzip.compress(b"\x80" + bytes(8191))
    decoded = BitstringStatusList.decode("u" + base64.urlsafe_b64encode(two).decode())
    assert decoded.size == MIN_ENTRIES
    assert decoded.get(65536) == 1


@settings(max_examples=60, deadline=None)
@given(indices=st.sets(st.integers(0, MIN_ENTRIES - 1), max_size=200))
def test_round_trip_property(indices: set[int]) -> None:
    status_list = BitstringStatusList()
    for index in indices:
        status_list.set(index)
    decoded = BitstringStatusList.decode(status_list.encode())
    assert decoded.to_bytes() == status_list.to_bytes()
    raw = decoded.to_bytes()
    on = {
        8 * n + bit for n, byte in enumerate(raw) if byte for bit in range(8) if byte & 0x80 >> bit
    }
    assert on == indices
    assert all(decoded.get(i) for i in indices)


@settings(max_examples=100, deadline=None)
@given(
    status_size=st.integers(1, 8),
    ops=st.lists(st.tuples(st.integers(0, MIN_ENTRIES - 1), st.integers(0, 255)), max_size=50),
)
def test_set_get_matches_a_dict_model(status_size: int, ops: list[tuple[int, int]]) -> None:
    status_list = BitstringStatusList(status_size=status_size)
    model: dict[int, int] = {}
    for index, raw in ops:
        value = raw % (1 << status_size)
        status_list.set(index, value)
        model[index] = value
    for index, value in model.items():
        assert status_list.get(index) == value
    ones = int.from_bytes(status_list.to_bytes(), "big").bit_count()
    assert ones == sum(v.bit_count() for v in model.values())


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=80))
def test_decode_random_text_only_raises_status_errors(text: str) -> None:
    with contextlib.suppress(MalformedStatusListError):
        BitstringStatusList.decode(text)


# --- Allocation -------------------------------------------------------------------------------


def test_allocate_avoids_used_indices() -> None:
    used: set[int] = set()
    for _ in range(500):
        index = allocate_index(used)
        assert 0 <= index < MIN_ENTRIES
        assert index not in used
        used.add(index)


def test_allocate_method_uses_the_list_size() -> None:
    status_list = BitstringStatusList(MIN_ENTRIES * 2)
    used = set(range(MIN_ENTRIES * 2)) - {MIN_ENTRIES + 5}
    assert status_list.allocate(used) == MIN_ENTRIES + 5


def test_allocate_dense_and_full_lists() -> None:
    size = 64
    assert allocate_index(set(range(size)) - {42}, size) == 42
    with pytest.raises(StatusListFullError):
        allocate_index(set(range(size)), size)


@settings(max_examples=50, deadline=None)
@given(used=st.sets(st.integers(0, 255), max_size=255))
def test_allocate_property(used: set[int]) -> None:
    index = allocate_index(used, 256)
    assert 0 <= index < 256
    assert index not in used


# --- Bitstring credentials and checks ----------------------------------------------------------

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def list_credential(purpose: str = "revocation", *revoked: int) -> dict[str, Any]:
    status_list = BitstringStatusList()
    for index in revoked:
        status_list.set(index)
    return build_status_list_credential(
        credential_id=LIST_URL,
        issuer="https://example.edu/issuers/1",
        status_list=status_list,
        status_purpose=purpose,
        valid_from=NOW - timedelta(days=1),
        valid_until=NOW + timedelta(days=1),
        ttl_ms=300_000,
    )


def test_builders() -> None:
    credential = list_credential()
    assert credential == {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": LIST_URL,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": "https://example.edu/issuers/1",
        "validFrom": "2026-01-01T03:04:05Z",
        "validUntil": "2026-01-03T03:04:05Z",
        "credentialSubject": {
            "id": LIST_URL + "#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": EMPTY_LIST,
            "ttl": 300_000,
        },
    }
    assert build_status_entry(status_list_credential=LIST_URL, index=42) == {
        "id": LIST_URL + "#42",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "42",
        "statusListCredential": LIST_URL,
    }
    with pytest.raises(StatusListError):
        build_status_entry(status_list_credential=LIST_URL, index=-1)
    with pytest.raises(StatusListError):
        build_status_entry(status_list_credential=LIST_URL, index=1, status_purpose="nope")
    with pytest.raises(StatusListError, match="timezone"):
        build_status_list_credential(
            credential_id=LIST_URL,
            issuer="x",
            status_list=BitstringStatusList(),
            valid_from=datetime(2026, 1, 1),
        )
    assert "validFrom" in build_status_list_credential(
        credential_id=LIST_URL, issuer="x", status_list=BitstringStatusList()
    )


@pytest.mark.parametrize(
    ("purpose", "state"),
    [("revocation", CredentialState.REVOKED), ("suspension", CredentialState.SUSPENDED)],
)
def test_check_revoked_suspended_ok(purpose: str, state: CredentialState) -> None:
    credential = list_credential(purpose, 42, 131_071)
    for index, expected in ((42, state), (131_071, state), (43, CredentialState.OK)):
        entry = build_status_entry(
            status_list_credential=LIST_URL, index=index, status_purpose=purpose
        )
        result = check_bitstring_status(entry, credential, now=NOW)
        assert (result.state, result.purpose, result.ok) == (
            expected,
            purpose,
            expected is CredentialState.OK,
        )
        assert check_status(entry, credential, now=NOW) == result


def test_check_message_lists() -> None:
    status_list = BitstringStatusList(status_size=2)
    status_list.set(7, 2)
    credential = build_status_list_credential(
        credential_id=LIST_URL, issuer="x", status_list=status_list, status_purpose="message"
    )
    entry = build_status_entry(status_list_credential=LIST_URL, index=7, status_purpose="message")
    entry["statusSize"] = 2
    entry["statusMessage"] = [
        {"status": "0x0", "message": "pending"},
        {"status": "0x2", "message": "accepted"},
    ]
    result = check_bitstring_status(entry, credential)
    assert (result.state, result.value, result.reason) == (CredentialState.OK, 2, "accepted")


def entry_with(**changes: Any) -> dict[str, Any]:
    entry = build_status_entry(status_list_credential=LIST_URL, index=42)
    entry.update(changes)
    return {k: v for k, v in entry.items() if v is not None}


def subject_with(**changes: Any) -> dict[str, Any]:
    credential = list_credential()
    credential["credentialSubject"].update(changes)
    return credential


@pytest.mark.parametrize(
    ("entry", "credential", "error", "message"),
    [
        (entry_with(type="Other"), list_credential(), MalformedStatusListError, "type"),
        (entry_with(statusListIndex="x"), list_credential(), MalformedStatusListError, "decimal"),
        (entry_with(statusListIndex="-1"), list_credential(), MalformedStatusListError, "decimal"),
        (entry_with(statusListIndex=True), list_credential(), MalformedStatusListError, "decimal"),
        (
            entry_with(statusPurpose=None),
            list_credential(),
            MalformedStatusListError,
            "statusPurpose",
        ),
        (entry_with(statusSize=0), list_credential(), MalformedStatusListError, "statusSize"),
        (entry_with(statusListIndex="131072"), list_credential(), StatusListError, "beyond"),
        (entry_with(statusListCredential="https://evil"), list_credential(), StatusListError, "id"),
        (entry_with(), list_credential("suspension"), StatusListError, "not a list for revocation"),
        (entry_with(), subject_with(encodedList="uAAAA"), MalformedStatusListError, "GZIP"),
        (entry_with(), subject_with(encodedList=7), MalformedStatusListError, "ASCII"),
        (entry_with(), {"type": "VerifiableCredential"}, MalformedStatusListError, "not a"),
        (entry_with(), [], MalformedStatusListError, "JSON object"),
        (
            entry_with(),
            {**list_credential(), "validUntil": "2026-01-01T00:00:00Z"},
            StatusListError,
            "validity",
        ),
        (
            entry_with(),
            {**list_credential(), "validFrom": "yesterday"},
            MalformedStatusListError,
            "timestamp",
        ),
        (
            entry_with(),
            {**list_credential(), "credentialSubject": "x"},
            MalformedStatusListError,
            "Subject",
        ),
    ],
)
def test_check_errors(entry: Any, credential: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        check_bitstring_status(entry, credential, now=NOW)


def test_integer_index_is_tolerated() -> None:
    credential = list_credential("revocation", 42)
    assert check_bitstring_status(entry_with(statusListIndex=42), credential, now=NOW).state == (
        CredentialState.REVOKED
    )


# --- 1EdTech Revocation List ------------------------------------------------------------------

EDTECH_ENTRY = {"id": "https://example.edu/revocations/1", "type": "1EdTechRevocationList"}


def test_1edtech_revocation_list() -> None:
    document = {
        "id": EDTECH_ENTRY["id"],
        "issuer": "https://example.edu/issuers/1",
        "revokedCredential": [
            {"id": "urn:uuid:1", "revoked": True, "revocationReason": "mistake"},
            {"id": "urn:uuid:2"},
            {"id": "urn:uuid:3", "revoked": False},
        ],
    }
    first = check_1edtech_revocation(EDTECH_ENTRY, document, "urn:uuid:1")
    assert (first.state, first.reason, first.method) == (
        CredentialState.REVOKED,
        "mistake",
        "1EdTechRevocationList",
    )
    assert check_status(EDTECH_ENTRY, document, credential_id="urn:uuid:2").state == "revoked"
    assert check_1edtech_revocation(EDTECH_ENTRY, document, "urn:uuid:3").ok
    assert check_1edtech_revocation(EDTECH_ENTRY, document, "urn:uuid:4").ok
    with pytest.raises(MalformedStatusListError):
        check_1edtech_revocation(EDTECH_ENTRY, {"revokedCredential": {"id": "x"}}, "x")
    with pytest.raises(MalformedStatusListError):
        check_1edtech_revocation(EDTECH_ENTRY, {"revokedCredential": ["x"]}, "x")
    with pytest.raises(StatusListError, match="is not"):
        check_1edtech_revocation(EDTECH_ENTRY, {"id": "https://other"}, "x")
    with pytest.raises(StatusListError, match="needs the credential id"):
        check_status(EDTECH_ENTRY, document)
    with pytest.raises(StatusListError, match="not supported"):
        check_status({"type": "StatusList2021Entry"}, document)


# --- OB 2.0 RevocationList --------------------------------------------------------------------


def test_ob2_revocation_list_write_and_read() -> None:
    document = build_ob2_revocation_list(
        list_id="https://example.org/revocations",
        issuer="https://example.org/issuer",
        revoked=[
            "https://example.org/assertions/1",
            RevokedAssertion(id="https://example.org/assertions/2", reason="fraud"),
            RevokedAssertion(uid="abc123"),
        ],
    )
    assert document == {
        "@context": "https://w3id.org/openbadges/v2",
        "id": "https://example.org/revocations",
        "type": "RevocationList",
        "issuer": "https://example.org/issuer",
        "revokedAssertions": [
            "https://example.org/assertions/1",
            {"id": "https://example.org/assertions/2", "revocationReason": "fraud"},
            {"uid": "abc123"},
        ],
    }
    assert read_ob2_revocation_list(document)[1] == RevokedAssertion(
        id="https://example.org/assertions/2", reason="fraud"
    )
    revoked = check_ob2_revocation(document, "https://example.org/assertions/2")
    assert (revoked.state, revoked.reason) == (CredentialState.REVOKED, "fraud")
    assert check_ob2_revocation(document, "https://example.org/x", uid="abc123").state == "revoked"
    assert check_ob2_revocation(document, "https://example.org/x").ok


def test_ob2_single_entry_is_padded_for_badgecheck() -> None:
    document = build_ob2_revocation_list(list_id="l", issuer="i", revoked=["urn:uuid:a"])
    assert len(document["revokedAssertions"]) == 2
    assert build_ob2_revocation_list(list_id="l", issuer="i", revoked=[])["revokedAssertions"] == []
    with pytest.raises(StatusListError):
        build_ob2_revocation_list(list_id="l", issuer="i", revoked=[RevokedAssertion()])


def test_ob2_read_compacted_and_malformed() -> None:
    compacted = {"type": "RevocationList", "revokedAssertions": {"id": "urn:uuid:a"}}
    assert not check_ob2_revocation(compacted, "urn:uuid:a").ok
    single = {"type": "RevocationList", "revokedAssertions": "urn:uuid:a"}
    assert not check_ob2_revocation(single, "urn:uuid:a").ok
    for bad in (
        {"type": "Assertion"},
        {"type": "RevocationList", "revokedAssertions": [{"revocationReason": "x"}]},
        {"type": "RevocationList", "revokedAssertions": [{"id": 1}]},
        {"type": "RevocationList", "revokedAssertions": [3]},
    ):
        with pytest.raises(MalformedStatusListError):
            read_ob2_revocation_list(bad)


def test_error_hierarchy() -> None:
    assert issubclass(StatusListError, ObcoreError)
    assert issubclass(MalformedStatusListError, StatusListError)
    assert issubclass(StatusListFullError, StatusListError)


def test_messages_with_statuses_that_are_not_hex_are_skipped() -> None:
    status_list = BitstringStatusList(status_size=2)
    status_list.set(7, 1)
    credential = build_status_list_credential(
        credential_id=LIST_URL, issuer="x", status_list=status_list, status_purpose="message"
    )
    entry = build_status_entry(status_list_credential=LIST_URL, index=7, status_purpose="message")
    entry["statusSize"] = 2
    entry["statusMessage"] = [
        {"status": "one", "message": "not hex"},
        {"status": 1, "message": "a number, not a string"},
        {"status": "0x1", "message": "under review"},
        "junk",
    ]
    assert check_bitstring_status(entry, credential).reason == "under review"


def test_a_status_size_that_does_not_divide_the_list() -> None:
    with pytest.raises(MalformedStatusListError, match="does not fit statusSize 3"):
        BitstringStatusList.decode(encoded(bytes(16384)), status_size=3)
    with pytest.raises(MalformedStatusListError, match="does not fit statusSize 33"):
        BitstringStatusList.decode(encoded(bytes(16384)), status_size=33)


def test_allocation_falls_back_when_random_draws_keep_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Unlucky draws (or a poor random source) cannot make allocation fail or loop."""
    import secrets

    used = {0, 1, 2}
    draws: list[int] = []

    def unlucky(bound: int) -> int:
        draws.append(bound)
        return 0 if len(draws) <= 64 else bound - 1  # 64 misses, then the last free entry

    monkeypatch.setattr(secrets, "randbelow", unlucky)
    assert allocate_index(used, size=16) == 15
    assert draws[:64] == [16] * 64
    assert draws[64] == 13  # then one draw among the 13 free entries


def test_a_1edtech_check_needs_a_1edtech_entry() -> None:
    with pytest.raises(MalformedStatusListError, match="not 1EdTechRevocationList"):
        check_1edtech_revocation(
            build_status_entry(status_list_credential=LIST_URL, index=1),
            {"id": LIST_URL},
            "urn:uuid:1",
        )
