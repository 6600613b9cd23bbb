"""The OB 3.0 credential of an award, built from domain data (signed by ``services`` and
``bulk``), and the addresses it names."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from typing import Any

from blason.core.site import absolute, absolute_url, path_for_each
from blason.core.territory import profile_extras
from blason.issuing import hooks
from blason.issuing.awarding import status_lists
from blason.issuing.awarding.models import (
    Award,
    Evidence,
    RecipientKind,
)
from blason.issuing.badges.content import criteria_markdown
from blason.issuing.badges.models import BadgeClass, Validity
from blason.issuing.signing import issuer_documents
from obcore import ob3, status
from obcore.bulk import Shaped, text_shape
from obcore.errors import ObcoreError
from obcore.fastcanon import ShapeCanonicalizer
from obcore.ob3.identity import salted_identity

# Credentials of one badge share a shape: one process-wide canonicaliser makes each proof after
# the first of a shape much cheaper (obcore.fastcanon; the proofs are byte-identical).
CANONICALIZER = ShapeCanonicalizer()


def badge_url(badge: BadgeClass) -> str:
    return absolute_url("badge_public", badge.uuid)


def badge_image_url(badge: BadgeClass) -> str:
    """The badge image at a stable address (storage URLs may be signed and expire)."""
    return absolute_url("badge_image", badge.uuid)


def award_url(award: Award) -> str:
    return absolute_url("award_public", award.uuid)


def evidence_url(evidence: Evidence) -> str:
    return absolute_url("evidence_file", evidence.award.uuid, evidence.uuid)


def valid_until(badge: BadgeClass, issued: datetime) -> datetime | None:
    if badge.validity == Validity.DURATION and badge.validity_days:
        return issued + timedelta(days=badge.validity_days)
    if badge.validity == Validity.DATE and badge.valid_until:
        return datetime.combine(badge.valid_until, time(23, 59, 59), tzinfo=UTC)
    return None


def _identity(award: Award) -> tuple[str, str]:
    """The recipient's identifier and its ``identityType``."""
    if award.recipient_kind == RecipientKind.EMAIL:
        return award.recipient_email, "emailAddress"
    if award.recipient_kind == RecipientKind.PHONE:
        return award.recipient_phone, "ext:phoneNumber"
    return award.recipient_name, "name"


def _identifier(award: Award) -> ob3.IdentityObject:
    value, identity_type = _identity(award)
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
        endorsement=hooks.achievement_endorsements(badge),
    )


class SharedParts:
    """What the credentials of one badge share, built once per bulk award instead of once
    per credential (URL reversing and the Achievement add up over thousands)."""

    def __init__(self, badge: BadgeClass) -> None:
        issuer = badge.issuer
        self.achievement = achievement(badge)
        self.profile = ob3.Profile(
            id=issuer_documents.issuer_url(issuer),
            name=issuer.name,
            url=issuer.url or None,
            email=issuer.email or None,
            extra=profile_extras(issuer) | hooks.profile_endorsements(issuer),
        )
        self.image = ob3.Image(id=badge_image_url(badge)) if badge.image else None
        self._award_path = path_for_each("award_public")
        self._status_lists: dict[int, str] = {}
        self._issuer = issuer

    def award_url(self, award: Award) -> str:
        return absolute(self._award_path(award.uuid))

    def status_list_url(self, number: int) -> str:
        if number not in self._status_lists:
            self._status_lists[number] = status_lists.status_list_url(self._issuer, number)
        return self._status_lists[number]


