"""Awarding: build the OB 3.0 credential from domain data, sign it, store it exactly as signed.

Revocation flips the award's bit in the issuer's Bitstring Status List, whose signed credential
is rebuilt on the next request for it.
"""

from __future__ import annotations

import json
import re
import secrets
import unicodedata
import uuid
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

import phonenumbers
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models import F, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from blason.core import audit, outbox, quotas
from blason.core import hooks as core_hooks
from blason.core.abuse import Origin
from blason.core.emails import render_templated, send_templated
from blason.core.exceptions import ActionRefused
from blason.core.models import Issuer
from blason.core.site import absolute_url
from blason.issuing import award_sms, documents, hooks, keys
from blason.issuing.content import criteria_markdown
from blason.issuing.models import (
    Award,
    AwardBatch,
    BadgeClass,
    BadgeStatus,
    Evidence,
    RecipientKind,
    StatusListCache,
    Validity,
)
from obcore import ob3, status
from obcore.bulk import BulkSigner
from obcore.fastcanon import ShapeCanonicalizer
from obcore.proofs.data_integrity import sign

# Crockford's base 32 without I, L, O, U: nothing to confuse when typed on a phone.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# Letters read as the digits they look like (Crockford's base 32): none of them is in a code.
_CODE_LOOKALIKES = str.maketrans("OIL", "011")
STATUS_LIST_SIZE = status.MIN_ENTRIES  # entries per status list (131,072)
EVIDENCE_TYPES = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}
# Credentials of one badge share a shape: one process-wide canonicaliser makes each proof after
# the first of a shape much cheaper (obcore.fastcanon; the proofs are byte-identical).
_CANONICALIZER = ShapeCanonicalizer()
# Credentials handed to a signing helper at a time in a bulk award.
SIGNING_SLICE = 50
# Awards per INSERT statement: short enough (under 4 kB of SQL) for psycopg to cache how it
# rewrites the statement, instead of parsing a new one with a regular expression each time.
INSERT_ROWS = 36


def claim_url(code: str) -> str:
    """Where a person types or scans their claim code: the backpack's claim page, with the code
    filled in when given."""
    return absolute_url("backpack:claim", code) if code else absolute_url("backpack:claim_enter")


def badge_url(badge: BadgeClass) -> str:
    return absolute_url("badge_public", badge.uuid)


def badge_image_url(badge: BadgeClass) -> str:
    """The badge image at a stable address (storage URLs may be signed and expire)."""
    return absolute_url("badge_image", badge.uuid)


def award_url(award: Award) -> str:
    return absolute_url("award_public", award.uuid)


def evidence_url(evidence: Evidence) -> str:
    return absolute_url("evidence_file", evidence.award.uuid, evidence.uuid)


def status_list_url(issuer: Issuer, number: int = 1) -> str:
    return absolute_url("issuer_status_list", issuer.uuid, number)


def new_claim_code() -> str:
    """A short code like ``7KQ2-M9XD`` (40 bits): typed on a phone to collect a badge."""
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{code[:4]}-{code[4:]}"


def normalise_claim_code(text: str) -> str:
    """What a person typed, read leniently: any case, spaces, dashes or other separators
    (a phone's keyboard may turn a hyphen into a dash), full-width characters, and the letters O, I
    and L, which the code alphabet leaves out, for 0, 1 and 1."""
    code = unicodedata.normalize("NFKC", text).upper().translate(_CODE_LOOKALIKES)
    code = re.sub(r"[^0-9A-Z]", "", code)
    return f"{code[:4]}-{code[4:]}" if len(code) == 8 else code


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


class _IssuedIndexes(Collection[int]):
    """The status-list indexes taken on one of the issuer's lists, asked of the database one
    at a time.

    Drawing a random free index usually takes one or two probes, so each award costs a couple
    of indexed lookups instead of loading every index the issuer ever used. Once the list is
    half full, random draws start to miss and the indexes are loaded once instead.
    """

    def __init__(self, awards: QuerySet[Award], count: int | None = None) -> None:
        self._awards = awards
        self._count = count  # already counted by the caller: one COUNT(*) per award, not two
        self._loaded: set[int] | None = None

    def __contains__(self, index: object) -> bool:
        if self._loaded is not None:
            return index in self._loaded
        return isinstance(index, int) and self._awards.filter(status_index=index).exists()

    def __len__(self) -> int:
        count = self._awards.count() if self._count is None else self._count
        if count >= STATUS_LIST_SIZE // 2 and self._loaded is None:
            self._loaded = set(self)
        return count

    def __iter__(self) -> Iterator[int]:
        return iter(self._awards.values_list("status_index", flat=True))


