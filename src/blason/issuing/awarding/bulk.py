"""Awarding many people at once (a spreadsheet's rows): the same documents as
``services.award_issue`` gives each of them, made at bulk speed."""

from __future__ import annotations

import os
import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models.base import ModelState
from django.utils import timezone
from django.utils.translation import gettext as _

from blason.core import audit, outbox, quotas
from blason.core import hooks as core_hooks
from blason.core.bulk_insert import insert_rows, new_keys, present_values
from blason.core.exceptions import ActionRefused
from blason.core.models import Issuer
from blason.issuing.awarding import claim_codes, credentials, emails, services, status_lists
from blason.issuing.awarding import sms as award_sms
from blason.issuing.awarding.models import (
    Award,
    AwardBatch,
    Evidence,
)
from blason.issuing.badges.models import BadgeClass, BadgeStatus
from blason.issuing.signing import issuer_documents, keys
from obcore.bulk import BulkSigner, Shaped

# Credentials handed to a signing helper at a time in a bulk award.
SIGNING_SLICE = 50


@dataclass(frozen=True)
class Recipient:
    """One person of a bulk award (a spreadsheet row): known by e-mail, phone or name."""

    email: str = ""
    phone: str = ""
    name: str = ""
    narrative: str = ""
    evidence_url: str = ""
    language: str = ""
    idempotency_key: str = ""
    # The e-mail and phone are already in the form ``services.set_recipient`` gives them
    # (a batch's rows, checked when the file was read): they are not parsed again.
    checked: bool = False


class RecipientRefused(ActionRefused):
    """A recipient of ``award_many`` cannot be awarded; ``position`` is their place in the
    list given. Nothing of the call is written."""

    def __init__(self, position: int, message: str) -> None:
        super().__init__(message)
        self.position = position


def awarded_keys(badge: BadgeClass, keys: Collection[str]) -> set[str]:
    """Which of these idempotency keys were already awarded ``badge`` (one lookup of each in
    the idempotency index)."""
    return present_values(Award, "idempotency_key", keys, badge_id=badge.pk)


def _copy(prototype: Award) -> Award:
    """A new, unsaved award with the field values and related objects of ``prototype``: what
    unpickling a copy of it gives (``Model.__reduce__``, ``__setstate__``), without the
    pickling."""
    award = Award.__new__(Award)
    award.__dict__.update(prototype.__dict__)
    state = award._state = ModelState()
    state.fields_cache = dict(prototype._state.fields_cache)
    return award


