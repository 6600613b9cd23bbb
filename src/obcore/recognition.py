"""Lists of recognised issuers: W3C Recognized Entities credentials, and the DCC's JSON registry.

A network of issuers publishes the issuers it recognises as a ``RecognizedEntityCredential``
(W3C *Recognized Entities v1.0*, Working Draft 2026): a Verifiable Credential signed by the
network, whose ``credentialSubject`` is one ``RecognizedEntity`` per issuer, each recognised
``to`` one ``RecognizedAction`` (``action`` ``issue``). The specification publishes no JSON-LD
context of its own yet; like its examples, the credential uses the VC 2.0 context and the VC
*examples* context (``@vocab`` ``https://www.w3.org/ns/credentials/examples#``), which gives
every term of the specification an IRI, so the credential canonicalises in safe mode and
verifies with any Data Integrity stack. The same list is also written in the Digital
Credentials Consortium's plain JSON registry format (``{"meta": …, "registry": {id: entry}}``)
for wallets that read only that.

A verifier reads a list with :func:`check_list`: the proof must verify, the list must be
signed by one of the list issuers the verifier accepts, and be within its validity period.
Otherwise the list is *not checkable*, which says nothing about the badges it would cover.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from obcore.errors import ObcoreError
from obcore.fetch import Fetcher, FetchError
from obcore.ob3._fields import format_datetime
from obcore.proofs import data_integrity

__all__ = [
    "EXAMPLES_CONTEXT",
    "VC_V2_CONTEXT",
    "CheckedList",
    "Entity",
    "Recognition",
    "TrustList",
    "check_list",
    "dcc_registry",
    "issuer_ids",
    "parse_trust_lists",
    "read_list",
    "recognized_entity_credential",
]

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
EXAMPLES_CONTEXT = "https://www.w3.org/ns/credentials/examples/v2"
CREDENTIAL_TYPE = "RecognizedEntityCredential"
JSON_TYPES = ("application/ld+json", "application/json", "application/vc+ld+json")


@dataclass(frozen=True)
class Entity:
    """One recognised issuer: its identifier (what its credentials name as ``issuer.id``),
    its name and web site, and other identifiers of the same issuer (its ``did:web``)."""

    id: str
    name: str
    url: str | None = None
    same_as: tuple[str, ...] = ()
    description: str | None = None
    # Where it is, in words ("Lille, Hauts-de-France, France"): the DCC registry's ``location``.
    location: str | None = None


def recognized_entity_credential(
    *,
    id: str,
    issuer: Mapping[str, Any],
    entities: Sequence[Entity],
    valid_from: datetime,
    valid_until: datetime,
    name: str | None = None,
    action: str = "issue",
) -> dict[str, Any]:
    """The unsigned list: sign it with ``obcore.proofs.data_integrity.sign``."""
    recognised_by = str(issuer["id"])
    subjects = []
    for entity in entities:
        subject: dict[str, Any] = {"id": entity.id, "type": "RecognizedEntity", "name": entity.name}
        if entity.url:
            subject["url"] = entity.url
        if entity.description:
            subject["description"] = entity.description
        if entity.same_as:
            subject["sameAs"] = list(entity.same_as)
        subject["recognizedTo"] = {
            "type": "RecognizedAction",
            "action": action,
            "recognizedBy": recognised_by,
        }
        subjects.append(subject)
    document: dict[str, Any] = {
        "@context": [VC_V2_CONTEXT, EXAMPLES_CONTEXT],
        "id": id,
        "type": ["VerifiableCredential", CREDENTIAL_TYPE],
    }
    if name:
        document["name"] = name
    document["issuer"] = {**issuer, "type": "RecognizedIssuer"}
    document["validFrom"] = format_datetime(valid_from)
    document["validUntil"] = format_datetime(valid_until)
    # VC 2.0 wants at least one subject: a list without members names the network itself,
    # recognised to do nothing (no ``recognizedTo``), which readers skip.
    document["credentialSubject"] = subjects or [{"id": recognised_by, "type": "RecognizedEntity"}]
    return document


def dcc_registry(
    entities: Sequence[Entity], *, created: datetime, updated: datetime
) -> dict[str, Any]:
    """The same issuers in the DCC's JSON registry format, keyed by each identifier."""
    registry: dict[str, Any] = {}
    for entity in entities:
        entry: dict[str, Any] = {"name": entity.name}
        if entity.location:
            entry["location"] = entity.location
        if entity.url:
            entry["url"] = entity.url
        for identifier in (entity.id, *entity.same_as):
            registry[identifier] = entry
    return {
        "meta": {"created": format_datetime(created), "updated": format_datetime(updated)},
        "registry": registry,
    }