def _allocate_status_entry(issuer: Issuer) -> tuple[int, int]:
    """(list number, index) for a new award: a random free index on the issuer's newest list,
    or on a new list once that one is half full. Below half, a random draw takes one or two
    indexed probes; above, ``status.allocate_index`` lists every free index of the list for
    each award (measured: 350 ms an award past 65,536 awards on a list, instead of 30)."""
    awards = Award.objects.filter(issuer=issuer)
    number = awards.aggregate(number=Max("status_list"))["number"] or 1
    on_list = awards.filter(status_list=number)
    count = on_list.count()
    if count >= STATUS_LIST_SIZE // 2:
        number, count = number + 1, 0  # the newest list was ``number``: the next one is empty
        on_list = awards.filter(status_list=number)
    taken = _IssuedIndexes(on_list, count)
    return number, status.allocate_index(taken, size=STATUS_LIST_SIZE)


def _valid_until(badge: BadgeClass, issued: datetime) -> datetime | None:
    if badge.validity == Validity.DURATION and badge.validity_days:
        return issued + timedelta(days=badge.validity_days)
    if badge.validity == Validity.DATE and badge.valid_until:
        return datetime.combine(badge.valid_until, time(23, 59, 59), tzinfo=UTC)
    return None


def _identifier(award: Award) -> ob3.IdentityObject:
    if award.recipient_kind == RecipientKind.EMAIL:
        value, identity_type = award.recipient_email, "emailAddress"
    elif award.recipient_kind == RecipientKind.PHONE:
        value, identity_type = award.recipient_phone, "ext:phoneNumber"
    else:
        value, identity_type = award.recipient_name, "name"
    return ob3.IdentityObject.create(value, identity_type, salt=award.recipient_salt)


def _creator(badge: BadgeClass) -> ob3.Profile | None:
    """Who created the badge, when an app knows (``blason.issuing.hooks``)."""
    for find in hooks.ACHIEVEMENT_CREATORS:
        if (profile := find(badge)) is not None:
            return profile
    return None


def achievement(badge: BadgeClass) -> ob3.Achievement:
    """The badge as an OB 3.0 Achievement, in the language it was written in."""
    image = ob3.Image(id=badge_image_url(badge)) if badge.image else None
    return ob3.Achievement(
        id=badge_url(badge),
        name=badge.name,
        description=badge.description,
        criteria=ob3.Criteria(
            id=badge_url(badge),
            narrative=criteria_markdown(badge.criteria_items, badge.criteria),
        ),
        achievement_type=badge.achievement_type,
        image=image,
        tag=tuple(badge.tags),
        alignment=tuple(
            ob3.Alignment(
                target_name=entry["name"],
                target_url=entry["url"],
                target_description=entry.get("description") or None,
                target_code=entry.get("code") or None,
                target_framework=entry.get("framework") or None,
                target_type=entry.get("type") or None,
            )
            for entry in badge.alignments
        ),
        in_language=badge.language or None,
        creator=_creator(badge),
    )


class _Shared:
    """What the credentials of one badge share, built once per bulk award instead of once
    per credential (URL reversing and the Achievement add up over thousands)."""

    _PLACEHOLDER = "00000000-0000-4000-8000-000000000000"

    def __init__(self, badge: BadgeClass) -> None:
        issuer = badge.issuer
        self.achievement = achievement(badge)
        self.profile = ob3.Profile(
            id=documents.issuer_url(issuer),
            name=issuer.name,
            url=issuer.url or None,
            email=issuer.email or None,
        )
        self.image = ob3.Image(id=badge_image_url(badge)) if badge.image else None
        self._award_url = absolute_url("award_public", self._PLACEHOLDER)
        self._status_lists: dict[int, str] = {}
        self._issuer = issuer

    def award_url(self, award: Award) -> str:
        return self._award_url.replace(self._PLACEHOLDER, str(award.uuid))

    def status_list_url(self, number: int) -> str:
        if number not in self._status_lists:
            self._status_lists[number] = status_list_url(self._issuer, number)
        return self._status_lists[number]


