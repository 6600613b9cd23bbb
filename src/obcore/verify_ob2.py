"""Verification of the JOSE forms and of Open Badges 2.0, for the pipeline in ``verify``.

* VC-JWT (OB 3.0): the ``kid`` is fetched (a key document, a Multikey or a JWK Set), the
  signature and JWT claims are checked by ``obcore.jose``, and the key must belong to the issuer.
* OB 2.0 signed (JWS): ``obcore.jose.verify_ob2_jws`` checks the signer, then the issuer's
  RevocationList is read.
* OB 2.0 hosted: the assertion's own URL is the source of truth; it is fetched (410 Gone means
  revoked), its BadgeClass and issuer too, and the assertion must live on the issuer's host.
* OB 2.0 endorsements linked from the BadgeClass and the issuer (``endorsement``: hosted
  ``Endorsement`` assertions) are fetched and checked each on its own, as badgecheck reads
  them: hosted on the endorser's site and about that badge or issuer. Like an OB 3.0
  embedded endorsement, one that fails never takes the earner's badge away.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from obcore import _json, status
from obcore.errors import DocumentError, InputError, JoseError, KeyUnavailableError, ObcoreError
from obcore.fetch import FetchError
from obcore.messages import Message, of_error
from obcore.ob3._fields import format_datetime

if TYPE_CHECKING:
    from obcore.keys import KeyPair
    from obcore.ob2.model import BadgeClass, Profile
    from obcore.verify import Report

Resolve = Callable[[str], Mapping[str, Any]]


def peek_payload(token: str) -> dict[str, Any]:
    """The unverified JWS payload, to decide which verification applies.

    Raises :class:`InputError` when it is not base64url of a (strictly parsed) JSON object.
    """
    try:
        part = token.split(".")[1]
        decoded = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (IndexError, ValueError):
        raise InputError("the JWS payload is not base64url") from None
    payload = _json.loads(decoded)
    if not isinstance(payload, dict):
        raise InputError("the JWS payload is not a JSON object")
    return payload


def _method_key(method: Mapping[str, Any]) -> KeyPair | Mapping[str, Any] | None:
    from obcore.keys import key_from_multikey

    if isinstance(method.get("publicKeyJwk"), Mapping):
        jwk: Mapping[str, Any] = method["publicKeyJwk"]
        return jwk
    if isinstance(method.get("publicKeyMultibase"), str):
        return key_from_multikey(method["publicKeyMultibase"])
    return None


def _methods(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The verification methods a DID or controller document embeds."""
    found = []
    for relation in ("verificationMethod", "assertionMethod"):
        entries = document.get(relation)
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, Mapping):
                found.append(entry)
    return found


def _key_for(kid: str, resolve: Resolve) -> tuple[KeyPair | Mapping[str, Any], str | None]:
    """The key a ``kid`` names and its owner: a JWK Set, a key document (JsonWebKey, Multikey)
    or a DID / controller document holding the method (``did:key`` resolves offline)."""
    document = resolve(kid)
    if isinstance(document.get("keys"), list):  # a JWK Set
        for jwk in document["keys"]:
            if isinstance(jwk, Mapping) and jwk.get("kid") == kid:
                return jwk, None
        raise JoseError(f"the key set at {kid} has no key {kid}")
    if document.get("id") != kid:  # a DID or controller document: the method is inside
        for method in _methods(document):
            key = _method_key(method) if method.get("id") == kid else None
            if key is not None:
                controller = method.get("controller")
                return key, controller if isinstance(controller, str) else None
    controller = document.get("controller")
    owner = controller if isinstance(controller, str) else None
    key = _method_key(document)
    if key is not None:
        return key, owner
    return document, owner


def _same_key(one: KeyPair | Mapping[str, Any], other: KeyPair) -> bool:
    from obcore.keys import KeyPair, key_from_jwk

    try:
        key = one if isinstance(one, KeyPair) else key_from_jwk(one)
    except ObcoreError:
        return False
    return key.to_public_jwk() == other.to_public_jwk()


def _issuer_holds(issuer: str, key: KeyPair, resolve: Resolve) -> bool:
    """Whether the issuer's own document (its DID document, or the controller document at its
    URL) lists ``key`` among its verification methods: provenance of a header ``jwk``."""
    try:
        document = resolve(issuer)
    except ObcoreError:
        return False
    for method in _methods(document):
        try:
            found = _method_key(method)
        except ObcoreError:
            continue
        controller = method.get("controller", issuer)
        if found is not None and controller == issuer and _same_key(found, key):
            return True
    return False