@transaction.atomic
def award_many(
    *,
    badge: BadgeClass,
    actor: Any,
    recipients: Sequence[Recipient],
    batch: AwardBatch | None = None,
    notify: bool = True,
) -> list[Award]:
    """Award ``badge`` to many people at once: the same documents as ``award_issue`` gives
    each of them, made at bulk speed.

    The credentials share a shape, so the process-wide canonicaliser signs them on its fast
    path; the database sees a dozen queries per call (idempotency keys, status indexes and
    claim codes checked in one query each, one audit entry naming every award) and the bulk
    inserts of the awards and evidence; the e-mails are recorded in the outbox in the same
    transaction (sent by the workers once it commits). Recipients
    whose ``idempotency_key`` was already awarded are skipped; the new awards are returned.
    A recipient that cannot be awarded (a phone number that is not valid) raises
    ``RecipientRefused`` and nothing is written. The e-mails are counted against the daily
    quotas (``blason.core.quotas``) before anything is written, except for a ``batch``, whose
    e-mails were counted when it was confirmed.
    """
    if badge.status != BadgeStatus.PUBLISHED:
        raise ActionRefused(_("Only a published badge can be awarded."))
    wanted = {r.idempotency_key for r in recipients if r.idempotency_key}
    seen: set[str] = set()
    if wanted:
        seen.update(awarded_keys(badge, wanted))
    todo: list[tuple[int, Recipient]] = []
    for position, recipient in enumerate(recipients):
        if recipient.idempotency_key:
            if recipient.idempotency_key in seen:
                continue
            seen.add(recipient.idempotency_key)
        todo.append((position, recipient))
    if not todo:
        return []
    issuer = badge.issuer
    if notify and batch is None:
        emailed = sum(1 for _position, recipient in todo if recipient.email.strip())
        quotas.reserve(issuer=issuer, actor=actor, count=emailed)
    Issuer.objects.select_for_update().filter(pk=issuer.pk).first()  # one index at a time
    issued = timezone.now().replace(microsecond=0)
    valid_until = credentials.valid_until(badge, issued)
    key = keys.active_key(issuer)
    private_key = keys.private_key(key)
    method = issuer_documents.verification_method_id(issuer, key)
    shared = credentials.SharedParts(badge)
    # Each credential as its shape's slot values, built from the award's own values.
    slotted = credentials.CredentialSlots(shared)
    made: list[Award] = []
    evidence_rows: list[Evidence] = []
    unsigned: list[dict[str, Any] | Shaped] = []
    # Helper processes sign each slice while this one builds the next.
    signer = BulkSigner(
        private_key,
        verification_method=method,
        created=issued,
        canonicalizer=credentials.CANONICALIZER,
        processes=settings.SIGNING_PROCESSES,
        text=True,  # compact JSON, stored as signed
        proof_list=True,  # OB 3.0 JSON: "proof" is a sequence, so an array
    )
    entries = status_lists.allocate_status_entries(issuer, len(todo))
    codes = claim_codes.unused_claim_codes(len(todo))
    # Each award's UUID (version 4, as ``uuid.uuid4``) and salt (as ``ob3.new_salt``) from one
    # draw of random bytes for the call rather than two system calls per award.
    randomness = os.urandom(32 * len(todo))
    # What every award of the call shares, set once: each award is a copy of this one given
    # its own values (``_copy``), ten times cheaper than a model built from keyword arguments
    # (every field's default, each related object set through its descriptor and the
    # database router asked: 50 µs an award).
    prototype = Award(
        badge=badge,
        issuer=issuer,
        issued_at=issued,
        valid_until=valid_until,
        awarded_by=actor,
        batch=batch,
        status_index=0,
    )
    for n, ((position, recipient), (list_number, index), code) in enumerate(
        zip(todo, entries, codes, strict=True)
    ):
        award = _copy(prototype)
        award.uuid = uuid.UUID(bytes=randomness[32 * n : 32 * n + 16], version=4)
        award.narrative = recipient.narrative.strip()
        award.recipient_language = recipient.language
        award.recipient_salt = randomness[32 * n + 16 : 32 * n + 32].hex()
        award.status_list = list_number
        award.status_index = index
        award.claim_code = code
        award.idempotency_key = recipient.idempotency_key
        try:
            setter = services.set_checked_recipient if recipient.checked else services.set_recipient
            setter(award, email=recipient.email, phone=recipient.phone, name=recipient.name)
        except ActionRefused as exc:
            raise RecipientRefused(position, str(exc)) from exc
        evidence = (
            services.make_evidence(award, [services.EvidenceInput(url=recipient.evidence_url)])
            if recipient.evidence_url.strip()
            else []
        )
        shaped = slotted.slots(award, evidence)
        unsigned.append(
            shaped if shaped is not None else credentials.build_credential(award, evidence, shared)
        )
        if len(unsigned) == SIGNING_SLICE:
            signer.submit_shaped(unsigned)
            unsigned = []
        made.append(award)
        evidence_rows.extend(evidence)
    signer.submit_shaped(unsigned)
    # One entry for the call, naming every award: each award row records who awarded it and
    # when, and 100,000 "award issued" lines would drown the space's activity log.
    audit.record(
        action="issuing.award.issued_many",
        actor=actor,
        issuer=issuer,
        target=batch,
        data={
            "badge": str(badge.uuid),
            "count": len(made),
            "awards": [str(award.uuid) for award in made],
        },
    )
    if notify:
        # Before the awards are stored, while the helpers sign: nothing here needs their rows.
        # In this transaction: the e-mails exist exactly when the awards do, and are written
        # (in each recipient's language) by the worker that sends them.
        outbox.record_rendered(
            (
                (emails.email_key(award), award.recipient_email, {"award": str(award.uuid)})
                for award in made
                if award.recipient_email
            ),
            renderer=emails.AWARD_EMAIL,
        )
        # People known only by a phone number are told by SMS, recorded the same way (the
        # workers send them; the space's SMS limit may leave some out: the report says so).
        award_sms.record(made, issuer=issuer, batch=batch)
    # Stored part by part as the signatures come in, in any order, while the helpers sign
    # the rest; their keys are reserved at once.
    for award, reserved in zip(made, new_keys(Award, len(made)), strict=True):
        award.pk = reserved
    for start, texts in signer.as_completed():
        part = made[start : start + len(texts)]
        for award, text in zip(part, texts, strict=True):
            award.credential = text
        insert_rows(Award, part)
    Evidence.objects.bulk_create(evidence_rows, batch_size=500)
    core_hooks.awards_changed(badge=badge, awards=made)
    return made