# Reading lists ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrustList:
    """A list a verifier reads: its name, its address and the issuers it accepts lists from
    (the DCC verifier's ``vc-recognition`` registries: ``name``, ``url``,
    ``acceptedIssuers``)."""

    name: str
    url: str
    issuers: tuple[str, ...]


# The registry types of the DCC verifier (``@digitalcredentials/verifier-core``): only
# ``vc-recognition`` is a signed list; the others are read by DCC's own tools.
TRUST_LIST_TYPE = "vc-recognition"
OTHER_REGISTRY_TYPES = ("dcc-legacy", "oidf")


def parse_trust_lists(text: str) -> list[TrustList]:
    """``TRUST_LISTS``: a JSON array of objects (``""`` is no list), each either a DCC verifier
    registry entry as DCC writes it (``{"name", "type": "vc-recognition", "url",
    "acceptedIssuers": [...]}``, pasted as is) or the short form ``{"name", "url",
    "issuers"}``. Raises ``ValueError`` with a sentence saying what is wrong."""
    if not text.strip():
        return []
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"TRUST_LISTS is not JSON: {exc}") from None
    if not isinstance(data, list):
        raise ValueError("TRUST_LISTS must be a JSON array of objects")
    lists = []
    for number, item in enumerate(data, 1):
        if not isinstance(item, dict):
            raise ValueError(f"TRUST_LISTS item {number} is not an object")
        kind = item.get("type", TRUST_LIST_TYPE)
        if kind in OTHER_REGISTRY_TYPES:
            raise ValueError(
                f"TRUST_LISTS item {number} is a {kind!r} registry: only signed lists "
                f"({TRUST_LIST_TYPE!r}) are read here"
            )
        if kind != TRUST_LIST_TYPE:
            raise ValueError(
                f"TRUST_LISTS item {number} has type {kind!r}; expected {TRUST_LIST_TYPE!r}"
            )
        name, url = item.get("name"), item.get("url")
        if "issuers" in item and "acceptedIssuers" in item:
            raise ValueError(
                f"TRUST_LISTS item {number} gives both issuers and acceptedIssuers: keep one"
            )
        issuers = item.get("acceptedIssuers", item.get("issuers"))
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"TRUST_LISTS item {number} needs a name")
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            raise ValueError(f"TRUST_LISTS item {number} needs an http(s) url")
        if isinstance(issuers, str):
            issuers = [issuers]
        if (
            not isinstance(issuers, list)
            or not issuers
            or not all(isinstance(value, str) and value for value in issuers)
        ):
            raise ValueError(
                f"TRUST_LISTS item {number} needs the issuers it accepts lists from "
                "(acceptedIssuers)"
            )
        lists.append(TrustList(name.strip(), url, tuple(issuers)))
    return lists


class Recognition(StrEnum):
    RECOGNISED = "recognised"
    NOT_LISTED = "not_listed"
    NOT_CHECKABLE = "not_checkable"


@dataclass
class CheckedList:
    """A list as a verifier read it. ``checkable`` False: ``reason`` says why (in English, for
    logs); ``entities`` maps every identifier of every recognised issuer to its name."""

    checkable: bool
    reason: str = ""
    issuer: str | None = None
    issuer_name: str | None = None
    valid_until: datetime | None = None
    entities: dict[str, str] = field(default_factory=dict)

    def recognition(self, ids: Iterable[str]) -> Recognition:
        if not self.checkable:
            return Recognition.NOT_CHECKABLE
        if any(identifier in self.entities for identifier in ids):
            return Recognition.RECOGNISED
        return Recognition.NOT_LISTED


