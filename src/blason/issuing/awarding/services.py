"""Awarding one badge to one person, and revoking an award: build the OB 3.0 credential
(``credentials``), sign it, store it exactly as signed, and tell the recipient.

Awarding many at once is ``bulk.award_many``; revocation flips the award's bit in the issuer's
Bitstring Status List (``status_lists``), whose signed credential is rebuilt on the next
request for it."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import phonenumbers
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from blason.core import audit, quotas
from blason.core import hooks as core_hooks
from blason.core.abuse import Origin
from blason.core.emails import send_templated
from blason.core.exceptions import ActionRefused
from blason.core.models import Issuer
from blason.issuing.awarding import claim_codes, credentials, emails, status_lists
from blason.issuing.awarding import sms as award_sms
from blason.issuing.awarding.models import (
    Award,
    AwardBatch,
    Evidence,
    RecipientKind,
    StatusListCache,
)
from blason.issuing.badges.models import BadgeClass, BadgeStatus
from blason.issuing.signing import issuer_documents, keys
from obcore import ob3
from obcore.proofs.data_integrity import sign

EVIDENCE_TYPES = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}


def normalise_phone(text: str) -> str:
    """The E.164 form of a phone number (``+33612345678``); national numbers are read in
    ``settings.PHONE_REGION``. Raises ``ActionRefused`` when it is not a possible number."""
    try:
        number = phonenumbers.parse(text, settings.PHONE_REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ActionRefused(_("This phone number is not valid: %(phone)s") % {"phone": text})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@dataclass(frozen=True)
class EvidenceInput:
    """Evidence given when awarding: a link, a text and/or a file (already read)."""

    name: str = ""
    narrative: str = ""
    url: str = ""
    file: bytes | None = None
    file_name: str = ""

    def is_empty(self) -> bool:
        return not (self.narrative.strip() or self.url.strip() or self.file)


def evidence_file_type(content: bytes) -> str:
    """The content type of an evidence file, from its bytes; only PDF, PNG and JPEG are kept
    (served back as attachments, so nothing in them runs in the site's origin)."""
    if len(content) > settings.EVIDENCE_MAX_BYTES:
        raise ActionRefused(
            _("The evidence file is too large (at most %(size)d MB).")
            % {"size": settings.EVIDENCE_MAX_BYTES // (1024 * 1024)}
        )
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    raise ActionRefused(_("An evidence file must be a PDF, PNG or JPEG file."))


def set_recipient(award: Award, *, email: str, phone: str, name: str) -> None:
    set_checked_recipient(
        award,
        email=email.strip().lower(),
        phone=normalise_phone(phone) if phone.strip() else "",
        name=name,
    )


def set_checked_recipient(award: Award, *, email: str, phone: str, name: str) -> None:
    """``set_recipient`` for an e-mail and phone already in the form it gives them (a
    spreadsheet's rows, checked before awarding)."""
    award.recipient_email = email
    award.recipient_phone = phone
    award.recipient_name = name.strip()
    if award.recipient_email:
        award.recipient_kind = RecipientKind.EMAIL
    elif award.recipient_phone:
        award.recipient_kind = RecipientKind.PHONE
    elif award.recipient_name:
        award.recipient_kind = RecipientKind.NAME
    else:
        raise ActionRefused(_("Give the recipient's e-mail address, phone number or name."))


def make_evidence(award: Award, items: Sequence[EvidenceInput]) -> list[Evidence]:
    rows = []
    for position, item in enumerate(entry for entry in items if not entry.is_empty()):
        row = Evidence(
            award=award,
            position=position,
            name=item.name.strip(),
            narrative=item.narrative.strip(),
            url=item.url.strip(),
        )
        if item.file:
            row.content_type = evidence_file_type(item.file)
            row.file_name = item.file_name[:200] or f"evidence.{EVIDENCE_TYPES[row.content_type]}"
            row.file.save(
                f"{row.uuid}.{EVIDENCE_TYPES[row.content_type]}", ContentFile(item.file), save=False
            )
        rows.append(row)
    return rows


@transaction.atomic
def award_issue(
    *,
    badge: BadgeClass,
    actor: Any,
    email: str = "",
    phone: str = "",
    name: str = "",
    narrative: str = "",
    evidence: Sequence[EvidenceInput] = (),
    language: str | None = None,
    idempotency_key: str = "",
    batch: AwardBatch | None = None,
    notify: bool = True,
    issued_at: datetime | None = None,
    award_uuid: uuid.UUID | None = None,
    endorsements: Sequence[dict[str, Any]] = (),
) -> Award:
    """Award ``badge`` to a person known by e-mail, phone number or only a name.

    Everything happens in one transaction: the award, its evidence and the audit entry are
    written together or not at all. With an ``idempotency_key`` (a spreadsheet row, a claim),
    awarding again returns the existing award instead of a second one. A recipient with an
    e-mail address is told by e-mail, in ``language``; one known by a phone number only, by
    SMS (``award_sms``) when SMS is on; the others get their claim code from the awarder.
    ``issued_at`` records a badge earned earlier (never in the future).
    ``award_uuid`` gives the award an address chosen beforehand, and ``endorsements`` are
    signed EndorsementCredentials embedded verbatim (``blason.peers``: each validator's,
    which names that address).
    """
    if badge.status != BadgeStatus.PUBLISHED:
        raise ActionRefused(_("Only a published badge can be awarded."))
    if idempotency_key:
        # ``exclude`` repeats the condition of the partial unique index, without which SQLite
        # does not use it and reads every award of the badge instead.
        keyed = Award.objects.filter(badge=badge, idempotency_key=idempotency_key)
        existing = keyed.exclude(idempotency_key="").first()
        if existing is not None:
            return existing
    issuer = badge.issuer
    if notify and email.strip():
        quotas.reserve(issuer=issuer, actor=actor, count=1)  # refused: nothing is written
    Issuer.objects.select_for_update().filter(pk=issuer.pk).first()  # one index at a time
    if idempotency_key:
        # Asked again while the first request was awarding (the same form sent twice at
        # once): the issuer's lock made this one wait, and now it sees the first one's award.
        existing = keyed.exclude(idempotency_key="").first()
        if existing is not None:
            return existing
    now = timezone.now().replace(microsecond=0)
    if issued_at is not None and issued_at > now:
        raise ActionRefused(_("A badge cannot be awarded in the future."))
    issued = now if issued_at is None else issued_at.replace(microsecond=0)
    list_number, index = status_lists.allocate_status_entry(issuer)
    award = Award(
        uuid=award_uuid or uuid.uuid4(),
        badge=badge,
        issuer=issuer,
        narrative=narrative.strip(),
        recipient_language=language or "",
        recipient_salt=ob3.new_salt(),
        status_list=list_number,
        status_index=index,
        issued_at=issued,
        valid_until=credentials.valid_until(badge, issued),
        awarded_by=actor,
        claim_code=claim_codes.new_claim_code(),
        batch=batch,
        idempotency_key=idempotency_key,
    )
    set_recipient(award, email=email, phone=phone, name=name)
    evidence_rows = make_evidence(award, evidence)
    key = keys.active_key(issuer)
    signed = sign(
        credentials.build_credential(award, evidence_rows, endorsements=endorsements),
        keys.private_key(key),
        verification_method=issuer_documents.verification_method_id(issuer, key),
        created=issued,
        canonicalizer=credentials.CANONICALIZER,
        proof_list=True,
    )
    award.credential = json.dumps(signed, ensure_ascii=False, separators=(",", ":"))
    award.save()
    Evidence.objects.bulk_create(evidence_rows)
    audit.record(
        action="issuing.award.issued",
        actor=actor,
        issuer=issuer,
        target=award,
        data={"badge": str(badge.uuid)},
    )
    if notify and award.recipient_email:
        send_templated(
            template_prefix="issuing/email/award",
            to=award.recipient_email,
            context=emails.email_context(award),
            language=language,
            origin=Origin(actor=actor, issuer=issuer),
            key=emails.email_key(award),
        )
    if notify:
        award_sms.record([award], issuer=issuer, batch=batch)
    core_hooks.awards_changed(badge=badge, awards=[award])  # pathways: progress after commit
    return award


@transaction.atomic
def award_revoke(*, award: Award, actor: Any, reason: str) -> Award:
    locked = Award.objects.select_for_update().only("revoked_at").get(pk=award.pk)
    if award.revoked_at is not None or locked.revoked_at is not None:
        raise ActionRefused(_("This badge is already revoked."))
    award.revoked_at = timezone.now()
    award.revocation_reason = reason.strip()
    award.save(update_fields=["revoked_at", "revocation_reason"])
    audit.record(
        action="issuing.award.revoked",
        actor=actor,
        issuer=award.issuer,
        target=award,
        data={"reason": award.revocation_reason},
    )
    award_sms.cancel(award)  # an SMS not yet sent is not sent
    core_hooks.awards_changed(badge=award.badge, awards=[award])
    # A new revision of the list, committed with the revocation itself: a list built from an
    # earlier revision is never served again (see status_list_credential). Last, so the
    # list's row is locked only for the commit.
    bumped = StatusListCache.objects.filter(issuer=award.issuer, number=award.status_list)
    if not bumped.update(revision=F("revision") + 1):
        row, _created = StatusListCache.objects.get_or_create(
            issuer=award.issuer, number=award.status_list
        )
        StatusListCache.objects.filter(pk=row.pk).update(revision=F("revision") + 1)
    return award
