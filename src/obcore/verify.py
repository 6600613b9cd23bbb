"""The verification pipeline: any input in, one structured report out.

Why one module of over 400 lines: it is the pipeline itself: each step records a check that the
next one reads, and the order of the steps is the order of the file; the steps' own work is in
the modules they call.

Input: a baked PNG or SVG, JSON (text, bytes or a parsed dict), a compact JWS, or an http(s) URL.
Steps, each recorded as a ``Check``: read → detect the version → parse → proof → key provenance →
status → dates → recipient → embedded endorsements. The overall ``state`` is one of ``valid``,
``expired``, ``revoked``, ``suspended``, ``not_yet_valid``, ``invalid`` (altered, forged, wrong
recipient), ``malformed`` (unreadable input) or ``unverifiable`` (a needed document could not be
fetched, or a proof format obcore cannot check yet).

Every check says what it found with a stable code and data (``obcore.messages``): products
translate the codes, the command line prints their English.

Network access goes only through the ``fetcher`` given (see ``obcore.fetch``); without one,
only self-contained credentials (``did:key`` issuers) can be checked.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, cast

from obcore import _json, baking, proofmemo, status
from obcore.errors import BakingError, InputError, KeyUnavailableError, ObcoreError
from obcore.fetch import Fetcher, FetchError
from obcore.messages import Message, of_error
from obcore.proofmemo import ProofMemo
from obcore.proofs import data_integrity
from obcore.report import Check, Outcome, Report, State, _fail, _Stop

__all__ = ["Check", "Message", "Outcome", "Report", "State", "verify_credential"]

JSON_TYPES = ("application/json", "application/ld+json", "*+json", "text/plain")
#: Largest JSON or JWS text read (a baked image has its own limit, ``baking.DEFAULT_MAX_BYTES``).
MAX_INPUT_BYTES = 10 * 1024 * 1024


def _malformed(report: Report, exc: InputError) -> _Stop:
    return _fail(report, State.MALFORMED, "read", "read.unreadable", [of_error(exc)])


def _too_large(report: Report) -> _Stop:
    return _fail(report, State.MALFORMED, "read", "read.too_large", limit=MAX_INPUT_BYTES)


def _read(source: Any, report: Report, fetcher: Fetcher | None) -> Any:
    """Turn the input into a JSON object or a compact JWS string."""
    if isinstance(source, Mapping):
        report.input_format = "json"
        try:
            _json.check_document(source)
        except InputError as exc:
            raise _malformed(report, exc) from None
        return dict(source)
    if isinstance(source, bytes | bytearray | memoryview | str) and len(source) > MAX_INPUT_BYTES:
        raise _too_large(report)
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        if data.startswith(baking.PNG_SIGNATURE) or data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<":
            try:
                extracted = baking.extract(data)
            except BakingError as exc:
                raise _fail(
                    report, State.MALFORMED, "read", "read.image_without_badge", [of_error(exc)]
                ) from None
            report.input_format = extracted.image_format
            text = extracted.payload
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                raise _fail(report, State.MALFORMED, "read", "read.unknown_file") from None
    else:
        text = str(source)
    text = text.strip()
    if text.startswith(("https://", "http://")) and " " not in text:
        if fetcher is None:
            raise _fail(report, State.UNVERIFIABLE, "read", "read.offline")
        report.input_format = report.input_format or "url"
        try:
            fetched = fetcher(text, accept=JSON_TYPES)
        except FetchError as exc:
            if exc.reason == "gone":
                raise _fail(report, State.REVOKED, "read", "read.gone", url=text) from None
            raise _fail(
                report, State.UNVERIFIABLE, "read", "read.fetch_failed", [of_error(exc)], url=text
            ) from None
        if len(fetched.body) > MAX_INPUT_BYTES:
            raise _too_large(report)
        text = fetched.body.decode("utf-8", "replace").strip()
    report.input_format = report.input_format or "json"
    if text.startswith("{"):
        try:
            parsed = _json.loads(text)
        except InputError as exc:
            raise _malformed(report, exc) from None
        return cast(dict[str, Any], parsed)  # JSON text that starts with "{" is an object
    if text.count(".") == 2 and " " not in text:
        report.input_format = (
            "jws" if report.input_format in ("json", "url") else report.input_format
        )
        return text
    raise _fail(report, State.MALFORMED, "read", "read.not_a_badge")


def _contexts(document: Mapping[str, Any]) -> list[str]:
    context = document.get("@context")
    items = context if isinstance(context, list) else [context]
    return [item for item in items if isinstance(item, str)]


def _version(document: Mapping[str, Any]) -> str | None:
    contexts = _contexts(document)
    if any("purl.imsglobal.org/spec/ob/v3p0" in c for c in contexts):
        return "3.0"
    if any("w3id.org/openbadges/v2" in c or "openbadgespec.org/v2" in c for c in contexts):
        return "2.0"
    types = document.get("type")
    types = types if isinstance(types, list) else [types]
    if "VerifiableCredential" in types:
        return "3.0"
    return None


def _date(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def _body(fetcher: Fetcher | None, url: str) -> bytes:
    """The bytes published at ``url`` (a ``did:web`` read at its HTTPS address)."""
    if fetcher is None:
        raise FetchError(url, "offline", "documents cannot be fetched here")
    if url.startswith("did:web:"):
        from obcore.keys import did_web_to_url

        url = did_web_to_url(url)
    return fetcher(url, accept=JSON_TYPES).body


def _parsed(url: str, body: bytes) -> dict[str, Any]:
    try:
        document = _json.loads(body)
    except InputError as exc:
        raise FetchError(url, "not_json", f"the document is refused: {exc}") from exc
    if not isinstance(document, dict):
        raise FetchError(url, "not_json", "the document is not a JSON object")
    return document


def _resolver(
    fetcher: Fetcher | None, read: dict[str, str] | None = None
) -> data_integrity.Resolver:
    """Documents through ``fetcher``; with ``read``, the digest of each one read noted there
    (``proofmemo.FAILED`` for one that could not be read)."""

    def resolve(url: str) -> Mapping[str, Any]:
        if url.startswith("did:key:"):
            return data_integrity.default_resolver(url)
        try:
            body = _body(fetcher, url)
        except (ObcoreError, LookupError):
            if read is not None:
                read[url] = proofmemo.FAILED
            raise
        if read is not None:
            read[url] = proofmemo.digest(body)
        return _parsed(url, body)

    return resolve


def _proof_result(
    document: Mapping[str, Any],
    fetcher: Fetcher | None,
    proofs: ProofMemo | None,
    key: str | None = None,
) -> data_integrity.VerificationResult:
    """``data_integrity.verify`` of ``document`` with keys through ``fetcher``, kept in
    ``proofs`` (``obcore.proofmemo``) under ``key`` (by default the document's digest)."""
    if proofs is None or proofmemo.expiring(document):
        return data_integrity.verify(document, _resolver(fetcher))
    if key is None:
        try:
            key = proofmemo.document_key(document)
        except (TypeError, ValueError):  # not JSON: checked, never kept
            return data_integrity.verify(document, _resolver(fetcher))
    found = proofs.get(key, lambda url: _body(fetcher, url))
    if found is not None:
        return found
    read: dict[str, str] = {}
    result = data_integrity.verify(document, _resolver(fetcher, read))
    proofs.put(key, read, result)
    return result


def document_resolver(fetcher: Fetcher | None) -> data_integrity.Resolver:
    """Keys and controller documents for ``data_integrity.verify``, through ``fetcher``
    (``did:key`` decoded, ``did:web`` read at its HTTPS address)."""
    return _resolver(fetcher)


def _check_proof(
    document: dict[str, Any], report: Report, fetcher: Fetcher | None, proofs: ProofMemo | None
) -> None:
    result = _proof_result(document, fetcher, proofs)
    count = len(result.proofs)
    for number, proof in enumerate(result.proofs, 1):  # several proofs: each one reported
        if proof.verified:
            report.add(
                "proof",
                Outcome.PASSED,
                "proof.one_valid",
                number=number,
                count=count,
                cryptosuite=proof.cryptosuite,
                controller=proof.controller,
            )
        else:
            report.add(
                "proof",
                Outcome.FAILED,
                "proof.one_invalid",
                proof.problems,
                number=number,
                count=count,
            )
    if result.verified:
        report.add(
            "proof",
            Outcome.PASSED,
            "proof.valid",
            cryptosuite=result.cryptosuite,
            controller=result.controller,
        )
        return
    if result.unverifiable:
        raise _fail(report, State.UNVERIFIABLE, "proof", "proof.unverifiable", result.problems)
    raise _fail(report, State.INVALID, "proof", "proof.invalid", result.problems)


def _status_entries(document: Mapping[str, Any]) -> list[Any]:
    entries = document.get("credentialStatus")
    return entries if isinstance(entries, list) else [entries]


def _list_address(entry: Any) -> str | None:
    """Where the list of a status entry is published (Bitstring: ``statusListCredential``;
    1EdTech revocation list: the entry's ``id``)."""
    if not isinstance(entry, Mapping):
        return None
    kind = entry.get("type")
    types = kind if isinstance(kind, list) else [kind]
    url = (
        entry.get("statusListCredential")
        if "BitstringStatusListEntry" in types
        else entry.get("id")
        if "1EdTechRevocationList" in types
        else entry.get("statusListCredential") or entry.get("id")
    )
    return url.split("#", 1)[0] if isinstance(url, str) and url else None


class _Unverifiable(Exception):
    """The status cannot be established; ``message`` says why."""

    def __init__(self, message: Message) -> None:
        self.message = message


def _trusted_list(
    url: str, report: Report, fetcher: Fetcher | None, proofs: ProofMemo | None
) -> Mapping[str, Any]:
    """The status list published at ``url``, once its proof shows that the credential's own
    issuer made it (the same key provenance as the credential's proof). Anything less — no
    proof, a proof by anyone else, a proof that fails, a list that cannot be read — raises
    :class:`_Unverifiable`: an unsigned list must never turn a revoked badge back into a valid
    one (W3C Bitstring Status List v1.0 §3.2, "verify all proofs ... of the status list").
    A list's proof checked before is kept in ``proofs`` with the list's exact bytes."""
    try:
        body = _body(fetcher, url)
        document = _parsed(url, body)
    except ObcoreError as exc:
        cause = of_error(exc)
        raise _Unverifiable(Message("status.list_unreadable", url=url, cause=cause)) from None
    if "proof" not in document:
        raise _Unverifiable(Message("status.list_unsigned", url=url))
    result = _proof_result(document, fetcher, proofs, proofmemo.body_key(body))
    if not result.verified:
        raise _Unverifiable(Message("status.list_bad_proof", url=url, causes=result.problems))
    if report.issuer is None or result.controller != report.issuer:
        raise _Unverifiable(
            Message(
                "status.list_other_signer", url=url, signer=result.controller, issuer=report.issuer
            )
        )
    listed = document.get("id")
    if isinstance(listed, str) and listed != url:
        report.add("status", Outcome.WARNING, "status.list_id_differs", url=url, id=listed)
    return document


def _check_status(
    document: dict[str, Any],
    report: Report,
    fetcher: Fetcher | None,
    now: datetime,
    proofs: ProofMemo | None = None,
) -> Message | None:
    """Check every status entry. Revoked or suspended stops the verification; a status that
    cannot be established is returned (the caller decides after the dates: an expired badge
    reads expired, with the unreadable status reported beside it)."""
    if document.get("credentialStatus") is None:
        report.add("status", Outcome.SKIPPED, "status.none")
        return None
    for entry in _status_entries(document):
        url = _list_address(entry)
        try:
            if url is None:
                raise _Unverifiable(Message("status.no_address"))
            list_document = _trusted_list(url, report, fetcher, proofs)
            try:
                result = status.check_status(
                    entry,
                    list_document,
                    credential_id=document.get("id"),
                    now=now,
                    require_matching_id=False,  # who signed it decides (see _trusted_list)
                )
            except ObcoreError as exc:
                raise _Unverifiable(of_error(exc)) from None
        except _Unverifiable as problem:
            report.add("status", Outcome.FAILED, "status.unverifiable", [problem.message])
            return problem.message
        if result.state is status.CredentialState.REVOKED:
            if result.reason:
                raise _fail(
                    report, State.REVOKED, "status", "status.revoked_reason", reason=result.reason
                )
            raise _fail(report, State.REVOKED, "status", "status.revoked")
        if result.state is status.CredentialState.SUSPENDED:
            raise _fail(report, State.SUSPENDED, "status", "status.suspended")
    report.add("status", Outcome.PASSED, "status.passed")
    return None


def _check_dates(document: dict[str, Any], report: Report, now: datetime) -> None:
    start = document.get("validFrom", document.get("issuanceDate"))
    end = document.get("validUntil", document.get("expirationDate"))
    valid_from, valid_until = _date(start), _date(end)
    if start is not None and valid_from is None:
        raise _fail(report, State.MALFORMED, "dates", "dates.bad_start", value=repr(start))
    if end is not None and valid_until is None:
        raise _fail(report, State.MALFORMED, "dates", "dates.bad_end", value=repr(end))
    if valid_from and now < valid_from:
        raise _fail(report, State.NOT_YET_VALID, "dates", "dates.not_yet", date=start)
    if valid_until and now > valid_until:
        raise _fail(report, State.EXPIRED, "dates", "dates.expired", date=end)
    report.add("dates", Outcome.PASSED, "dates.passed")


def _check_recipient(document: dict[str, Any], report: Report, recipient: str | None) -> None:
    if recipient is None:
        return
    from obcore.recipients import matches

    subject = document.get("credentialSubject")
    subjects = subject if isinstance(subject, list) else [subject]
    if any(isinstance(s, Mapping) and matches(s, recipient) for s in subjects):
        report.add("recipient", Outcome.PASSED, "recipient.passed", recipient=recipient)
        return
    raise _fail(report, State.INVALID, "recipient", "recipient.failed", recipient=recipient)


VC_V1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
#: The OB 3.0 context as the official JSON Schema admits it (``context.json`` or a version).
OB3_CONTEXT = re.compile(r"^https://purl\.imsglobal\.org/spec/ob/v3p0/context(-3\.\d\.\d)*\.json$")
_BADGE_TYPES = ("OpenBadgeCredential", "AchievementCredential")


def _model_problems(document: Mapping[str, Any], types: list[Any], vcdm: str) -> list[Message]:
    """The data model's own rules, which no schema deviation may bend: the contexts, the type,
    every property the official OB 3.0 JSON Schema requires (VCDM 1.1 credentials:
    ``issuanceDate`` for ``validFrom``), and a subject that names its holder."""
    problems = []
    context = document.get("@context")
    contexts = context if isinstance(context, list) else [context]
    if not contexts or contexts[0] not in (VC_V1_CONTEXT, VC_V2_CONTEXT):
        problems.append(Message("model.context_first"))
    elif (
        len(contexts) < 2 or not isinstance(contexts[1], str) or not OB3_CONTEXT.match(contexts[1])
    ):
        problems.append(Message("model.context_ob"))
    endorsement = "EndorsementCredential" in types
    if not endorsement and not any(kind in types for kind in _BADGE_TYPES):
        problems.append(Message("model.type", expected="OpenBadgeCredential"))
    start = "issuanceDate" if vcdm == "1.1" else "validFrom"
    for name in ("id", "issuer", "credentialSubject", start):
        if document.get(name) in (None, "", [], {}):
            problems.append(Message("model.required", property=name))
    subject = document.get("credentialSubject")
    if isinstance(subject, list):
        problems.append(Message("model.single_subject"))
    elif (
        isinstance(subject, Mapping)
        and not endorsement
        and not subject.get("id")
        and not subject.get("identifier")
    ):
        problems.append(Message("model.subject_identity"))
    return problems


def _check_model(document: dict[str, Any], types: list[Any], report: Report) -> None:
    """The OB 3.0 data model. A VCDM 2.0 credential must pass the OB 3.0 JSON Schema (the
    same rules as 1EdTech's, see ``obcore.schemas``); a VCDM 1.1 credential (which 1EdTech
    checks against no OB schema) must pass the structural rules, the schema's other
    remarks being warnings. Violations make the badge ``malformed``, each one named."""
    from obcore.schemas import schema_messages

    context = document.get("@context")
    first = context[0] if isinstance(context, list) and context else context
    vcdm = "1.1" if first == VC_V1_CONTEXT else "2.0"
    problems = _model_problems(document, types, vcdm)
    if problems:
        raise _fail(report, State.MALFORMED, "schema", "model.failed", problems[:8])
    kind = "EndorsementCredential" if "EndorsementCredential" in types else "AchievementCredential"
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    if vcdm == "1.1" and isinstance(context, list):  # read as VCDM 2.0 for the other rules
        unsecured["@context"] = [VC_V2_CONTEXT, *context[1:]]
        for old, new in (("issuanceDate", "validFrom"), ("expirationDate", "validUntil")):
            if old in unsecured:
                unsecured[new] = unsecured.pop(old)
    endorsements = unsecured.get("endorsement")
    if isinstance(endorsements, list):  # a lone proof object is a proof too (VC-DI §2.1)
        unsecured["endorsement"] = [_proof_list(item) for item in endorsements]
    remarks = schema_messages(unsecured, kind)
    # An embedded endorsement is a credential of its own, verified (and reported) on its own:
    # one endorser's mistake does not take the earner's badge away.
    own = [m for m in remarks if not str(m.params.get("path", "")).startswith("endorsement")]
    if own and vcdm == "2.0":
        raise _fail(report, State.MALFORMED, "schema", "model.failed", own[:8])
    if remarks:
        report.add("schema", Outcome.WARNING, "model.warning", remarks[:8])
    else:
        report.add("schema", Outcome.PASSED, "model.passed")


def _proof_list(item: Any) -> Any:
    if isinstance(item, Mapping) and isinstance(item.get("proof"), Mapping):
        return {**item, "proof": [item["proof"]]}
    return item


def _verify_ob3(
    document: dict[str, Any],
    report: Report,
    fetcher: Fetcher | None,
    now: datetime,
    recipient: str | None,
    proofs: ProofMemo | None = None,
) -> None:
    report.issuer = data_integrity.issuer_id(document)
    kind = document.get("type")
    types = kind if isinstance(kind, list) else [kind]
    if "VerifiableCredential" not in types:
        raise _fail(report, State.MALFORMED, "parse", "parse.not_vc")
    jwt_verified = document.pop("_jwt_verified", False)
    _check_model(document, types, report)
    if jwt_verified:
        pass  # a VC-JWT: its signature was checked already
    elif "proof" not in document:
        raise _fail(report, State.INVALID, "proof", "proof.missing")
    else:
        _check_proof(document, report, fetcher, proofs)
    unknown_status = _check_status(document, report, fetcher, now, proofs)
    _check_dates(document, report, now)  # expired wins over a status that cannot be read
    if unknown_status is not None:
        raise _Stop(State.UNVERIFIABLE)
    _check_recipient(document, report, recipient)
    for endorsement in _embedded_endorsements(document):
        report.endorsements.append(
            verify_credential(dict(endorsement), fetcher=fetcher, now=now, proofs=proofs)
        )
    if report.endorsements:
        good = sum(1 for e in report.endorsements if e.valid)
        total = len(report.endorsements)
        # An embedded endorsement vouches for this badge, its achievement or its issuer; one
        # about something else proves nothing here, however valid its signature.
        about = _endorsable_ids(document)
        elsewhere = sum(1 for e in report.endorsements if _endorsed_id(e.credential) not in about)
        outcome = Outcome.PASSED if good == total and not elsewhere else Outcome.WARNING
        details = [Message("endorsements.elsewhere", count=elsewhere)] if elsewhere else []
        report.add("endorsements", outcome, "endorsements.summary", details, good=good, total=total)


def _endorsements_of(node: Any) -> list[Mapping[str, Any]]:
    found = node.get("endorsement") if isinstance(node, Mapping) else None
    items = found if isinstance(found, list) else [found] if found else []
    return [item for item in items if isinstance(item, Mapping)]


def _embedded_endorsements(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The endorsements embedded in the credential, in its issuer's Profile and in its
    achievement (OB 3.0 allows ``endorsement`` on each; verifiers check them all)."""
    found = _endorsements_of(document) + _endorsements_of(document.get("issuer"))
    subject = document.get("credentialSubject")
    for item in subject if isinstance(subject, list) else [subject]:
        if isinstance(item, Mapping):
            found += _endorsements_of(item.get("achievement"))
    return found


def _endorsed_id(endorsement: Mapping[str, Any] | None) -> Any:
    subject = (endorsement or {}).get("credentialSubject")
    return subject.get("id") if isinstance(subject, Mapping) else None


def _endorsable_ids(document: Mapping[str, Any]) -> set[str]:
    """What an endorsement embedded in ``document`` may be about: the credential, its
    subject, the achievement and the issuer."""
    found = {document.get("id"), data_integrity.issuer_id(document)}
    subject = document.get("credentialSubject")
    for item in subject if isinstance(subject, list) else [subject]:
        if isinstance(item, Mapping):
            found.add(item.get("id"))
            achievement = item.get("achievement")
            if isinstance(achievement, Mapping):
                found.add(achievement.get("id"))
    return {value for value in found if isinstance(value, str) and value}


def _jws(
    token: str,
    report: Report,
    resolve: data_integrity.Resolver,
    now: datetime,
    recipient: str | None,
) -> dict[str, Any] | None:
    """Check a compact JWS. OB 2.0: fully verified here (returns None); VC-JWT: returns the
    credential for the remaining OB 3.0 checks (status, dates, recipient)."""
    from obcore import verify_ob2

    try:
        payload = verify_ob2.peek_payload(token)
    except InputError as exc:
        raise _fail(
            report, State.MALFORMED, "read", "read.jws_undecodable", [of_error(exc)]
        ) from None
    report.version = (
        _version(payload.get("vc", payload))
        if isinstance(payload.get("vc", payload), Mapping)
        else None
    )
    if report.version == "2.0":
        verify_ob2.ob2(token, report, resolve, now, recipient)
        return None
    try:
        credential = verify_ob2.vc_jwt(token, report, resolve, now)
    except ObcoreError as exc:
        # A key that cannot be fetched is an outage, not a forgery.
        unreachable = isinstance(exc, FetchError | KeyUnavailableError)
        raise _fail(
            report,
            State.UNVERIFIABLE if unreachable else State.INVALID,
            "proof",
            "proof.unverifiable" if unreachable else "proof.jwt_invalid",
            [of_error(exc)],
        ) from None
    report.add("proof", Outcome.PASSED, "proof.jwt_valid")
    report.version = "3.0"
    report.credential = credential
    return {**credential, "_jwt_verified": True}


def verify_credential(
    source: Any,
    *,
    fetcher: Fetcher | None = None,
    now: datetime | None = None,
    recipient: str | None = None,
    proofs: ProofMemo | None = None,
) -> Report:
    """Verify a badge given as an image, JSON, a JWS or a URL; never raises for bad input.

    ``proofs``: Data Integrity proofs checked before, kept with the exact bytes of the documents
    they were checked against (``obcore.proofmemo``): a status list or a badge seen again is
    not canonicalised again while none of those bytes changed."""
    report = Report(state=State.VALID)
    moment = now or datetime.now(UTC)
    try:
        document = _read(source, report, fetcher)
        resolve = _resolver(fetcher)
        if isinstance(document, str):
            document = _jws(document, report, resolve, moment, recipient)
            if document is None:
                return report
        report.credential = report.credential or document
        report.version = report.version or _version(document)
        if report.version == "3.0":
            _verify_ob3(document, report, fetcher, moment, recipient, proofs)
        elif report.version == "2.0":
            from obcore import verify_ob2

            verify_ob2.ob2(document, report, resolve, moment, recipient)
        else:
            raise _fail(report, State.MALFORMED, "parse", "parse.no_ob_context")
    except _Stop as stop:
        report.state = stop.state
    except RecursionError:  # JSON nested deeper than Python can walk
        report.checks.clear()
        report.state = State.MALFORMED
        report.add("read", Outcome.FAILED, "read.too_deep")
    return report
