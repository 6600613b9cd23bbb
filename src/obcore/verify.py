"""The verification pipeline: any input in, one structured, bilingual report out.

Input: a baked PNG or SVG, JSON (text, bytes or a parsed dict), a compact JWS, or an http(s) URL.
Steps, each recorded as a ``Check``: read → detect the version → parse → proof → key provenance →
status → dates → recipient → embedded endorsements. The overall ``state`` is one of ``valid``,
``expired``, ``revoked``, ``suspended``, ``not_yet_valid``, ``invalid`` (altered, forged, wrong
recipient), ``malformed`` (unreadable input) or ``unverifiable`` (a needed document could not be
fetched, or a proof format obcore cannot check yet).

Network access goes only through the ``fetcher`` given (see ``obcore.fetch``); without one,
only self-contained credentials (``did:key`` issuers) can be checked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, cast

from obcore import _json, baking, status
from obcore.errors import BakingError, InputError, ObcoreError
from obcore.fetch import Fetcher, FetchError
from obcore.proofs import data_integrity

__all__ = ["Check", "Outcome", "Report", "State", "verify_credential"]

JSON_TYPES = ("application/json", "application/ld+json", "*+json", "text/plain")
#: Largest JSON or JWS text read (a baked image has its own limit, ``baking.DEFAULT_MAX_BYTES``).
MAX_INPUT_BYTES = 10 * 1024 * 1024


class State(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    SUSPENDED = "suspended"
    NOT_YET_VALID = "not_yet_valid"
    INVALID = "invalid"
    MALFORMED = "malformed"
    UNVERIFIABLE = "unverifiable"


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    WARNING = "warning"
    SKIPPED = "skipped"


@dataclass
class Check:
    """One step of the verification, with its message in English and French."""

    name: str
    outcome: Outcome
    en: str
    fr: str


@dataclass
class Report:
    state: State
    version: str | None = None
    input_format: str | None = None
    credential: dict[str, Any] | None = None
    issuer: str | None = None
    checks: list[Check] = field(default_factory=list)
    endorsements: list[Report] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.state is State.VALID

    def add(self, name: str, outcome: Outcome, en: str, fr: str) -> None:
        self.checks.append(Check(name, outcome, en, fr))

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["valid"] = self.valid
        return data


class _Stop(Exception):
    def __init__(self, state: State) -> None:
        self.state = state


def _fail(report: Report, state: State, name: str, en: str, fr: str) -> _Stop:
    report.add(name, Outcome.FAILED, en, fr)
    return _Stop(state)


def _malformed(report: Report, exc: InputError) -> _Stop:
    return _fail(
        report,
        State.MALFORMED,
        "read",
        f"The badge cannot be read: {exc}.",
        f"Le badge est illisible : {exc}.",
    )


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
        raise _malformed(report, InputError(f"it is larger than {MAX_INPUT_BYTES} bytes"))
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        if data.startswith(baking.PNG_SIGNATURE) or data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<":
            try:
                extracted = baking.extract(data)
            except BakingError as exc:
                raise _fail(
                    report,
                    State.MALFORMED,
                    "read",
                    f"No badge can be read from this image: {exc}",
                    f"Aucun badge ne peut être lu dans cette image : {exc}",
                ) from None
            report.input_format = extracted.image_format
            text = extracted.payload
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                raise _fail(
                    report,
                    State.MALFORMED,
                    "read",
                    "The file is neither an image, JSON nor a JWS.",
                    "Le fichier n'est ni une image, ni du JSON, ni un JWS.",
                ) from None
    else:
        text = str(source)
    text = text.strip()
    if text.startswith(("https://", "http://")) and " " not in text:
        if fetcher is None:
            raise _fail(
                report,
                State.UNVERIFIABLE,
                "read",
                "This badge is a web address, and fetching is not allowed here.",
                "Ce badge est une adresse web, et rien ne peut être téléchargé ici.",
            )
        report.input_format = report.input_format or "url"
        try:
            fetched = fetcher(text, accept=JSON_TYPES)
        except FetchError as exc:
            state = State.REVOKED if exc.reason == "gone" else State.UNVERIFIABLE
            raise _fail(
                report,
                state,
                "read",
                f"The badge could not be fetched: {exc}",
                f"Le badge n'a pas pu être téléchargé : {exc}",
            ) from None
        if len(fetched.body) > MAX_INPUT_BYTES:
            raise _malformed(report, InputError(f"it is larger than {MAX_INPUT_BYTES} bytes"))
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
    raise _fail(
        report,
        State.MALFORMED,
        "read",
        "This is not an Open Badge (JSON, JWS or baked image expected).",
        "Ce n'est pas un Open Badge (JSON, JWS ou image avec badge attendus).",
    )


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


def _resolver(fetcher: Fetcher | None) -> data_integrity.Resolver:
    def resolve(url: str) -> Mapping[str, Any]:
        if url.startswith("did:key:"):
            return data_integrity.default_resolver(url)
        if fetcher is None:
            raise FetchError(url, "offline", "documents cannot be fetched here")
        if url.startswith("did:web:"):
            from obcore.keys import did_web_to_url

            url = did_web_to_url(url)
        fetched = fetcher(url, accept=JSON_TYPES)
        try:
            document = _json.loads(fetched.body)
        except InputError as exc:
            raise FetchError(url, "not_json", f"the document is refused: {exc}") from None
        if not isinstance(document, dict):
            raise FetchError(url, "not_json", "the document is not a JSON object")
        return document

    return resolve


def _check_proof(document: dict[str, Any], report: Report, fetcher: Fetcher | None) -> None:
    result = data_integrity.verify(document, _resolver(fetcher))
    count = len(result.proofs)
    for number, proof in enumerate(result.proofs, 1):  # several proofs: each one reported
        if proof.verified:
            report.add(
                "proof",
                Outcome.PASSED,
                f"Signature {number} of {count} is valid ({proof.cryptosuite}), "
                f"made with a key of {proof.controller}.",
                f"La signature {number} sur {count} est valide ({proof.cryptosuite}), faite "
                f"avec une clé de {proof.controller}.",
            )
        else:
            problem = " ".join(proof.problems)
            report.add(
                "proof",
                Outcome.FAILED,
                f"Signature {number} of {count} is not valid: {problem}",
                f"La signature {number} sur {count} n'est pas valide : {problem}",
            )
    if result.verified:
        report.add(
            "proof",
            Outcome.PASSED,
            f"The signature is valid ({result.cryptosuite}), "
            f"made with a key of {result.controller}.",
            f"La signature est valide ({result.cryptosuite}), faite avec une clé de "
            f"{result.controller}.",
        )
        return
    problem = " ".join(result.problems)
    if result.unverifiable:
        raise _fail(
            report,
            State.UNVERIFIABLE,
            "proof",
            f"The signature cannot be checked: {problem}",
            f"La signature ne peut pas être vérifiée : {problem}",
        )
    raise _fail(
        report,
        State.INVALID,
        "proof",
        f"The signature is not valid: {problem}",
        f"La signature n'est pas valide : le badge a été modifié ou falsifié ({problem}).",
    )


def _check_status(
    document: dict[str, Any], report: Report, fetcher: Fetcher | None, now: datetime
) -> None:
    entries = document.get("credentialStatus")
    if entries is None:
        report.add(
            "status",
            Outcome.SKIPPED,
            "The issuer publishes no revocation list.",
            "L'émetteur ne publie pas de liste de révocation.",
        )
        return
    for entry in entries if isinstance(entries, list) else [entries]:
        url = (
            entry.get("statusListCredential") or entry.get("id")
            if isinstance(entry, dict)
            else None
        )
        try:
            if not isinstance(url, str):
                raise ObcoreError("the status entry has no list address")
            list_document = _resolver(fetcher)(url.split("#", 1)[0])
            if "proof" in list_document:
                list_result = data_integrity.verify(list_document, _resolver(fetcher))
                if not list_result.verified or list_result.controller != report.issuer:
                    raise ObcoreError("the status list is not signed by the issuer")
            result = status.check_status(
                entry, list_document, credential_id=document.get("id"), now=now
            )
        except ObcoreError as exc:
            raise _fail(
                report,
                State.UNVERIFIABLE,
                "status",
                f"The revocation status cannot be checked: {exc}",
                f"Le statut de révocation ne peut pas être vérifié : {exc}",
            ) from None
        if result.state is status.CredentialState.REVOKED:
            reason = f" ({result.reason})" if result.reason else ""
            raise _fail(
                report,
                State.REVOKED,
                "status",
                f"The issuer revoked this badge{reason}.",
                f"L'émetteur a révoqué ce badge{reason}.",
            )
        if result.state is status.CredentialState.SUSPENDED:
            raise _fail(
                report,
                State.SUSPENDED,
                "status",
                "The issuer suspended this badge.",
                "L'émetteur a suspendu ce badge.",
            )
    report.add("status", Outcome.PASSED, "The badge is not revoked.", "Le badge n'est pas révoqué.")


def _check_dates(document: dict[str, Any], report: Report, now: datetime) -> None:
    start = document.get("validFrom", document.get("issuanceDate"))
    end = document.get("validUntil", document.get("expirationDate"))
    valid_from, valid_until = _date(start), _date(end)
    if start is not None and valid_from is None:
        raise _fail(
            report,
            State.MALFORMED,
            "dates",
            f"The start date {start!r} is invalid.",
            f"La date de début {start!r} n'est pas valide.",
        )
    if end is not None and valid_until is None:
        raise _fail(
            report,
            State.MALFORMED,
            "dates",
            f"The end date {end!r} is invalid.",
            f"La date de fin {end!r} n'est pas valide.",
        )
    if valid_from and now < valid_from:
        raise _fail(
            report,
            State.NOT_YET_VALID,
            "dates",
            f"The badge is valid only from {start}.",
            f"Le badge n'est valable qu'à partir du {start}.",
        )
    if valid_until and now > valid_until:
        raise _fail(
            report,
            State.EXPIRED,
            "dates",
            f"The badge expired on {end}.",
            f"Le badge a expiré le {end}.",
        )
    report.add(
        "dates",
        Outcome.PASSED,
        "The badge is within its validity period.",
        "Le badge est dans sa période de validité.",
    )


def _check_recipient(document: dict[str, Any], report: Report, recipient: str | None) -> None:
    if recipient is None:
        return
    from obcore.recipients import matches

    subject = document.get("credentialSubject")
    subjects = subject if isinstance(subject, list) else [subject]
    if any(isinstance(s, Mapping) and matches(s, recipient) for s in subjects):
        report.add(
            "recipient",
            Outcome.PASSED,
            f"The badge was awarded to {recipient}.",
            f"Le badge a bien été attribué à {recipient}.",
        )
        return
    raise _fail(
        report,
        State.INVALID,
        "recipient",
        f"The badge was not awarded to {recipient}.",
        f"Le badge n'a pas été attribué à {recipient}.",
    )


def _check_schema(document: dict[str, Any], types: list[Any], report: Report) -> None:
    """The data model's rules (required fields, arrays, dates). Reported as a warning: the
    signature decides validity, and other platforms' badges often bend these rules slightly."""
    from obcore.schemas import schema_problems

    kind = next(
        (
            t
            for t in ("EndorsementCredential", "OpenBadgeCredential", "AchievementCredential")
            if t in types
        ),
        None,
    )
    if kind is None:
        return
    problems = schema_problems({k: v for k, v in document.items() if k != "proof"}, kind)
    if problems:
        listed = "; ".join(problems[:5])
        report.add(
            "schema",
            Outcome.WARNING,
            f"The badge does not follow the Open Badges 3.0 data model exactly: {listed}",
            f"Le badge ne suit pas exactement le modèle Open Badges 3.0 : {listed}",
        )
    else:
        report.add(
            "schema",
            Outcome.PASSED,
            "The badge follows the Open Badges 3.0 data model.",
            "Le badge suit le modèle de données Open Badges 3.0.",
        )


