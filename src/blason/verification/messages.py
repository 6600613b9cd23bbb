"""What obcore's verification says, in the reader's language.

Why one module of over 400 lines: it is a catalogue, one translatable sentence per obcore check
code; a catalogue is read and completed as one list.

obcore reports every check as a stable code with data (``obcore.messages``); this catalogue
holds one translatable sentence per code (its ``msgctxt`` is the code, its ``msgid`` obcore's
English template, kept equal by a test), and :func:`check_text` renders a check — its message,
then the precise problems behind it — in the active language. Dates among the data are shown
as dates; nested messages are translated in turn. A code this catalogue does not know (a
report kept from an older Blason, or a newer obcore) falls back to the English kept with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext as _

from obcore.messages import Message
from obcore.verify import Check, State

__all__ = ["CATALOGUE", "check_text", "message_text"]

CATALOGUE: dict[str, Promise] = {
    "read.too_large": pgettext_lazy(
        "read.too_large",
        "The badge cannot be read: it is larger than {limit} bytes.",
    ),
    "read.unreadable": pgettext_lazy("read.unreadable", "The badge cannot be read."),
    "read.image_without_badge": pgettext_lazy(
        "read.image_without_badge",
        "No badge can be read from this image.",
    ),
    "read.unknown_file": pgettext_lazy(
        "read.unknown_file",
        "The file is neither an image, JSON nor a JWS.",
    ),
    "read.offline": pgettext_lazy(
        "read.offline",
        "This badge is a web address, and fetching is not allowed here.",
    ),
    "read.fetch_failed": pgettext_lazy(
        "read.fetch_failed",
        "The badge could not be fetched from {url}.",
    ),
    "read.gone": pgettext_lazy(
        "read.gone",
        "The issuer removed this badge from {url} (HTTP 410 Gone).",
    ),
    "read.not_a_badge": pgettext_lazy(
        "read.not_a_badge",
        "This is not an Open Badge (JSON, JWS or baked image expected).",
    ),
    "read.jws_undecodable": pgettext_lazy("read.jws_undecodable", "This JWS cannot be decoded."),
    "read.too_deep": pgettext_lazy("read.too_deep", "The badge is nested too deeply to be read."),
    "parse.not_vc": pgettext_lazy(
        "parse.not_vc",
        "This is not a verifiable credential (its type lacks VerifiableCredential).",
    ),
    "parse.no_ob_context": pgettext_lazy(
        "parse.no_ob_context",
        "This JSON is not an Open Badge (no Open Badges context).",
    ),
    "model.passed": pgettext_lazy(
        "model.passed",
        "The badge follows the Open Badges 3.0 data model.",
    ),
    "model.failed": pgettext_lazy(
        "model.failed",
        "The badge does not follow the Open Badges 3.0 data model.",
    ),
    "model.warning": pgettext_lazy(
        "model.warning",
        "The badge does not follow the Open Badges 3.0 data model exactly.",
    ),
    "model.context_first": pgettext_lazy(
        "model.context_first",
        "@context must start with the Verifiable Credentials context.",
    ),
    "model.context_ob": pgettext_lazy(
        "model.context_ob",
        "@context must name the Open Badges 3.0 context right after it.",
    ),
    "model.type": pgettext_lazy(
        "model.type",
        "type must contain VerifiableCredential and {expected}.",
    ),
    "model.required": pgettext_lazy("model.required", "{property} is required."),
    "model.subject_identity": pgettext_lazy(
        "model.subject_identity",
        "credentialSubject must have an id or an identifier.",
    ),
    "model.single_subject": pgettext_lazy(
        "model.single_subject",
        "credentialSubject must be one object.",
    ),
    "schema.required": pgettext_lazy("schema.required", "{path}: {property} is required."),
    "schema.type": pgettext_lazy("schema.type", "{path}: must be of type {expected}."),
    "schema.format": pgettext_lazy("schema.format", "{path}: must be a {format}."),
    "schema.value": pgettext_lazy("schema.value", "{path}: this value is not allowed."),
    "schema.choice": pgettext_lazy("schema.choice", "{path}: matches none of the allowed forms."),
    "schema.other": pgettext_lazy("schema.other", "{path}: {text}"),
    "proof.missing": pgettext_lazy("proof.missing", "The badge carries no signature."),
    "proof.none": pgettext_lazy("proof.none", "The credential has no proof."),
    "proof.valid": pgettext_lazy(
        "proof.valid",
        "The signature is valid ({cryptosuite}), made with a key of {controller}.",
    ),
    "proof.one_valid": pgettext_lazy(
        "proof.one_valid",
        "Signature {number} of {count} is valid ({cryptosuite}), made with a key of {controller}.",
    ),
    "proof.one_invalid": pgettext_lazy(
        "proof.one_invalid",
        "Signature {number} of {count} is not valid.",
    ),
    "proof.invalid": pgettext_lazy(
        "proof.invalid",
        "The signature is not valid: the badge was altered or forged.",
    ),
    "proof.unverifiable": pgettext_lazy("proof.unverifiable", "The signature cannot be checked."),
    "proof.jwt_valid": pgettext_lazy(
        "proof.jwt_valid",
        "The VC-JWT signature of the issuer is valid.",
    ),
    "proof.jwt_invalid": pgettext_lazy("proof.jwt_invalid", "The VC-JWT is not valid."),
    "proof.rs256_valid": pgettext_lazy(
        "proof.rs256_valid",
        "The RS256 signature of the issuer is valid.",
    ),
    "proof.not_json_object": pgettext_lazy(
        "proof.not_json_object",
        "The proof is not a JSON object.",
    ),
    "proof.unsupported": pgettext_lazy("proof.unsupported", "Unsupported proof type {type}."),
    "proof.purpose": pgettext_lazy("proof.purpose", "The proof's purpose is not {purpose}."),
    "proof.malformed": pgettext_lazy(
        "proof.malformed",
        "The proof is malformed (proofValue or verificationMethod).",
    ),
    "proof.created": pgettext_lazy(
        "proof.created",
        "The proof's created time is not a date-time with a time zone.",
    ),
    "proof.expired": pgettext_lazy(
        "proof.expired",
        "The proof has expired (or its expiry time is not a date-time).",
    ),
    "proof.mismatch": pgettext_lazy(
        "proof.mismatch",
        "The signature does not match: the credential was altered.",
    ),
    "proof.not_issuer_key": pgettext_lazy(
        "proof.not_issuer_key",
        "The signing key belongs to {controller}, not to the issuer {issuer}.",
    ),
    "proof.none_by_issuer": pgettext_lazy(
        "proof.none_by_issuer",
        "None of the {count} proofs was made with a key of the issuer {issuer} (keys of {keys}).",
    ),
    "proof.numbered": pgettext_lazy("proof.numbered", "Proof {number} of {count}: {problem}."),
    "proof.key_not_found": pgettext_lazy(
        "proof.key_not_found",
        "The verification method {method} cannot be found.",
    ),
    "proof.key_not_found_because": pgettext_lazy(
        "proof.key_not_found_because",
        "The verification method {method} cannot be found ({causes}).",
    ),
    "proof.key_not_listed": pgettext_lazy(
        "proof.key_not_listed",
        "{controller} does not list {method} among its {purpose} keys.",
    ),
    "proof.no_controller": pgettext_lazy(
        "proof.no_controller",
        "The verification method {method} names no controller.",
    ),
    "proof.controller_unreachable": pgettext_lazy(
        "proof.controller_unreachable",
        "The controller {controller} of {method} cannot be fetched.",
    ),
    "jwt.sub_mismatch": pgettext_lazy(
        "jwt.sub_mismatch",
        "The JWT sub claim ({sub}) is not the credential subject's id.",
    ),
    "jwt.typ": pgettext_lazy("jwt.typ", "The JWT typ header must be JWT, not {typ}."),
    "jwt.header": pgettext_lazy(
        "jwt.header",
        "JOSE header parameters not allowed in a VC-JWT: {names}.",
    ),
    "jwt.claim_mismatch": pgettext_lazy(
        "jwt.claim_mismatch",
        "The JWT claim {claim} disagrees with the credential.",
    ),
    "jwt.key_not_issuer": pgettext_lazy(
        "jwt.key_not_issuer",
        "The signing key {kid} does not belong to the issuer {issuer}.",
    ),
    "jwt.jwk_not_issuer": pgettext_lazy(
        "jwt.jwk_not_issuer",
        "The key in the JWT header is not a key of the issuer {issuer}.",
    ),
    "jwt.no_issuer": pgettext_lazy("jwt.no_issuer", "The credential names no issuer."),
    "jwt.signature": pgettext_lazy("jwt.signature", "The signature does not verify."),
    "status.none": pgettext_lazy("status.none", "The issuer publishes no revocation list."),
    "status.passed": pgettext_lazy("status.passed", "The badge is not revoked."),
    "status.revoked": pgettext_lazy("status.revoked", "The issuer revoked this badge."),
    "status.revoked_reason": pgettext_lazy(
        "status.revoked_reason",
        "The issuer revoked this badge ({reason}).",
    ),
    "status.suspended": pgettext_lazy("status.suspended", "The issuer suspended this badge."),
    "status.unverifiable": pgettext_lazy(
        "status.unverifiable",
        "The revocation status cannot be checked.",
    ),
    "status.no_address": pgettext_lazy(
        "status.no_address",
        "The status entry has no list address.",
    ),
    "status.list_unreadable": pgettext_lazy(
        "status.list_unreadable",
        "The status list at {url} cannot be read ({cause}).",
    ),
    "status.list_unsigned": pgettext_lazy(
        "status.list_unsigned",
        "The status list at {url} is not signed: it cannot be trusted.",
    ),
    "status.list_bad_proof": pgettext_lazy(
        "status.list_bad_proof",
        "The signature of the status list at {url} is not valid ({causes}).",
    ),
    "status.list_other_signer": pgettext_lazy(
        "status.list_other_signer",
        "The status list at {url} is signed by {signer}, not by the issuer {issuer}.",
    ),
    "status.list_id_differs": pgettext_lazy(
        "status.list_id_differs",
        "The status list read at {url} names itself {id}; it is read as the issuer's "
        "list because the issuer signed it.",
    ),
    "status.list_expired": pgettext_lazy(
        "status.list_expired",
        "The status list at {url} is outside its validity period.",
    ),
    "status.list_purpose": pgettext_lazy(
        "status.list_purpose",
        "The status list at {url} is not a list for {purpose}.",
    ),
    "status.list_invalid": pgettext_lazy(
        "status.list_invalid",
        "The status list at {url} is not a valid status list.",
    ),
    "status.unsupported": pgettext_lazy(
        "status.unsupported",
        "The status method {type} is not supported.",
    ),
    "dates.passed": pgettext_lazy("dates.passed", "The badge is within its validity period."),
    "dates.bad_start": pgettext_lazy("dates.bad_start", "The start date {value} is invalid."),
    "dates.bad_end": pgettext_lazy("dates.bad_end", "The end date {value} is invalid."),
    "dates.not_yet": pgettext_lazy("dates.not_yet", "The badge is valid only from {date}."),
    "dates.expired": pgettext_lazy("dates.expired", "The badge expired on {date}."),
    "recipient.passed": pgettext_lazy("recipient.passed", "The badge was awarded to {recipient}."),
    "recipient.failed": pgettext_lazy(
        "recipient.failed",
        "The badge was not awarded to {recipient}.",
    ),
    "endorsements.summary": pgettext_lazy(
        "endorsements.summary",
        "{good} of {total} endorsements are valid.",
    ),
    "endorsements.elsewhere": pgettext_lazy(
        "endorsements.elsewhere",
        "{count} of them are about something other than this badge.",
    ),
    "ob2.malformed": pgettext_lazy("ob2.malformed", "This Open Badges 2.0 assertion is malformed."),
    "ob2.not_hosted_or_signed": pgettext_lazy(
        "ob2.not_hosted_or_signed",
        "This Open Badges 2.0 badge is neither hosted at a web address nor signed.",
    ),
    "ob2.hosted_unreachable": pgettext_lazy(
        "ob2.hosted_unreachable",
        "The issuer's copy of the badge cannot be fetched.",
    ),
    "ob2.hosted": pgettext_lazy("ob2.hosted", "The issuer hosts this badge."),
    "ob2.not_on_issuer_site": pgettext_lazy(
        "ob2.not_on_issuer_site",
        "The badge is not hosted on its issuer's site.",
    ),
    "ob2.untrusted": pgettext_lazy("ob2.untrusted", "The badge cannot be trusted."),
    "ob2.document_unreachable": pgettext_lazy(
        "ob2.document_unreachable",
        "A document of the issuer cannot be fetched.",
    ),
    "ob2.revocation_unreadable": pgettext_lazy(
        "ob2.revocation_unreadable",
        "The revocation list cannot be read.",
    ),
    "fetch.gone": pgettext_lazy(
        "fetch.gone",
        "{url}: the server says this document was removed (410).",
    ),
    "fetch.not_found": pgettext_lazy(
        "fetch.not_found",
        "{url}: the server has no such document (404).",
    ),
    "fetch.http_error": pgettext_lazy(
        "fetch.http_error",
        "{url}: the server answered with an error.",
    ),
    "fetch.timeout": pgettext_lazy("fetch.timeout", "{url}: the server took too long to answer."),
    "fetch.too_large": pgettext_lazy(
        "fetch.too_large",
        "{url}: the document is larger than the limit.",
    ),
    "fetch.dns": pgettext_lazy("fetch.dns", "{url}: the host cannot be found."),
    "fetch.network": pgettext_lazy("fetch.network", "{url}: the server cannot be reached."),
    "fetch.tls": pgettext_lazy("fetch.tls", "{url}: the secure connection failed."),
    "fetch.private_address": pgettext_lazy(
        "fetch.private_address",
        "{url}: it points to a private or local address, which is not fetched.",
    ),
    "fetch.offline": pgettext_lazy("fetch.offline", "{url}: documents cannot be fetched here."),
    "fetch.not_json": pgettext_lazy("fetch.not_json", "{url}: the document is not a JSON object."),
    "fetch.content_type": pgettext_lazy(
        "fetch.content_type",
        "{url}: the server sent an unexpected content type.",
    ),
    "fetch.refused": pgettext_lazy("fetch.refused", "{url}: this address is not fetched."),
    "fetch.refused_document": pgettext_lazy(
        "fetch.refused_document",
        "{url}: the document is refused ({cause}).",
    ),
    "fetch.failed": pgettext_lazy("fetch.failed", "{url}: the document cannot be fetched."),
    "error.input": pgettext_lazy("error.input", "{text}"),
    "error.document": pgettext_lazy("error.document", "{text}"),
    "error.proof": pgettext_lazy("error.proof", "{text}"),
    "error.key": pgettext_lazy("error.key", "{text}"),
    "error.context": pgettext_lazy("error.context", "{text}"),
    "error.jose": pgettext_lazy("error.jose", "{text}"),
    "error.status": pgettext_lazy("error.status", "{text}"),
    "error.baking": pgettext_lazy("error.baking", "{text}"),
    "error.other": pgettext_lazy("error.other", "{text}"),
}


class _Params(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


def _value(value: Any) -> str:
    if isinstance(value, Message) or (isinstance(value, Mapping) and "code" in value):
        return message_text(value).rstrip(".")  # a sentence inside a sentence
    if isinstance(value, list | tuple):
        return "; ".join(_value(item) for item in value)
    if isinstance(value, str) and len(value) >= 20 and value[4:5] == "-" and "T" in value:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
        return str(formats.date_format(moment, "DATE_FORMAT"))
    return str(value)


def message_text(message: Any) -> str:
    """One message — an ``obcore.messages.Message`` or its JSON form — in the active language."""
    code: Any
    params: Any
    english: Any
    if isinstance(message, Message):
        code, params, english = message.code, message.params, str(message)
    elif isinstance(message, Mapping):
        code, params, english = message.get("code"), message.get("params") or {}, message.get("en")
    else:
        return str(message)
    template = CATALOGUE.get(str(code))
    if template is None:
        return str(english or "")
    shown = {key: _value(value) for key, value in dict(params).items()}
    return str(template).format_map(_Params(shown))


def check_text(check: Check | Mapping[str, Any]) -> str:
    """A check (from a report, or kept as JSON) in the active language."""
    if isinstance(check, Check):
        parts = [message_text(check.message), *(message_text(d) for d in check.details)]
    else:
        if "code" not in check:  # kept by an older Blason: its English and French only
            french = (get_language() or "").startswith("fr")
            return str(check.get("fr" if french else "en", ""))
        parts = [message_text(check), *(message_text(d) for d in check.get("details") or [])]
    return " ".join(part for part in parts if part)


def state_summary(state: State) -> tuple[str, str]:
    """A headline and a plain-language explanation for each outcome."""
    return {
        State.VALID: (
            _("Valid badge"),
            _(
                "It was issued by the issuer shown, to the person "
                "shown, and nothing in it was changed."
            ),
        ),
        State.EXPIRED: (_("Expired badge"), _("The badge is authentic but its validity ended.")),
        State.REVOKED: (_("Revoked badge"), _("The issuer withdrew this badge.")),
        State.SUSPENDED: (_("Suspended badge"), _("The issuer suspended this badge for now.")),
        State.NOT_YET_VALID: (_("Not valid yet"), _("The badge is valid only from a later date.")),
        State.INVALID: (
            _("Badge not valid"),
            _("It was altered or forged, or it was not issued to this person."),
        ),
        State.MALFORMED: (
            _("Not a readable badge"),
            _("This file or text is not an Open Badge we can read."),
        ),
        State.UNVERIFIABLE: (
            _("Cannot be checked"),
            _(
                "A document needed to check it (the "
                "issuer's key or list) could not be "
                "fetched. Try again later."
            ),
        ),
    }[state]
