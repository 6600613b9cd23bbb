"""Credential status lists: issue them and check a credential against them.

Why one module of over 400 lines: issuing and checking a status list read the same encoding (bit
order, compression, sizes); both halves must change together.

* W3C Bitstring Status List v1.0 (what OB 3.0 recommends since spec v1.3): the list is a GZIP'd
  bitstring, MSB first (entry 0 = most significant bit of byte 0), at least 131,072 entries so
  one credential hides among many, published as ``u`` + base64url-no-pad (multibase) in a
  ``BitstringStatusListCredential`` that the issuer signs (signing lives in ``obcore.proofs``).
* 1EdTech Revocation List (deprecated by OB v1.3): read only, for credentials issued elsewhere.
* OB 2.0 ``RevocationList`` (SignedBadge revocation): read and write.

The checkers take documents that the caller has already fetched and, for the Bitstring list
credential, whose proof the caller has already verified.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import secrets
import zlib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Final

from obcore.errors import MalformedStatusListError, StatusListError, StatusListFullError
from obcore.messages import Message

#: W3C minimum list length (herd privacy): 131,072 entries = 16 KiB at one bit each.
MIN_ENTRIES: Final = 131_072
#: Ceiling for a decoded (gunzipped) list: a GZIP bomb stops here.
DEFAULT_MAX_DECODED_BYTES: Final = 16 * 1024 * 1024
PURPOSES: Final = frozenset({"revocation", "suspension", "refresh", "message"})
VC_V2_CONTEXT: Final = "https://www.w3.org/ns/credentials/v2"
OB2_CONTEXT: Final = "https://w3id.org/openbadges/v2"
# badgecheck never matches a one-entry revokedAssertions (JSON-LD compaction turns the array into
# an object, which it then iterates by key), so a lone entry gets this inert companion.
OB2_PADDING_ID: Final = "urn:uuid:00000000-0000-4000-8000-000000000000"


class BitstringStatusList:
    """A status bitstring of ``size`` entries of ``status_size`` bits each, MSB-first."""

    __slots__ = ("_bits", "_size", "_status_size")

    def __init__(self, size: int = MIN_ENTRIES, *, status_size: int = 1) -> None:
        if not 1 <= status_size <= 32:
            raise StatusListError(f"status_size must be between 1 and 32, not {status_size}")
        if size < MIN_ENTRIES or size % 8:
            raise StatusListError(f"size must be a multiple of 8 and >= {MIN_ENTRIES}, not {size}")
        self._size = size
        self._status_size = status_size
        self._bits = bytearray(size * status_size // 8)

    @property
    def size(self) -> int:
        """Number of entries (not bits)."""
        return self._size

    @property
    def status_size(self) -> int:
        """Bits per entry (1 for revocation and suspension lists)."""
        return self._status_size

    def __len__(self) -> int:
        return self._size

    def get(self, index: int) -> int:
        """The value of entry ``index`` (0 or 1 for one-bit lists)."""
        first = self._bit_of(index)
        if self._status_size == 1:
            return (self._bits[first >> 3] >> (7 - (first & 7))) & 1
        value = 0
        for bit in range(first, first + self._status_size):
            value = (value << 1) | ((self._bits[bit >> 3] >> (7 - (bit & 7))) & 1)
        return value

    def set(self, index: int, value: int = 1) -> None:
        """Set entry ``index`` to ``value`` (1 = revoked/suspended for one-bit lists)."""
        first = self._bit_of(index)
        if not 0 <= value < (1 << self._status_size):
            raise StatusListError(f"value {value} does not fit in {self._status_size} bit(s)")
        for offset in range(self._status_size):
            bit = first + offset
            mask = 0x80 >> (bit & 7)
            if (value >> (self._status_size - 1 - offset)) & 1:
                self._bits[bit >> 3] |= mask
            else:
                self._bits[bit >> 3] &= ~mask & 0xFF

    def unset(self, index: int) -> None:
        """Set entry ``index`` back to 0 (e.g. lift a suspension)."""
        self.set(index, 0)

    def allocate(self, used: Collection[int]) -> int:
        """A random free index of this list; see :func:`allocate_index`."""
        return allocate_index(used, self._size)

    def to_bytes(self) -> bytes:
        """The raw bitstring."""
        return bytes(self._bits)

    def encode(self) -> str:
        """``encodedList`` value: ``u`` + base64url-no-pad(GZIP(bitstring)).

        ``mtime=0`` and level 6 make it deterministic, and give the W3C example value for the
        all-zero 131,072-entry list (``uH4sIAAAAAAAAA-3BMQEAAADCoPV…``, see the tests).
        """
        packed = gzip.compress(bytes(self._bits), compresslevel=6, mtime=0)
        return "u" + base64.urlsafe_b64encode(packed).rstrip(b"=").decode("ascii")

    @classmethod
    def decode(
        cls,
        encoded: str,
        *,
        status_size: int = 1,
        min_entries: int = MIN_ENTRIES,
        max_decoded_bytes: int = DEFAULT_MAX_DECODED_BYTES,
    ) -> BitstringStatusList:
        """Parse an ``encodedList``; :class:`MalformedStatusListError` if it is not a valid one.

        Also accepts the prefix-less base64url of the older StatusList2021 lists.
        """
        if not isinstance(encoded, str) or not encoded.isascii():
            raise MalformedStatusListError("encodedList must be an ASCII string")
        text = (encoded[1:] if encoded.startswith("u") else encoded).rstrip("=")
        if not text:
            raise MalformedStatusListError("encodedList is empty")
        try:
            raw = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
        except (binascii.Error, ValueError):
            raise MalformedStatusListError("encodedList is not base64url") from None
        bits = _gunzip(raw, max_decoded_bytes)
        if not 1 <= status_size <= 32 or (len(bits) * 8) % status_size:
            raise MalformedStatusListError(f"list length does not fit statusSize {status_size}")
        size = len(bits) * 8 // status_size
        if size < min_entries:
            raise MalformedStatusListError(
                f"list has {size} entries, under the {min_entries} minimum"
            )
        obj = cls.__new__(cls)
        obj._size, obj._status_size, obj._bits = size, status_size, bytearray(bits)
        return obj

    def _bit_of(self, index: int) -> int:
        if not isinstance(index, int) or not 0 <= index < self._size:
            raise StatusListError(f"index {index!r} is outside the list (0..{self._size - 1})")
        return index * self._status_size


def _gunzip(raw: bytes, limit: int) -> bytes:
    """GZIP-decompress (all members) to at most ``limit`` bytes."""
    out = bytearray()
    while True:
        inflater = zlib.decompressobj(wbits=31)  # 31: GZIP container only
        try:
            out += inflater.decompress(raw, limit + 1 - len(out))
        except zlib.error as exc:
            raise MalformedStatusListError(f"encodedList is not valid GZIP: {exc}") from None
        if len(out) > limit or inflater.unconsumed_tail:
            raise MalformedStatusListError(f"encodedList inflates beyond {limit} bytes (refused)")
        if not inflater.eof:
            raise MalformedStatusListError("encodedList GZIP stream is truncated")
        raw = inflater.unused_data
        if not raw:
            return bytes(out)


def allocate_index(used: Collection[int], size: int = MIN_ENTRIES) -> int:
    """A random index in ``[0, size)`` not in ``used``; :class:`StatusListFullError` if none.

    Random rather than sequential, as the W3C spec advises, so that an index says nothing
    about when or to whom a credential was issued.
    """
    if len(used) < size // 2:
        # At most half full: each draw succeeds with p >= 1/2, 64 misses in a row ~ 2**-64.
        for _ in range(64):
            candidate = secrets.randbelow(size)
            if candidate not in used:
                return candidate
    free = [i for i in range(size) if i not in used]
    if not free:
        raise StatusListFullError(f"all {size} status list entries are taken")
    return free[secrets.randbelow(len(free))]


def _timestamp(value: datetime) -> str:
    if value.tzinfo is None:
        raise StatusListError("datetimes must be timezone-aware")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _check_purpose(purpose: str) -> None:
    if purpose not in PURPOSES:
        raise StatusListError(f"statusPurpose must be one of {sorted(PURPOSES)}, not {purpose!r}")


def build_status_list_credential(
    *,
    credential_id: str,
    issuer: str,
    status_list: BitstringStatusList,
    status_purpose: str = "revocation",
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    ttl_ms: int | None = None,
) -> dict[str, Any]:
    """The unsigned ``BitstringStatusListCredential`` published at ``credential_id``.

    Only VC v2 context terms are used, so JSON-LD safe mode accepts it; ``issuer`` is the issuer
    id (the one whose key will sign it).
    """
    _check_purpose(status_purpose)
    subject: dict[str, Any] = {
        "id": f"{credential_id}#list",
        "type": "BitstringStatusList",
        "statusPurpose": status_purpose,
        "encodedList": status_list.encode(),
    }
    if ttl_ms is not None:
        subject["ttl"] = ttl_ms
    credential: dict[str, Any] = {
        "@context": [VC_V2_CONTEXT],
        "id": credential_id,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": _timestamp(valid_from or datetime.now(UTC)),
    }
    if valid_until is not None:
        credential["validUntil"] = _timestamp(valid_until)
    credential["credentialSubject"] = subject
    return credential


def build_status_entry(
    *, status_list_credential: str, index: int, status_purpose: str = "revocation"
) -> dict[str, Any]:
    """The ``credentialStatus`` entry pointing a credential at entry ``index`` of a list."""
    _check_purpose(status_purpose)
    if not isinstance(index, int) or index < 0:
        raise StatusListError(f"statusListIndex must be a non-negative integer, not {index!r}")
    return {
        "id": f"{status_list_credential}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": status_purpose,
        "statusListIndex": str(index),  # a string, as the spec says
        "statusListCredential": status_list_credential,
    }


class CredentialState(StrEnum):
    """Outcome of a status check."""

    OK = "ok"
    REVOKED = "revoked"
    SUSPENDED = "suspended"


@dataclass(frozen=True, slots=True)
class StatusResult:
    """What a status list says about one credential.

    ``value`` is the raw entry (Bitstring lists); ``reason`` a revocationReason or statusMessage.
    """

    state: CredentialState
    method: str
    purpose: str | None = None
    value: int = 0
    reason: str | None = None

    @property
    def ok(self) -> bool:
        """True unless revoked or suspended."""
        return self.state is CredentialState.OK


def _types(doc: Mapping[str, Any]) -> list[Any]:
    value = doc.get("type")
    return value if isinstance(value, list) else [value]


def _mapping(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise MalformedStatusListError(f"{what} must be a JSON object")
    return value


def _date(value: Any, what: str) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise MalformedStatusListError(f"status list credential {what} is not a dated timestamp")
    return parsed


def check_bitstring_status(
    entry: Mapping[str, Any],
    list_credential: Mapping[str, Any],
    *,
    now: datetime | None = None,
    min_entries: int = MIN_ENTRIES,
    max_decoded_bytes: int = DEFAULT_MAX_DECODED_BYTES,
    require_matching_id: bool = True,
) -> StatusResult:
    """Check a ``BitstringStatusListEntry`` against its (fetched, proof-verified) list credential.

    Follows the W3C validation algorithm: purposes must match, the list must decode and hold at
    least ``min_entries`` entries, the index must be inside it, the list must be in its validity
    period. Raises :class:`StatusListError` (or its subclass for malformed data) otherwise.
    The list's ``id`` must be the entry's ``statusListCredential`` unless
    ``require_matching_id`` is false (the caller has checked who signed the list it read there).
    """
    entry = _mapping(entry, "credentialStatus entry")
    credential = _mapping(list_credential, "status list credential")
    if "BitstringStatusListEntry" not in _types(entry):
        raise MalformedStatusListError("credentialStatus type is not BitstringStatusListEntry")
    purpose, raw_index = entry.get("statusPurpose"), entry.get("statusListIndex")
    if not isinstance(purpose, str):
        raise MalformedStatusListError("credentialStatus has no statusPurpose")
    if isinstance(raw_index, str) and raw_index.isascii() and raw_index.isdigit():
        index = int(raw_index)
    elif isinstance(raw_index, int) and not isinstance(raw_index, bool) and raw_index >= 0:
        index = raw_index  # not what the spec says (a string), but unambiguous
    else:
        raise MalformedStatusListError(f"statusListIndex {raw_index!r} is not a decimal string")
    size = entry.get("statusSize", 1)
    if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= 32:
        raise MalformedStatusListError(f"statusSize {size!r} is not a small positive integer")
    if "BitstringStatusListCredential" not in _types(credential):
        raise MalformedStatusListError("document is not a BitstringStatusListCredential")
    url = entry.get("statusListCredential")
    if require_matching_id and credential.get("id") is not None and credential.get("id") != url:
        raise StatusListError(f"status list credential id {credential.get('id')!r} is not {url!r}")
    moment = now or datetime.now(UTC)
    start = _date(credential.get("validFrom", credential.get("issuanceDate")), "validFrom")
    until = _date(credential.get("validUntil", credential.get("expirationDate")), "validUntil")
    if (start and moment < start) or (until and moment > until):
        raise StatusListError(Message("status.list_expired", url=url))
    subject = _mapping(credential.get("credentialSubject"), "status list credentialSubject")
    list_purpose = subject.get("statusPurpose")
    purposes = list_purpose if isinstance(list_purpose, list) else [list_purpose]
    if purpose not in purposes:
        raise StatusListError(Message("status.list_purpose", url=url, purpose=purpose))
    bits = BitstringStatusList.decode(
        subject.get("encodedList"),  # type: ignore[arg-type]  # decode checks the type
        status_size=size,
        min_entries=min_entries,
        max_decoded_bytes=max_decoded_bytes,
    )
    if index >= bits.size:
        raise StatusListError(f"statusListIndex {index} is beyond the list ({bits.size} entries)")
    value = bits.get(index)
    reason = None
    messages = entry.get("statusMessage")
    for message in messages if isinstance(messages, list) else []:
        if isinstance(message, Mapping) and _hex_value(message.get("status")) == value:
            text = message.get("message")
            reason = text if isinstance(text, str) else None
    state = CredentialState.OK
    if value and purpose == "revocation":
        state = CredentialState.REVOKED
    elif value and purpose == "suspension":
        state = CredentialState.SUSPENDED
    return StatusResult(state, "BitstringStatusListEntry", purpose, value, reason)


def _hex_value(status: Any) -> int | None:
    try:
        return int(status, 16) if isinstance(status, str) else None
    except ValueError:
        return None


def check_1edtech_revocation(
    entry: Mapping[str, Any],
    revocation_list: Mapping[str, Any],
    credential_id: str,
    *,
    require_matching_id: bool = True,
) -> StatusResult:
    """Check a credential against a (fetched) 1EdTech Revocation List.

    Revoked when ``revokedCredential`` lists ``credential_id`` with ``revoked`` true or absent
    (as the 1EdTech validator's RevocationListProbe does).
    """
    entry = _mapping(entry, "credentialStatus entry")
    document = _mapping(revocation_list, "1EdTech revocation list")
    if "1EdTechRevocationList" not in _types(entry):
        raise MalformedStatusListError("credentialStatus type is not 1EdTechRevocationList")
    listed = document.get("id")
    if require_matching_id and listed is not None and listed != entry.get("id"):
        raise StatusListError(
            f"revocation list id {document.get('id')!r} is not {entry.get('id')!r}"
        )
    listed = document.get("revokedCredential", [])
    if not isinstance(listed, list):
        raise MalformedStatusListError("revokedCredential must be an array")
    for item in listed:
        item = _mapping(item, "revokedCredential item")
        if item.get("id") == credential_id and item.get("revoked", True) is not False:
            reason = item.get("revocationReason")
            return StatusResult(
                CredentialState.REVOKED,
                "1EdTechRevocationList",
                "revocation",
                1,
                reason if isinstance(reason, str) else None,
            )
    return StatusResult(CredentialState.OK, "1EdTechRevocationList", "revocation")


@dataclass(frozen=True, slots=True)
class RevokedAssertion:
    """One OB 2.0 ``revokedAssertions`` item: an Assertion ``id`` or legacy ``uid``."""

    id: str | None = None
    uid: str | None = None
    reason: str | None = None

    def to_json(self) -> str | dict[str, str]:
        """A bare id string when there is nothing else to say, else an object."""
        if self.id is not None and self.uid is None and self.reason is None:
            return self.id
        item = {"id": self.id, "uid": self.uid, "revocationReason": self.reason}
        return {key: value for key, value in item.items() if value is not None}


def build_ob2_revocation_list(
    *, list_id: str, issuer: str, revoked: Iterable[str | RevokedAssertion]
) -> dict[str, Any]:
    """An OB 2.0 ``RevocationList`` document (published at ``list_id``, linked from the Profile).

    A single revoked entry is padded with an inert ``urn:uuid`` so badgecheck detects it.
    """
    items = [RevokedAssertion(id=r) if isinstance(r, str) else r for r in revoked]
    if any(item.id is None and item.uid is None for item in items):
        raise StatusListError("a revoked assertion needs an id or a uid")
    entries = [item.to_json() for item in items]
    if len(entries) == 1:
        entries.append(OB2_PADDING_ID)
    return {
        "@context": OB2_CONTEXT,
        "id": list_id,
        "type": "RevocationList",
        "issuer": issuer,
        "revokedAssertions": entries,
    }


def read_ob2_revocation_list(document: Mapping[str, Any]) -> list[RevokedAssertion]:
    """The entries of an OB 2.0 RevocationList: id strings or ``id``/``uid`` objects."""
    document = _mapping(document, "OB 2.0 revocation list")
    if "RevocationList" not in _types(document):
        raise MalformedStatusListError("document type is not RevocationList")
    listed = document.get("revokedAssertions", [])
    if not isinstance(listed, list):  # JSON-LD compaction turns a one-item array into the item
        listed = [listed]
    result = []
    for item in listed:
        if isinstance(item, str):
            result.append(RevokedAssertion(id=item))
            continue
        item = _mapping(item, "revokedAssertions item")
        fields = [item.get(key) for key in ("id", "uid", "revocationReason")]
        if any(value is not None and not isinstance(value, str) for value in fields):
            raise MalformedStatusListError("revokedAssertions item fields must be strings")
        if fields[0] is None and fields[1] is None:
            raise MalformedStatusListError("revokedAssertions item has neither id nor uid")
        result.append(RevokedAssertion(*fields))
    return result


def check_ob2_revocation(
    revocation_list: Mapping[str, Any], assertion_id: str, *, uid: str | None = None
) -> StatusResult:
    """Check an OB 2.0 Assertion (by ``id``, or legacy ``uid``) against a RevocationList."""
    for item in read_ob2_revocation_list(revocation_list):
        if item.id == assertion_id or (uid is not None and item.uid == uid):
            return StatusResult(
                CredentialState.REVOKED, "RevocationList", "revocation", 1, item.reason
            )
    return StatusResult(CredentialState.OK, "RevocationList", "revocation")


def check_status(
    entry: Mapping[str, Any],
    document: Mapping[str, Any],
    *,
    credential_id: str | None = None,
    now: datetime | None = None,
    require_matching_id: bool = True,
) -> StatusResult:
    """Check one OB 3.0 ``credentialStatus`` entry, dispatching on its ``type``."""
    types = _types(_mapping(entry, "credentialStatus entry"))
    if "BitstringStatusListEntry" in types:
        return check_bitstring_status(
            entry, document, now=now, require_matching_id=require_matching_id
        )
    if "1EdTechRevocationList" in types:
        if credential_id is None:
            raise StatusListError("a 1EdTechRevocationList check needs the credential id")
        return check_1edtech_revocation(
            entry, document, credential_id, require_matching_id=require_matching_id
        )
    raise StatusListError(Message("status.unsupported", type=repr(entry.get("type"))))