def _date(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _recognised_to_issue(subject: Mapping[str, Any], now: datetime) -> bool:
    for action in _list(subject.get("recognizedTo")):
        if not isinstance(action, dict) or action.get("action") != "issue":
            continue
        start, end = _date(action.get("validFrom")), _date(action.get("validUntil"))
        if (start is None or start <= now) and (end is None or now <= end):
            return True
    return False


def issuer_ids(credential: Mapping[str, Any]) -> list[str]:
    """The identifiers a credential's issuer goes by (OB 3.0 ``issuer``, OB 2.0 ``badge``'s
    issuer when it is embedded)."""
    issuer = credential.get("issuer")
    if isinstance(issuer, str):
        return [issuer]
    if isinstance(issuer, dict) and isinstance(issuer.get("id"), str):
        return [issuer["id"]]
    badge = credential.get("badge")
    if isinstance(badge, dict):
        return issuer_ids(badge)
    return []


def _achievement_id(credential: Mapping[str, Any]) -> str | None:
    subject = credential.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    found = achievement.get("id") if isinstance(achievement, dict) else None
    return found if isinstance(found, str) else None


def badge_endorsers(credential: Mapping[str, Any], endorsements: Iterable[Any]) -> set[str]:
    """Who endorsed the badge itself (the credential's Achievement), among ``endorsements``
    (the embedded endorsements that verified): a list whose issuer is one of them says
    "badge recognised by" it. The verify page, the award page and ``blason verify`` all ask
    this one function."""
    badge = _achievement_id(credential)
    found: set[str] = set()
    for endorsement in endorsements:
        subject = endorsement.get("credentialSubject") if isinstance(endorsement, dict) else None
        if badge and isinstance(subject, dict) and subject.get("id") == badge:
            found.update(issuer_ids(endorsement))
    return found


def read_list(trust_list: TrustList, fetcher: Fetcher, now: datetime | None = None) -> CheckedList:
    """Fetch ``trust_list`` and check it (``check_list``); a list that cannot be fetched or is
    not JSON cannot be checked, and the answer says why."""
    try:
        document = json.loads(fetcher(trust_list.url, accept=JSON_TYPES).body)
    except ObcoreError as exc:  # a fetch refused or failed (FetchError), or a fetcher's own
        return CheckedList(False, f"the list could not be fetched: {exc}")
    except ValueError:
        return CheckedList(False, "the list is not JSON")
    return check_list(document, accepted_issuers=trust_list.issuers, fetcher=fetcher, now=now)


def check_list(
    document: Any,
    *,
    accepted_issuers: Iterable[str],
    fetcher: Fetcher | None,
    now: datetime | None = None,
) -> CheckedList:
    """Read a list: a signed ``RecognizedEntityCredential`` by an accepted issuer, valid now."""
    from obcore.verify import document_resolver

    now = now or datetime.now(UTC)
    if not isinstance(document, dict):
        return CheckedList(False, "the list is not a JSON object")
    types = _list(document.get("type"))
    if CREDENTIAL_TYPE not in types:
        return CheckedList(False, f"the list is not a {CREDENTIAL_TYPE}")
    issuer = issuer_ids(document)
    if not issuer or issuer[0] not in set(accepted_issuers):
        return CheckedList(False, f"the list's issuer {issuer} is not accepted here")
    start, end = _date(document.get("validFrom")), _date(document.get("validUntil"))
    if start is None or start > now:
        return CheckedList(False, "the list is not valid yet")
    if end is None or end < now:
        return CheckedList(False, "the list has expired")
    try:
        result = data_integrity.verify(document, document_resolver(fetcher))
    except (FetchError, ValueError) as exc:
        return CheckedList(False, f"the list's proof could not be checked: {exc}")
    if not result.verified:
        problems = "; ".join(str(problem) for problem in result.problems)
        return CheckedList(False, f"the list's proof does not verify: {problems}")
    entities: dict[str, str] = {}
    for subject in _list(document.get("credentialSubject")):
        if not isinstance(subject, dict) or not _recognised_to_issue(subject, now):
            continue
        name = subject["name"] if isinstance(subject.get("name"), str) else ""
        for identifier in [subject.get("id"), *_list(subject.get("sameAs"))]:
            if isinstance(identifier, str):
                entities[identifier] = name
    raw_issuer = document.get("issuer")
    issuer_name: Any = raw_issuer.get("name") if isinstance(raw_issuer, dict) else None
    return CheckedList(
        True,
        issuer=issuer[0],
        issuer_name=issuer_name if isinstance(issuer_name, str) else None,
        valid_until=end,
        entities=entities,
    )