def vc_jwt(token: str, report: Report, resolve: Resolve, now: datetime) -> dict[str, Any]:
    """Check a VC-JWT; return the credential it carries. Raises ``ObcoreError`` on failure.

    The key is the one ``kid`` names (its document must say the issuer controls it, or it must
    live under the issuer's address); a header ``jwk`` alone is accepted once the issuer's own
    document lists that key (a ``did:key`` issuer's document is the key itself).
    """
    from obcore.jose import verify_vc_jwt
    from obcore.proofs.data_integrity import issuer_id

    owners: list[str | None] = []

    def key(kid: str) -> KeyPair | Mapping[str, Any]:
        found, owner = _key_for(kid, resolve)
        owners.append(owner)
        return found

    result = verify_vc_jwt(token, key, now=now, allow_embedded_jwk=True)
    issuer = issuer_id(result.credential)
    if issuer is None:
        raise JoseError(Message("jwt.no_issuer"))
    if "kid" not in result.header:
        if not _issuer_holds(issuer, result.key, resolve):
            raise JoseError(Message("jwt.jwk_not_issuer", issuer=issuer))
        return result.credential
    kid = str(result.header["kid"])
    owner = owners[0] if owners else None
    # The key must belong to the issuer: its document says so (controller), or it lives under
    # the issuer's own address.
    under_issuer = kid.split("#", 1)[0] == issuer or kid.startswith(issuer.rstrip("/") + "/")
    if (owner is not None and owner != issuer) or (owner is None and not under_issuer):
        raise JoseError(Message("jwt.key_not_issuer", kid=kid, issuer=issuer))
    return result.credential


def _hosted_scope(assertion_id: str, issuer: Profile) -> bool:
    """OB 2.0 hosted verification policy: the assertion lives at one of the issuer's
    ``allowedOrigins`` (by default its own origin) and starts with one of its ``startsWith``
    prefixes when it names any (OB 2.0 VerificationObject; badgecheck's
    ``hosted_id_in_verification_scope``)."""
    policy = issuer.verification
    origins = (policy.allowed_origins if policy else ()) or (urlsplit(issuer.id).netloc,)
    if urlsplit(assertion_id).netloc not in origins:
        return False
    prefixes = policy.starts_with if policy else ()
    return not prefixes or any(assertion_id.startswith(prefix) for prefix in prefixes)


def _unreachable(exc: BaseException) -> bool:
    """A document could not be had (timeout, 5xx, DNS, refused address…): an outage, which
    says nothing about the badge — never a forgery."""
    return isinstance(exc, FetchError | KeyUnavailableError) or isinstance(
        exc.__cause__ or exc.__context__, FetchError
    )


def ob2(
    source: dict[str, Any] | str,
    report: Report,
    resolve: Resolve,
    now: datetime,
    recipient: str | None,
) -> None:
    """Verify an OB 2.0 assertion (hosted JSON, or a signed JWS). Fills the report's checks."""
    from obcore.jose import verify_ob2_jws
    from obcore.ob2 import parse_assertion, parse_badge_class, parse_profile
    from obcore.verify import Outcome, State, _fail, _Stop

    try:
        if isinstance(source, str):
            signed = verify_ob2_jws(source, resolve)
            assertion, badge, issuer = signed.assertion, signed.badge_class, signed.issuer
            report.credential = signed.payload
            report.add("proof", Outcome.PASSED, "proof.rs256_valid")
        else:
            try:
                declared = parse_assertion(source)
            except DocumentError as exc:
                raise _fail(
                    report, State.MALFORMED, "parse", "ob2.malformed", [of_error(exc)]
                ) from None
            if declared.verification.type != "HostedBadge" or not declared.id.startswith("http"):
                raise _fail(report, State.INVALID, "proof", "ob2.not_hosted_or_signed")
            try:
                hosted = dict(resolve(declared.id))
            except FetchError as exc:
                if exc.reason == "gone":
                    raise _fail(
                        report, State.REVOKED, "status", "read.gone", url=declared.id
                    ) from None
                raise _fail(
                    report,
                    State.UNVERIFIABLE,
                    "proof",
                    "ob2.hosted_unreachable",
                    [of_error(exc)],
                ) from None
            assertion = parse_assertion(hosted)
            report.credential = hosted
            badge = (
                assertion.badge
                if not isinstance(assertion.badge, str)
                else parse_badge_class(resolve(assertion.badge))
            )
            issuer = (
                badge.issuer
                if not isinstance(badge.issuer, str)
                else parse_profile(resolve(badge.issuer))
            )
            if not _hosted_scope(assertion.id, issuer):
                raise _fail(report, State.INVALID, "proof", "ob2.not_on_issuer_site")
            report.add("proof", Outcome.PASSED, "ob2.hosted")
    except (JoseError, DocumentError, FetchError) as exc:
        if _unreachable(exc):
            raise _fail(
                report, State.UNVERIFIABLE, "proof", "ob2.document_unreachable", [of_error(exc)]
            ) from None
        raise _fail(report, State.INVALID, "proof", "ob2.untrusted", [of_error(exc)]) from None
    report.issuer = issuer.id
    unreadable_status = None
    if issuer.revocation_list:
        try:
            result = status.check_ob2_revocation(resolve(issuer.revocation_list), assertion.id)
        except ObcoreError as exc:
            unreadable_status = of_error(exc)
            report.add("status", Outcome.FAILED, "ob2.revocation_unreadable", [unreadable_status])
        else:
            if not result.ok:
                if result.reason:
                    raise _fail(
                        report,
                        State.REVOKED,
                        "status",
                        "status.revoked_reason",
                        reason=result.reason,
                    )
                raise _fail(report, State.REVOKED, "status", "status.revoked")
    if unreadable_status is None:
        report.add("status", Outcome.PASSED, "status.passed")
    issued = format_datetime(assertion.issued_on)
    if now < assertion.issued_on:  # badgecheck: "issuedOn ... in the future"
        raise _fail(report, State.NOT_YET_VALID, "dates", "dates.not_yet", date=issued)
    if assertion.expires is not None and now > assertion.expires:
        raise _fail(
            report, State.EXPIRED, "dates", "dates.expired", date=format_datetime(assertion.expires)
        )
    report.add("dates", Outcome.PASSED, "dates.passed")
    if unreadable_status is not None:  # expiry first: an expired badge reads expired
        raise _Stop(State.UNVERIFIABLE)
    if recipient is not None:
        if not assertion.recipient.matches(recipient):
            raise _fail(report, State.INVALID, "recipient", "recipient.failed", recipient=recipient)
        report.add("recipient", Outcome.PASSED, "recipient.passed", recipient=recipient)
    _check_endorsements(report, badge, issuer, resolve, now)


