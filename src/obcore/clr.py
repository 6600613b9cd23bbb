"""Comprehensive Learner Record 2.0 (1EdTech CLR 2.0): a ``ClrCredential`` holding a person's
Open Badges 3.0 credentials exactly as signed, and the associations between their achievements.

``clr_document`` builds the unsigned credential (VC Data Model 2.0 form: the VC v2 context, then
CLR ``context-2.0.1.json``, then OB ``context-3.0.3.json``; ``validFrom``), to be signed with
``obcore.proofs.data_integrity.sign``. ``clr_text`` writes the signed credential as JSON with each
inner credential spliced in as the very text it was stored as (its bytes do not change), which is
the same JSON value the outer proof signed. ``associations`` turns program structures (what a
pathway is made of) into CLR ``Association`` objects; ``read_clr`` and ``verify_outer`` are what
an importer needs: the inner credentials as they appear, and the outer proof's verdict.

An inner credential must be an OB 3.0 credential in VC Data Model 2.0 form (its first context is
the VC v2 one): a VCDM 1.1 credential cannot sit inside a VCDM 2.0 document (both VC contexts
protect the same terms with other definitions), and an OB 2.0 assertion or a VC-JWT is no
``VerifiableCredential`` object; the caller keeps those apart (``embeddable``).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from obcore import _json
from obcore.errors import InputError
from obcore.fetch import Fetcher
from obcore.ob3._fields import format_datetime
from obcore.ob3.credentials import OB_CONTEXT, VC_V2_CONTEXT
from obcore.proofs import data_integrity

__all__ = [
    "CLR_CONTEXT",
    "CLR_TYPES",
    "ClrRefused",
    "Program",
    "associations",
    "check_clr",
    "clr_document",
    "clr_text",
    "embeddable",
    "read_clr",
    "verify_jwt",
    "verify_outer",
]

CLR_CONTEXT = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
CLR_CONTEXTS = frozenset({CLR_CONTEXT, "https://purl.imsglobal.org/spec/clr/v2p0/context.json"})
CLR_TYPES = ["VerifiableCredential", "ClrCredential"]
#: The most inner credentials a record read here may hold.
MAX_CREDENTIALS = 500


class ClrRefused(InputError):
    """The document is not a CLR 2.0 credential this library can read."""


@dataclass(frozen=True)
class Program:
    """A program a person completed or follows (a pathway): its own achievement's id, the ids of
    the achievements it is made of, and whether they come one after another (``ordered``)."""

    achievement_id: str
    parts: tuple[str, ...]
    ordered: bool = False


def embeddable(document: Mapping[str, Any]) -> bool:
    """Whether a credential can be held in a CLR 2.0 as it is: a VCDM 2.0 JSON credential with a
    Data Integrity proof."""
    context = document.get("@context")
    return (
        isinstance(context, list)
        and bool(context)
        and context[0] == VC_V2_CONTEXT
        and "proof" in document
        and isinstance(document.get("type"), list | str)
    )


def _achievement_id(credential: Mapping[str, Any]) -> str | None:
    subject = credential.get("credentialSubject")
    if isinstance(subject, list):
        subject = subject[0] if subject else None
    achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
    found = achievement.get("id") if isinstance(achievement, Mapping) else None
    return found if isinstance(found, str) and found else None


def associations(
    programs: Iterable[Program], credentials: Iterable[Mapping[str, Any]]
) -> list[dict[str, str]]:
    """The CLR associations between achievements the record holds: each part ``isPartOf`` its
    program, and in an ordered program each part ``precedes`` the next one held. Achievements
    the record does not hold are left out (an association names two achievements of the
    record), and each association appears once."""
    held = {achievement for c in credentials if (achievement := _achievement_id(c)) is not None}
    found: list[dict[str, str]] = []
    seen: set[tuple[str, str, str]] = set()

    def add(kind: str, source: str, target: str) -> None:
        if source != target and (kind, source, target) not in seen:
            seen.add((kind, source, target))
            found.append(
                {
                    "type": "Association",
                    "associationType": kind,
                    "sourceId": source,
                    "targetId": target,
                }
            )

    for program in programs:
        parts = [part for part in program.parts if part in held]
        if program.achievement_id in held:
            for part in parts:
                add("isPartOf", part, program.achievement_id)
        if program.ordered:
            for before, after in itertools.pairwise(parts):
                add("precedes", before, after)
    return found


def clr_document(
    *,
    id: str,
    issuer: Mapping[str, Any],
    name: str,
    valid_from: datetime,
    credentials: Sequence[Mapping[str, Any]],
    identifiers: Sequence[Mapping[str, Any]] = (),
    association: Sequence[Mapping[str, Any]] = (),
    description: str | None = None,
    partial: bool = False,
) -> dict[str, Any]:
    """The unsigned ``ClrCredential``. ``issuer`` is the embedded Profile of whoever signs it;
    ``credentials`` the inner credentials as parsed from their stored text (see ``clr_text``);
    ``identifiers`` the subject's ``IdentityObject``s."""
    if not credentials:
        raise ClrRefused("a CLR holds at least one credential")
    subject: dict[str, Any] = {"type": ["ClrSubject"]}
    if identifiers:
        subject["identifier"] = [dict(entry) for entry in identifiers]
    subject["verifiableCredential"] = list(credentials)
    if association:
        subject["association"] = [dict(entry) for entry in association]
    document: dict[str, Any] = {
        "@context": [VC_V2_CONTEXT, CLR_CONTEXT, OB_CONTEXT],
        "id": id,
        "type": list(CLR_TYPES),
        "issuer": dict(issuer),
        "validFrom": format_datetime(valid_from),
        "name": name,
    }
    if description:
        document["description"] = description
    if partial:
        document["partial"] = True
    document["credentialSubject"] = subject
    return document


