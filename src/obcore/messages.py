"""Stable codes for everything the verifier says, with English templates.

Each step of a verification reports a :class:`Message`: a ``code`` that never changes (products
translate it through their own catalogues), ``params`` that carry only data — addresses,
property names, numbers, dates, other codes — never prose, and the English sentence (a
``Message`` *is* that ``str``, so logs and the command line read it as they read text).

Errors raised deep inside obcore carry a ``Message`` as their first argument where the cause is
precise (``raise ProofError(Message("proof.key_not_listed", ...))``); :func:`of_error` turns any
obcore error into a ``Message``, falling back to a code per error class whose only parameter is
the English text — a translation of such a code says the class of problem, not the text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["TEMPLATES", "Message", "of_error"]

#: Every code obcore reports, with its English template (``str.format`` with named fields).
TEMPLATES: dict[str, str] = {
    # Reading the input
    "read.too_large": "The badge cannot be read: it is larger than {limit} bytes.",
    "read.unreadable": "The badge cannot be read.",
    "read.image_without_badge": "No badge can be read from this image.",
    "read.unknown_file": "The file is neither an image, JSON nor a JWS.",
    "read.offline": "This badge is a web address, and fetching is not allowed here.",
    "read.fetch_failed": "The badge could not be fetched from {url}.",
    "read.gone": "The issuer removed this badge from {url} (HTTP 410 Gone).",
    "read.not_a_badge": "This is not an Open Badge (JSON, JWS or baked image expected).",
    "read.jws_undecodable": "This JWS cannot be decoded.",
    "read.too_deep": "The badge is nested too deeply to be read.",
    "parse.not_vc": "This is not a verifiable credential (its type lacks VerifiableCredential).",
    "parse.no_ob_context": "This JSON is not an Open Badge (no Open Badges context).",
    # The Open Badges 3.0 data model
    "model.passed": "The badge follows the Open Badges 3.0 data model.",
    "model.failed": "The badge does not follow the Open Badges 3.0 data model.",
    "model.warning": "The badge does not follow the Open Badges 3.0 data model exactly.",
    "model.context_first": "@context must start with the Verifiable Credentials context.",
    "model.context_ob": "@context must name the Open Badges 3.0 context right after it.",
    "model.type": "type must contain VerifiableCredential and {expected}.",
    "model.required": "{property} is required.",
    "model.subject_identity": "credentialSubject must have an id or an identifier.",
    "model.single_subject": "credentialSubject must be one object.",
    "schema.required": "{path}: {property} is required.",
    "schema.type": "{path}: must be of type {expected}.",
    "schema.format": "{path}: must be a {format}.",
    "schema.value": "{path}: this value is not allowed.",
    "schema.choice": "{path}: matches none of the allowed forms.",
    "schema.other": "{path}: {text}",
    # Proofs and signatures
    "proof.missing": "The badge carries no signature.",
    "proof.none": "The credential has no proof.",
    "proof.valid": "The signature is valid ({cryptosuite}), made with a key of {controller}.",
    "proof.one_valid": (
        "Signature {number} of {count} is valid ({cryptosuite}), made with a key of {controller}."
    ),
    "proof.one_invalid": "Signature {number} of {count} is not valid.",
    "proof.invalid": "The signature is not valid: the badge was altered or forged.",
    "proof.unverifiable": "The signature cannot be checked.",
    "proof.jwt_valid": "The VC-JWT signature of the issuer is valid.",
    "proof.jwt_invalid": "The VC-JWT is not valid.",
    "proof.rs256_valid": "The RS256 signature of the issuer is valid.",
    "proof.not_json_object": "The proof is not a JSON object.",
    "proof.unsupported": "Unsupported proof type {type}.",
    "proof.purpose": "The proof's purpose is not {purpose}.",
    "proof.malformed": "The proof is malformed (proofValue or verificationMethod).",
    "proof.created": "The proof's created time is not a date-time with a time zone.",
    "proof.expired": "The proof has expired (or its expiry time is not a date-time).",
    "proof.mismatch": "The signature does not match: the credential was altered.",
    "proof.not_issuer_key": "The signing key belongs to {controller}, not to the issuer {issuer}.",
    "proof.none_by_issuer": (
        "None of the {count} proofs was made with a key of the issuer {issuer} (keys of {keys})."
    ),
    "proof.numbered": "Proof {number} of {count}: {problem}.",
    "proof.key_not_found": "The verification method {method} cannot be found.",
    "proof.key_not_found_because": "The verification method {method} cannot be found ({causes}).",
    "proof.key_not_listed": "{controller} does not list {method} among its {purpose} keys.",
    "proof.no_controller": "The verification method {method} names no controller.",
    "proof.controller_unreachable": "The controller {controller} of {method} cannot be fetched.",
    # VC-JWT and JOSE
    "jwt.sub_mismatch": "The JWT sub claim ({sub}) is not the credential subject's id.",
    "jwt.typ": "The JWT typ header must be JWT, not {typ}.",
    "jwt.header": "JOSE header parameters not allowed in a VC-JWT: {names}.",
    "jwt.claim_mismatch": "The JWT claim {claim} disagrees with the credential.",
    "jwt.key_not_issuer": "The signing key {kid} does not belong to the issuer {issuer}.",
    "jwt.jwk_not_issuer": "The key in the JWT header is not a key of the issuer {issuer}.",
    "jwt.no_issuer": "The credential names no issuer.",
    "jwt.signature": "The signature does not verify.",
    # Revocation and status
    "status.none": "The issuer publishes no revocation list.",
    "status.passed": "The badge is not revoked.",
    "status.revoked": "The issuer revoked this badge.",
    "status.revoked_reason": "The issuer revoked this badge ({reason}).",
    "status.suspended": "The issuer suspended this badge.",
    "status.unverifiable": "The revocation status cannot be checked.",
    "status.no_address": "The status entry has no list address.",
    "status.list_unreadable": "The status list at {url} cannot be read ({cause}).",
    "status.list_unsigned": "The status list at {url} is not signed: it cannot be trusted.",
    "status.list_bad_proof": "The signature of the status list at {url} is not valid ({causes}).",
    "status.list_other_signer": (
        "The status list at {url} is signed by {signer}, not by the issuer {issuer}."
    ),
    "status.list_id_differs": (
        "The status list read at {url} names itself {id}; it is read as the issuer's list "
        "because the issuer signed it."
    ),
    "status.list_expired": "The status list at {url} is outside its validity period.",
    "status.list_purpose": "The status list at {url} is not a list for {purpose}.",
    "status.list_invalid": "The status list at {url} is not a valid status list.",
    "status.unsupported": "The status method {type} is not supported.",
    # Dates
    "dates.passed": "The badge is within its validity period.",
    "dates.bad_start": "The start date {value} is invalid.",
    "dates.bad_end": "The end date {value} is invalid.",
    "dates.not_yet": "The badge is valid only from {date}.",
    "dates.expired": "The badge expired on {date}.",
    # Recipient
    "recipient.passed": "The badge was awarded to {recipient}.",
    "recipient.failed": "The badge was not awarded to {recipient}.",
    # Endorsements
    "endorsements.summary": "{good} of {total} endorsements are valid.",
    "endorsements.elsewhere": "{count} of them are about something other than this badge.",
    # Open Badges 2.0
    "ob2.malformed": "This Open Badges 2.0 assertion is malformed.",
    "ob2.not_hosted_or_signed": "This Open Badges 2.0 badge is neither hosted at a web address "
    "nor signed.",
    "ob2.hosted_unreachable": "The issuer's copy of the badge cannot be fetched.",
    "ob2.hosted": "The issuer hosts this badge.",
    "ob2.not_on_issuer_site": "The badge is not hosted on its issuer's site.",
    "ob2.untrusted": "The badge cannot be trusted.",
    "ob2.document_unreachable": "A document of the issuer cannot be fetched.",
    "ob2.revocation_unreadable": "The revocation list cannot be read.",
    # Fetching (the reason codes of obcore.fetch.FetchError)
    "fetch.gone": "{url}: the server says this document was removed (410).",
    "fetch.not_found": "{url}: the server has no such document (404).",
    "fetch.http_error": "{url}: the server answered with an error.",
    "fetch.timeout": "{url}: the server took too long to answer.",
    "fetch.too_large": "{url}: the document is larger than the limit.",
    "fetch.dns": "{url}: the host cannot be found.",
    "fetch.network": "{url}: the server cannot be reached.",
    "fetch.tls": "{url}: the secure connection failed.",
    "fetch.private_address": (
        "{url}: it points to a private or local address, which is not fetched."
    ),
    "fetch.offline": "{url}: documents cannot be fetched here.",
    "fetch.not_json": "{url}: the document is not a JSON object.",
    "fetch.content_type": "{url}: the server sent an unexpected content type.",
    "fetch.refused": "{url}: this address is not fetched.",
    "fetch.refused_document": "{url}: the document is refused ({cause}).",
    "fetch.failed": "{url}: the document cannot be fetched.",
    # Any other obcore error, by class (``text`` is the English detail)
    "error.input": "{text}",
    "error.document": "{text}",
    "error.proof": "{text}",
    "error.key": "{text}",
    "error.context": "{text}",
    "error.jose": "{text}",
    "error.status": "{text}",
    "error.baking": "{text}",
    "error.other": "{text}",
}

#: FetchError reasons with a code of their own; the others become ``fetch.refused`` (the
#: address itself is refused) or ``fetch.failed``.
_FETCH_REFUSED = frozenset({"scheme", "bad_url", "port", "bad_redirect", "too_many_redirects"})


class _Params(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class Message(str):
    """An English sentence that also knows its ``code`` and ``params``."""

    code: str
    params: dict[str, Any]

    def __new__(cls, code: str, /, **params: Any) -> Message:
        template = TEMPLATES[code]  # an unknown code is a programming error: fail loudly
        clean = {key: value for key, value in params.items() if value is not None}
        shown = {key: _shown(value) for key, value in clean.items()}
        message = super().__new__(cls, template.format_map(_Params(shown)))
        message.code = code
        message.params = clean
        return message

    def __reduce__(self) -> tuple[Any, ...]:  # pickling (bulk helpers, caches)
        return (_rebuild, (self.code, self.params))

    def to_json(self) -> dict[str, Any]:
        """``code``, ``params`` (nested messages as objects) and the English ``en``."""
        return {"code": self.code, "params": _json_params(self.params), "en": str(self)}


def _json_value(value: Any) -> Any:
    if isinstance(value, Message):
        return value.to_json()
    if isinstance(value, list | tuple):
        return [_json_value(item) for item in value]
    return value


def _json_params(params: Mapping[str, Any]) -> dict[str, Any]:
    return {key: _json_value(value) for key, value in params.items()}


def _shown(value: Any) -> Any:
    """A parameter as a template shows it: nested sentences without their full stop (they
    sit inside another sentence), lists joined with semicolons."""
    if isinstance(value, list | tuple):
        return "; ".join(str(_shown(item)) for item in value)
    if isinstance(value, Message):
        return str(value).rstrip(".")
    return value


def _rebuild(code: str, params: Mapping[str, Any]) -> Message:
    return Message(code, **params)


def of_error(exc: BaseException) -> Message:
    """The message an obcore error carries, or one made from its class and text."""
    from obcore import errors
    from obcore.fetch import FetchError

    if isinstance(exc, FetchError):
        reason = exc.reason
        code = (
            f"fetch.{reason}"
            if f"fetch.{reason}" in TEMPLATES
            else "fetch.refused"
            if reason in _FETCH_REFUSED
            else "fetch.failed"
        )
        cause = exc.__cause__
        if isinstance(cause, errors.ObcoreError):  # e.g. a document refused by the JSON reader
            return Message("fetch.refused_document", url=exc.url, cause=of_error(cause))
        return Message(code, url=exc.url)
    if exc.args and isinstance(exc.args[0], Message):
        return exc.args[0]
    text = str(exc)
    for kind, code in (
        (errors.InputError, "error.input"),
        (errors.KeyUnavailableError, "error.key"),
        (errors.ProofError, "error.proof"),
        (errors.ContextError, "error.context"),
        (errors.SafeModeError, "error.context"),
        (errors.JoseError, "error.jose"),
        (errors.StatusListError, "error.status"),
        (errors.BakingError, "error.baking"),
        (errors.KeyFormatError, "error.key"),
        (errors.DocumentError, "error.document"),
    ):
        if isinstance(exc, kind):
            return Message(code, text=text)
    return Message("error.other", text=text)