def build_credential(
    award: Award,
    evidence: list[Evidence],
    shared: SharedParts | None = None,
    endorsements: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    shared = shared or SharedParts(award.badge)
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


def _plain(value: Any) -> Any:
    """``value`` with plain ``str`` for a framework's str subclasses (a model's choice, such as
    the badge's type, until it is read back from the database): the same JSON text, and what
    ``slot_values`` takes as a slot's value."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return str.__str__(value) if isinstance(value, str) else value


# A learnt variant: its shape, the slot values of the award it was learnt from, and which
# slots take which of an award's own values (``CredentialSlots._fields``).
_Learnt = tuple[str, list[str], tuple[tuple[int, str], ...]]


class CredentialSlots:
    """The credentials of one bulk award as their shape's slot values
    (``obcore.bulk.Shaped``), built straight from each award's own values: what
    ``build_credential`` then ``CANONICALIZER.slot_values`` give, without building the
    credential's objects and JSON and extracting the values back, for each of thousands of
    awards.

    The credentials of one badge and one issue date differ only in a few values (the award's
    address, the identity hash and its salt, the narrative, the status entry, the evidence
    links). For each *variant* (the dates, the kind of recipient, whether there is a
    narrative, which parts of the evidence are given) the first award is built by
    ``build_credential``, and a twin of it whose every own value differs; the slots that
    differ between the two must each hold one of those values, exactly, in both (otherwise
    the variant is not served and its awards are built whole). A slot that is the same in
    both is the same for every award of the variant. ``tests/blason/test_bulk_insert.py``
    compares every credential with the reference path's, byte for byte.
    """

    def __init__(self, shared: SharedParts, canonicalizer: ShapeCanonicalizer = CANONICALIZER):
        self._shared = shared
        self._canonicalizer = canonicalizer
        self._variants: dict[tuple[Any, ...], _Learnt | None] = {}

    def slots(self, award: Award, evidence: list[Evidence]) -> Shaped | None:
        """The award's credential as its shape and slot values; None when its variant is not
        served (build it with ``build_credential``)."""
        if any(item.file for item in evidence):
            return None  # a file's address names the evidence row: not learnt here
        variant = (
            award.issued_at,  # the same for a whole bulk award, as are the dates below
            award.valid_until,
            award.recipient_kind,
            bool(award.narrative),
            bool(award.recipient_salt),
            tuple((bool(e.url), bool(e.name), bool(e.narrative)) for e in evidence),
        )
        if variant not in self._variants:
            self._variants[variant] = self._learn(award, evidence)
        learnt = self._variants[variant]
        if learnt is None:
            return None
        shape, values, places = learnt
        fields = self._fields(award, evidence)
        values = values.copy()
        for position, name in places:
            values[position] = fields[name]
        return Shaped(shape, values)

    def _fields(self, award: Award, evidence: list[Evidence]) -> dict[str, str]:
        """The values of ``award`` that vary from one credential to the next, as plain
        ``str`` (what the signing helpers are sent)."""
        value, identity_type = _identity(award)
        identity, _salt = salted_identity(
            value, identity_type, hashed=True, salt=award.recipient_salt, path="identifier"
        )
        status_url = self._shared.status_list_url(award.status_list)
        index = str(award.status_index)
        fields = {
            "id": self._shared.award_url(award),
            "identity": identity,
            "salt": str.__str__(award.recipient_salt),
            "narrative": str.__str__(award.narrative),
            "status": status_url,
            "status_id": f"{status_url}#{index}",
            "status_index": index,
        }
        for n, item in enumerate(evidence):
            fields[f"evidence{n}.url"] = str.__str__(item.url)
            fields[f"evidence{n}.name"] = str.__str__(item.name)
            fields[f"evidence{n}.narrative"] = str.__str__(item.narrative)
        return fields

    def _reference(self, award: Award, evidence: list[Evidence]) -> tuple[str, list[str]] | None:
        credential = _plain(build_credential(award, evidence, self._shared))
        return self._canonicalizer.slot_values(credential)

    def _learn(self, award: Award, evidence: list[Evidence]) -> _Learnt | None:
        def other(text: str) -> str:  # changed at both ends (a slot made of a part of it
            return f"2{text}2" if text else ""  # would then differ too, and refuse the variant)

        twin = copy.copy(award)
        twin.uuid = uuid.UUID(int=award.uuid.int ^ (1 << 70 | 1))
        for name in ("recipient_email", "recipient_phone", "recipient_name", "recipient_salt"):
            setattr(twin, name, other(getattr(award, name)))
        twin.narrative = other(award.narrative)
        twin.status_list = award.status_list + 1
        twin.status_index = award.status_index + 1
        twin_evidence = [
            Evidence(
                url=item.url + "2" if item.url else "",
                name=other(item.name),
                narrative=other(item.narrative),
            )
            for item in evidence
        ]
        try:
            first = self._reference(award, evidence)
            second = self._reference(twin, twin_evidence)
            mine, theirs = self._fields(award, evidence), self._fields(twin, twin_evidence)
        except ObcoreError:
            return None
        if first is None or second is None or first[0] != second[0] or not text_shape(first[0]):
            return None
        places = []
        for position, (one, two) in enumerate(zip(first[1], second[1], strict=True)):
            if one == two:
                continue
            names = [name for name in mine if mine[name] == one and theirs[name] == two]
            if len(names) != 1:
                return None  # a value made otherwise, or two values that cannot be told apart
            places.append((position, names[0]))
        return first[0], [str.__str__(value) for value in first[1]], tuple(places)