def _credential(
    award: Award,
    evidence: list[Evidence],
    shared: _Shared | None = None,
    endorsements: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    shared = shared or _Shared(award.badge)
    subject = ob3.AchievementSubject(
        achievement=shared.achievement,
        identifier=(_identifier(award),),
        narrative=award.narrative or None,
    )
    credential = ob3.OpenBadgeCredential(
        id=shared.award_url(award),
        issuer=shared.profile,
        name=award.badge.name,
        valid_from=award.issued_at,
        valid_until=award.valid_until,
        credential_subject=subject,
        image=shared.image,
        evidence=tuple(
            ob3.Evidence(
                id=(evidence_url(item) if item.file else item.url) or None,
                name=item.name or None,
                narrative=item.narrative or None,
            )
            for item in evidence
        ),
        endorsement=tuple(endorsements),
        credential_status=status.build_status_entry(
            status_list_credential=shared.status_list_url(award.status_list),
            index=award.status_index,
        ),
    )
    return credential.to_json()


def _recipient(award: Award, *, email: str, phone: str, name: str) -> None:
    award.recipient_email = email.strip().lower()
    award.recipient_phone = normalise_phone(phone) if phone.strip() else ""
    award.recipient_name = name.strip()
    if award.recipient_email:
        award.recipient_kind = RecipientKind.EMAIL
    elif award.recipient_phone:
        award.recipient_kind = RecipientKind.PHONE
    elif award.recipient_name:
        award.recipient_kind = RecipientKind.NAME
    else:
        raise ActionRefused(_("Give the recipient's e-mail address, phone number or name."))


def _evidence(award: Award, items: Sequence[EvidenceInput]) -> list[Evidence]:
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
    list_number, index = _allocate_status_entry(issuer)
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
        valid_until=_valid_until(badge, issued),
        awarded_by=actor,
        claim_code=new_claim_code(),
        batch=batch,
        idempotency_key=idempotency_key,
    )
    _recipient(award, email=email, phone=phone, name=name)
    evidence_rows = _evidence(award, evidence)
    key = keys.active_key(issuer)
    signed = sign(
        _credential(award, evidence_rows, endorsements=endorsements),
        keys.private_key(key),
        verification_method=documents.verification_method_id(issuer, key),
        created=issued,
        canonicalizer=_CANONICALIZER,
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
            context=_email_context(award),
            language=language,
            origin=Origin(actor=actor, issuer=issuer),
            key=email_key(award),
        )
    if notify:
        award_sms.record([award], issuer=issuer, batch=batch)
    core_hooks.awards_changed(badge=badge, awards=[award])  # pathways: progress after commit
    return award


def email_key(award: Award) -> str:
    """The outbox key of the e-mail telling ``award``'s recipient: one e-mail per award."""
    return f"award:{award.uuid}"


def _email_context(award: Award) -> dict[str, Any]:
    return {
        "award": award,
        "badge": award.badge,
        "issuer": award.issuer,
        "link": award_url(award),
        "site_name": settings.SITE_NAME,
    }


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


class RecipientRefused(ActionRefused):
    """A recipient of ``award_many`` cannot be awarded; ``position`` is their place in the
    list given. Nothing of the call is written."""

    def __init__(self, position: int, message: str) -> None:
        super().__init__(message)
        self.position = position