def _verify_ob3(
    document: dict[str, Any],
    report: Report,
    fetcher: Fetcher | None,
    now: datetime,
    recipient: str | None,
) -> None:
    report.issuer = data_integrity.issuer_id(document)
    kind = document.get("type")
    types = kind if isinstance(kind, list) else [kind]
    if "VerifiableCredential" not in types:
        raise _fail(
            report,
            State.MALFORMED,
            "parse",
            "This is not a verifiable credential.",
            "Ce n'est pas une attestation vérifiable.",
        )
    jwt_verified = document.pop("_jwt_verified", False)
    _check_schema(document, types, report)
    if jwt_verified:
        pass  # a VC-JWT: its signature was checked already
    elif "proof" not in document:
        raise _fail(
            report,
            State.INVALID,
            "proof",
            "The badge carries no signature.",
            "Le badge ne porte aucune signature.",
        )
    else:
        _check_proof(document, report, fetcher)
    _check_status(document, report, fetcher, now)
    _check_dates(document, report, now)
    _check_recipient(document, report, recipient)
    endorsements = document.get("endorsement") or []
    for endorsement in endorsements if isinstance(endorsements, list) else [endorsements]:
        if isinstance(endorsement, Mapping):
            report.endorsements.append(
                verify_credential(dict(endorsement), fetcher=fetcher, now=now)
            )
    if report.endorsements:
        good = sum(1 for e in report.endorsements if e.valid)
        total = len(report.endorsements)
        # An embedded endorsement vouches for this badge, its achievement or its issuer; one
        # about something else proves nothing here, however valid its signature.
        about = _endorsable_ids(document)
        elsewhere = sum(1 for e in report.endorsements if _endorsed_id(e.credential) not in about)
        outcome = Outcome.PASSED if good == total and not elsewhere else Outcome.WARNING
        en = f"{good} of {total} endorsements are valid."
        fr = f"{good} recommandation(s) valide(s) sur {total}."
        if elsewhere:
            en += f" {elsewhere} of them are about something other than this badge."
            fr += f" {elsewhere} porte(nt) sur autre chose que ce badge."
        report.add("endorsements", outcome, en, fr)


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
            report,
            State.MALFORMED,
            "read",
            f"This JWS cannot be decoded: {exc}.",
            f"Ce JWS ne peut pas être décodé : {exc}.",
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
        state = State.UNVERIFIABLE if isinstance(exc, FetchError) else State.INVALID
        raise _fail(
            report,
            state,
            "proof",
            f"The signature is not valid: {exc}",
            f"La signature n'est pas valide : {exc}",
        ) from None
    report.add(
        "proof",
        Outcome.PASSED,
        "The VC-JWT signature of the issuer is valid.",
        "La signature VC-JWT de l'émetteur est valide.",
    )
    report.version = "3.0"
    report.credential = credential
    return {**credential, "_jwt_verified": True}


def verify_credential(
    source: Any,
    *,
    fetcher: Fetcher | None = None,
    now: datetime | None = None,
    recipient: str | None = None,
) -> Report:
    """Verify a badge given as an image, JSON, a JWS or a URL; never raises for bad input."""
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
            _verify_ob3(document, report, fetcher, moment, recipient)
        elif report.version == "2.0":
            from obcore import verify_ob2

            verify_ob2.ob2(document, report, resolve, moment, recipient)
        else:
            raise _fail(
                report,
                State.MALFORMED,
                "parse",
                "This JSON is not an Open Badge (no Open Badges context).",
                "Ce JSON n'est pas un Open Badge (aucun contexte Open Badges).",
            )
    except _Stop as stop:
        report.state = stop.state
    return report