def _endorsement(url: str, about: str, resolve: Resolve, now: datetime) -> Report:
    """One hosted OB 2.0 Endorsement at ``url``, which must be about ``about``."""
    from obcore.ob2 import parse_endorsement, parse_profile
    from obcore.verify import Outcome, Report, State, _fail, _Stop

    report = Report(State.VALID, version="2.0", input_format="url")
    try:
        try:
            document = dict(resolve(url))
        except FetchError as exc:
            if exc.reason == "gone":  # the endorser withdrew it
                raise _fail(report, State.REVOKED, "status", "read.gone", url=url) from None
            raise
        report.credential = document
        try:
            endorsement = parse_endorsement(document)
        except DocumentError as exc:
            raise _fail(
                report, State.MALFORMED, "parse", "ob2.malformed", [of_error(exc)]
            ) from None
        endorser = (
            endorsement.issuer
            if not isinstance(endorsement.issuer, str)
            else parse_profile(resolve(endorsement.issuer))
        )
        report.issuer = endorser.id
        hosted = endorsement.verification.type == "HostedBadge"
        if not hosted or endorsement.id != url or not _hosted_scope(url, endorser):
            raise _fail(report, State.INVALID, "proof", "ob2.not_on_issuer_site")
        report.add("proof", Outcome.PASSED, "ob2.hosted")
    except _Stop as stop:
        report.state = stop.state
        return report
    except (DocumentError, FetchError, ObcoreError) as exc:
        report.state = State.UNVERIFIABLE if _unreachable(exc) else State.INVALID
        code = "ob2.document_unreachable" if _unreachable(exc) else "ob2.untrusted"
        report.add("proof", Outcome.FAILED, code, [of_error(exc)])
        return report
    if now < endorsement.issued_on:
        issued = format_datetime(endorsement.issued_on)
        report.add("dates", Outcome.FAILED, "dates.not_yet", date=issued)
        report.state = State.NOT_YET_VALID
        return report
    report.add("dates", Outcome.PASSED, "dates.passed")
    if endorsement.claim_id != about:
        report.add("endorsements", Outcome.FAILED, "endorsements.elsewhere", count=1)
        report.state = State.INVALID
    return report


def _check_endorsements(
    report: Report, badge: BadgeClass, issuer: Profile, resolve: Resolve, now: datetime
) -> None:
    """The endorsements the BadgeClass and the issuer link, each verified on its own."""
    from obcore.verify import Outcome

    wanted = [(url, badge.id) for url in badge.endorsement]
    wanted += [(url, issuer.id) for url in issuer.endorsement]
    for url, about in wanted:
        report.endorsements.append(_endorsement(url, about, resolve, now))
    if report.endorsements:
        good = sum(1 for item in report.endorsements if item.valid)
        total = len(report.endorsements)
        outcome = Outcome.PASSED if good == total else Outcome.WARNING
        report.add("endorsements", outcome, "endorsements.summary", good=good, total=total)
