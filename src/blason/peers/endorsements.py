"""What peer validation puts into the award: the observations as evidence, and each approving
validator's attestation as an OB 3.0 EndorsementCredential signed with their own key.

An approval is signed when it is given (``sign_endorsement``): its ``validFrom`` is that moment,
its issuer is the validator's personal issuer profile (every account has one, with its keys), and
its ``credentialSubject`` is an ``EndorsementSubject`` whose ``id`` is the award it endorses. The
award's address is chosen with the request (``BadgeRequest.award_uuid``), so the endorsement can
name it before the award exists. It is stored exactly as signed and embedded verbatim in the
award's ``endorsement`` array, which the community then signs. The texts are in the badge's
language, like the rest of the credential. See docs/peer-recognition.md.
"""

from __future__ import annotations

import json

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from blason.core.models import Issuer
from blason.core.site import absolute_url
from blason.issuing.awarding import services as awards
from blason.issuing.signing import selectors as signing
from blason.peers import selectors as peer_selectors
from blason.peers.models import BadgeRequest, Validation
from obcore import ob3
from obcore.proofs.data_integrity import sign


def award_address(request: BadgeRequest) -> str:
    """The address the award of ``request`` will have (the endorsements' subject)."""
    return absolute_url("award_public", request.award_uuid)


def _date(validation: Validation) -> str:
    return formats.date_format(validation.observed_on, "DATE_FORMAT")


def observation_text(validation: Validation) -> str:
    """The observation in a few lines, in the active language (Markdown)."""
    text = _("Observed on %(date)s, at %(place)s.") % {
        "date": _date(validation),
        "place": validation.place,
    }
    text += "\n\n" + validation.observation.strip()
    if validation.comment.strip():
        text += "\n\n" + validation.comment.strip()
    return text


def sign_endorsement(validation: Validation, personal: Issuer) -> str:
    """The validator's EndorsementCredential for ``validation`` (an approval), signed with
    ``personal``, their personal issuer (which exists: the caller made sure); returned as the
    JSON text to keep."""
    request = validation.request
    badge = request.badge
    key = signing.active_key(personal)
    now = timezone.now().replace(microsecond=0)
    with translation.override(badge.language or None):
        credential = ob3.EndorsementCredential(
            id=f"urn:uuid:{validation.uuid}",
            name=_("Peer validation: %(badge)s") % {"badge": badge.name},
            issuer=ob3.Profile(id=signing.issuer_url(personal), name=personal.name),
            valid_from=now,
            credential_subject=ob3.EndorsementSubject(
                id=award_address(request), endorsement_comment=observation_text(validation)
            ),
        )
    signed = sign(
        credential.to_json(),
        signing.private_key(key),
        verification_method=signing.verification_method_id(personal, key),
        created=now,
        proof_list=True,
    )
    return json.dumps(signed, ensure_ascii=False, separators=(",", ":"))


def award_evidence(
    request: BadgeRequest, approvals: list[Validation]
) -> list[awards.EvidenceInput]:
    """The evidence of the award: what the person described (with their link and file), then
    one piece per validator who approved, saying who observed what, when and where."""
    badge = request.badge
    items = []
    file = None
    if request.evidence_file:
        with request.evidence_file.open("rb") as handle:
            file = handle.read()
    with translation.override(badge.language or None):
        items.append(
            awards.EvidenceInput(
                name=_("What the person did"),
                narrative=request.description,
                url=request.evidence_url,
            )
        )
        if file is not None:
            items.append(
                awards.EvidenceInput(
                    name=request.evidence_file_name or _("Evidence file"),
                    file=file,
                    file_name=request.evidence_file_name,
                )
            )
        for validation in approvals:
            items.append(
                awards.EvidenceInput(
                    name=_("Observed by %(name)s") % {"name": validator_name(validation)},
                    narrative=observation_text(validation),
                )
            )
    return items


def validator_name(validation: Validation) -> str:
    """The name a validator signs with: their personal issuer's name."""
    return peer_selectors.signing_name(validation.validator)
