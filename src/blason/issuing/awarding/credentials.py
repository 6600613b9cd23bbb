"""The OB 3.0 credential of an award, built from domain data (signed by ``services`` and
``bulk``), and the addresses it names."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from typing import Any

from blason.core.site import absolute_url
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
from obcore.fastcanon import ShapeCanonicalizer

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
        endorsement=hooks.achievement_endorsements(badge),
    )


class SharedParts:
    """What the credentials of one badge share, built once per bulk award instead of once
    per credential (URL reversing and the Achievement add up over thousands)."""

    _PLACEHOLDER = "00000000-0000-4000-8000-000000000000"

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
        self._award_url = absolute_url("award_public", self._PLACEHOLDER)
        self._status_lists: dict[int, str] = {}
        self._issuer = issuer

    def award_url(self, award: Award) -> str:
        return self._award_url.replace(self._PLACEHOLDER, str(award.uuid))

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