def clr_text(signed: Mapping[str, Any], stored: Sequence[str]) -> str:
    """The signed record as JSON text, each inner credential written as its stored text
    (``stored[n]`` is the text ``verifiableCredential[n]`` was parsed from)."""
    inner = signed["credentialSubject"]["verifiableCredential"]
    if len(inner) != len(stored):
        raise ValueError("one stored text per inner credential")
    marks = [f"\u0000clr-{number}\u0000" for number in range(len(stored))]
    placed = {
        **signed,
        "credentialSubject": {**signed["credentialSubject"], "verifiableCredential": marks},
    }
    text = json.dumps(placed, ensure_ascii=False, separators=(",", ":"))
    for mark, original in zip(marks, stored, strict=True):
        text = text.replace(json.dumps(mark), original.strip(), 1)
    return text


def read_clr(text: str | bytes) -> dict[str, Any]:
    """The CLR credential in ``text`` (strict JSON, bounded depth), checked for its shape: a
    ``ClrCredential`` whose subject holds 1 to ``MAX_CREDENTIALS`` credentials, each a JSON
    object. Raises :class:`ClrRefused`."""
    try:
        document = _json.loads(text)
    except InputError as exc:
        raise ClrRefused(f"not JSON: {exc}") from exc
    return check_clr(document)


def check_clr(document: Any) -> dict[str, Any]:
    """``document`` if it has the shape ``read_clr`` asks for; raises :class:`ClrRefused`."""
    if not isinstance(document, dict):
        raise ClrRefused("not a JSON object")
    types = document.get("type")
    types = types if isinstance(types, list) else [types]
    if "ClrCredential" not in types:
        raise ClrRefused("not a ClrCredential")
    contexts = document.get("@context")
    if not isinstance(contexts, list) or not CLR_CONTEXTS & {
        c for c in contexts if isinstance(c, str)
    }:
        raise ClrRefused("no CLR 2.0 context")
    subject = document.get("credentialSubject")
    inner = subject.get("verifiableCredential") if isinstance(subject, dict) else None
    if not isinstance(inner, list) or not inner:
        raise ClrRefused("it holds no credential")
    if len(inner) > MAX_CREDENTIALS:
        raise ClrRefused(f"it holds more than {MAX_CREDENTIALS} credentials")
    if not all(isinstance(entry, dict) for entry in inner):
        raise ClrRefused("an inner credential is not a JSON object")
    return document


def verify_jwt(token: str, fetcher: Fetcher | None) -> tuple[dict[str, Any], str]:
    """A record given as a VC-JWT: its signature checked with a key of its issuer (as for any
    VC-JWT credential). Returns the credential and the JSON text of the payload it was signed
    as (the inner credentials are read from that text). Raises ``ObcoreError``."""
    from obcore.jose import _b64decode
    from obcore.verify import Report, State, _resolver
    from obcore.verify_ob2 import vc_jwt

    parts = token.split(".")
    if len(parts) != 3:
        raise ClrRefused("not a compact JWS")
    resolve = _resolver(fetcher)
    credential = vc_jwt(token, Report(State.VALID), resolve, datetime.now(UTC))
    try:
        payload = _b64decode(parts[1], "payload").decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ClrRefused("the payload is not text") from exc
    return credential, payload


def verify_outer(
    document: Mapping[str, Any], fetcher: Fetcher | None
) -> data_integrity.VerificationResult:
    """The verdict on the record's own proof, its key resolved through ``fetcher`` and confirmed
    by the record's issuer (as for any credential)."""
    from obcore.verify import _resolver

    return data_integrity.verify(document, _resolver(fetcher))