def _allocate_status_entries(issuer: Issuer, count: int) -> list[tuple[int, int]]:
    """``count`` random free (list number, index) pairs, as ``_allocate_status_entry`` draws
    them one at a time, with one query per round of draws: every candidate of a round is
    checked at once, and the few taken ones (under half full, fewer than half) drawn again."""
    awards = Award.objects.filter(issuer=issuer)
    number = awards.aggregate(number=Max("status_list"))["number"] or 1
    used = _entries_taken(issuer, number, count)
    entries: list[tuple[int, int]] = []
    while len(entries) < count:
        if used >= STATUS_LIST_SIZE // 2:
            number, used = number + 1, 0
        room = min(count - len(entries), STATUS_LIST_SIZE // 2 - used)
        drawn: set[int] = set()
        while len(drawn) < room:
            wanted = {secrets.randbelow(STATUS_LIST_SIZE) for _ in range(room - len(drawn))}
            wanted -= drawn
            drawn |= wanted - _taken(issuer, number, wanted)
        order = list(drawn)
        secrets.SystemRandom().shuffle(order)  # a set of ints iterates nearly sorted
        entries.extend((number, index) for index in order)
        used += room
    return entries


def _taken(issuer: Issuer, number: int, indexes: Collection[int]) -> set[int]:
    """Which of ``indexes`` are taken on the issuer's status list ``number``.

    Written as a join of the candidates with the awards, so that SQLite looks each candidate
    up in the (issuer, list, index) unique index: as ``status_index IN (...)``, its planner,
    without statistics, read every award of the issuer instead (a 100,000-award batch spent a
    third of its time there). PostgreSQL plans it well once its statistics follow the table's
    growth (``refresh_statistics``).
    """
    if not indexes:
        return set()
    table = connection.ops.quote_name(Award._meta.db_table)
    values = ", ".join(["(CAST(%s AS INTEGER))"] * len(indexes))
    sql = (
        f"SELECT a.status_index FROM (VALUES {values}) AS c CROSS JOIN {table} AS a "  # noqa: S608 - placeholders only
        "WHERE a.issuer_id = %s AND a.status_list = %s AND a.status_index = c.column1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*indexes, issuer.pk, number])
        return {row[0] for row in cursor.fetchall()}


def refresh_statistics() -> None:
    """Bring PostgreSQL's statistics on awards up to date (ANALYZE samples the table).

    A bulk award grows the table faster than autovacuum re-analyses it; with statistics from
    when the issuer had few awards, PostgreSQL reads all of them for each lookup. The batch
    task calls this every few thousand awards. SQLite's queries here do not depend on
    statistics (see ``_taken``)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(Award._meta.db_table)}")


# Indexes sampled to tell that a status list is far from half full, and the margin required.
_FILL_SAMPLE = 256
_FILL_MARGIN = 0.1


def _entries_taken(issuer: Issuer, number: int, adding: int) -> int:
    """How many entries of the issuer's status list ``number`` are taken — exactly, or, when
    a random sample of its indexes shows that adding ``adding`` more keeps it well under half
    full, an estimate.

    Counting reads every award on the list; 256 lookups are enough to know that a list is,
    say, 20 % full. The margin is over three standard errors, and a wrong estimate would only
    let a list fill a little past half."""
    sample = {secrets.randbelow(STATUS_LIST_SIZE) for _ in range(_FILL_SAMPLE)}
    fill = len(_taken(issuer, number, sample)) / len(sample)
    if (fill + _FILL_MARGIN) * STATUS_LIST_SIZE + adding <= STATUS_LIST_SIZE // 2:
        return round(fill * STATUS_LIST_SIZE)
    return Award.objects.filter(issuer=issuer, status_list=number).count()


def _unused_claim_codes(count: int) -> list[str]:
    """``count`` new claim codes, none already given (one query; a clash is very rare)."""
    codes: set[str] = set()
    while len(codes) < count:
        fresh = {new_claim_code() for _ in range(count - len(codes))} - codes
        codes |= fresh - set(
            Award.objects.filter(claim_code__in=fresh).values_list("claim_code", flat=True)
        )
    return list(codes)


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
        keyed = Award.objects.filter(badge=badge, idempotency_key__in=wanted)
        seen.update(keyed.exclude(idempotency_key="").values_list("idempotency_key", flat=True))
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
    valid_until = _valid_until(badge, issued)
    key = keys.active_key(issuer)
    private_key = keys.private_key(key)
    method = documents.verification_method_id(issuer, key)
    shared = _Shared(badge)
    made: list[Award] = []
    evidence_rows: list[Evidence] = []
    unsigned: list[dict[str, Any]] = []
    # Helper processes sign each slice while this one builds the next.
    signer = BulkSigner(
        private_key,
        verification_method=method,
        created=issued,
        canonicalizer=_CANONICALIZER,
        processes=settings.SIGNING_PROCESSES,
        text=True,  # compact JSON, stored as signed
        proof_list=True,  # OB 3.0 JSON: "proof" is a sequence, so an array
    )
    entries = _allocate_status_entries(issuer, len(todo))
    codes = _unused_claim_codes(len(todo))
    for (position, recipient), (list_number, index), code in zip(todo, entries, codes, strict=True):
        award = Award(
            uuid=uuid.uuid4(),
            badge=badge,
            issuer=issuer,
            narrative=recipient.narrative.strip(),
            recipient_language=recipient.language,
            recipient_salt=ob3.new_salt(),
            status_list=list_number,
            status_index=index,
            issued_at=issued,
            valid_until=valid_until,
            awarded_by=actor,
            claim_code=code,
            batch=batch,
            idempotency_key=recipient.idempotency_key,
        )
        try:
            _recipient(award, email=recipient.email, phone=recipient.phone, name=recipient.name)
        except ActionRefused as exc:
            raise RecipientRefused(position, str(exc)) from exc
        evidence = _evidence(award, [EvidenceInput(url=recipient.evidence_url)])
        unsigned.append(_credential(award, evidence, shared))
        if len(unsigned) == SIGNING_SLICE:
            signer.submit(unsigned)
            unsigned = []
        made.append(award)
        evidence_rows.extend(evidence)
    signer.submit(unsigned)
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
    # Stored part by part as the signatures come in, in any order, while the helpers sign
    # the rest.
    for start, texts in signer.as_completed():
        part = made[start : start + len(texts)]
        for award, text in zip(part, texts, strict=True):
            award.credential = text
        Award.objects.bulk_create(part, batch_size=INSERT_ROWS)
    Evidence.objects.bulk_create(evidence_rows, batch_size=500)
    if notify:
        # In this transaction: the e-mails exist exactly when the awards do, and are written
        # (in each recipient's language) by the worker that sends them.
        outbox.record_rendered(
            (
                (email_key(award), award.recipient_email, {"award": str(award.uuid)})
                for award in made
                if award.recipient_email
            ),
            renderer=AWARD_EMAIL,
        )
        # People known only by a phone number are told by SMS, recorded the same way (the
        # workers send them; the space's SMS limit may leave some out: the report says so).
        award_sms.record(made, issuer=issuer, batch=batch)
    core_hooks.awards_changed(badge=badge, awards=made)
    return made


AWARD_EMAIL = "issuing.award"


def render_award_email(args: dict[str, Any]) -> EmailMessage | None:
    """The e-mail telling an award's recipient (the outbox renders it when sending), or None
    when the award was revoked or deleted since."""
    award = (
        Award.objects.select_related("badge", "issuer", "awarded_by")
        .filter(uuid=args["award"], revoked_at__isnull=True)
        .first()
    )
    if award is None or not award.recipient_email:
        return None
    return render_templated(
        template_prefix="issuing/email/award",
        to=award.recipient_email,
        context=_email_context(award),
        language=award.recipient_language or None,
        origin=Origin(actor=award.awarded_by, issuer=award.issuer),
    )


def send_award_emails(award_uuids: Sequence[str]) -> int:
    """Tell each recipient of these awards by e-mail, in their language, through one
    connection (the background half of ``award_many``). Revoked awards are left out."""
    chosen = Award.objects.filter(uuid__in=award_uuids, revoked_at__isnull=True)
    messages = []
    for award in chosen.select_related("badge", "issuer", "awarded_by").order_by("pk"):
        if award.recipient_email:
            messages.append(
                render_templated(
                    template_prefix="issuing/email/award",
                    to=award.recipient_email,
                    context=_email_context(award),
                    language=award.recipient_language or None,
                    origin=Origin(actor=award.awarded_by, issuer=award.issuer),
                )
            )
    if not messages:
        return 0
    return get_connection().send_messages(messages) or 0


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


def status_list_credential(issuer: Issuer, number: int = 1) -> str:
    """The issuer's signed status list credential number ``number`` (JSON text).

    Consistent with committed revocations by construction: each revocation adds one to the
    list's ``revision`` in its own transaction. The revision is read *before* the revoked
    awards, so a list built here holds every revocation of that revision (a revocation that
    commits meanwhile raises the revision past it); it is stored marked with that revision, and
    served from the store only while no revocation has come since.
    """
    row, _created = StatusListCache.objects.get_or_create(issuer=issuer, number=number)
    if row.credential and row.built_revision == row.revision:
        return row.credential
    revision = row.revision
    bits = status.BitstringStatusList()
    revoked = Award.objects.filter(issuer=issuer, status_list=number, revoked_at__isnull=False)
    for index in revoked.values_list("status_index", flat=True):
        bits.set(index)
    key = keys.active_key(issuer)
    document = status.build_status_list_credential(
        credential_id=status_list_url(issuer, number),
        issuer=documents.issuer_url(issuer),
        status_list=bits,
        valid_from=timezone.now() - timedelta(minutes=5),
    )
    signed = sign(
        document,
        keys.private_key(key),
        verification_method=documents.verification_method_id(issuer, key),
    )
    text = json.dumps(signed, ensure_ascii=False, separators=(",", ":"))
    # Kept unless a list of this revision or a later one was stored meanwhile.
    StatusListCache.objects.filter(pk=row.pk).filter(
        Q(built_revision__isnull=True) | Q(built_revision__lt=revision)
    ).update(credential=text, built_revision=revision, updated_at=timezone.now())
    return text
