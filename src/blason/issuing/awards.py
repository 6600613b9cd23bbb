"""Awarding: build the OB 3.0 credential from domain data, sign it, store it exactly as signed.

Revocation flips the award's bit in the issuer's Bitstring Status List, whose signed credential
is rebuilt on the next request for it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection, Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from blason.core import audit
from blason.core.emails import send_templated
from blason.core.exceptions import ActionRefused
from blason.core.models import Issuer
from blason.issuing import documents, keys
from blason.issuing.models import Award, BadgeClass, BadgeStatus, StatusListCache, Validity
from obcore import ob3, status
from obcore.proofs.data_integrity import sign


def site(path: str) -> str:
    return settings.SITE_URL + path


def badge_url(badge: BadgeClass) -> str:
    return site(reverse("badge_public", args=[badge.uuid]))


def award_url(award: Award) -> str:
    return site(reverse("award_public", args=[award.uuid]))


def status_list_url(issuer: Issuer) -> str:
    return site(reverse("issuer_status_list", args=[issuer.uuid]))


class _IssuedIndexes(Collection[int]):
    """The issuer's taken status-list indexes, asked of the database one at a time.

    Drawing a random free index usually takes one or two probes, so each award costs a couple
    of indexed lookups instead of loading every index the issuer ever used. Once the list is
    half full, random draws start to miss and the indexes are loaded once instead.
    """

    def __init__(self, awards: QuerySet[Award]) -> None:
        self._awards = awards
        self._loaded: set[int] | None = None

    def __contains__(self, index: object) -> bool:
        if self._loaded is not None:
            return index in self._loaded
        return isinstance(index, int) and self._awards.filter(status_index=index).exists()

    def __len__(self) -> int:
        count = self._awards.count()
        if count >= status.MIN_ENTRIES // 2 and self._loaded is None:
            self._loaded = set(self)
        return count

    def __iter__(self) -> Iterator[int]:
        return iter(self._awards.values_list("status_index", flat=True))


def _valid_until(badge: BadgeClass, issued: datetime) -> datetime | None:
    if badge.validity == Validity.DURATION and badge.validity_days:
        return issued + timedelta(days=badge.validity_days)
    if badge.validity == Validity.DATE and badge.valid_until:
        return datetime.combine(badge.valid_until, time(23, 59, 59), tzinfo=UTC)
    return None


def _credential(award: Award, salt: str) -> dict[str, Any]:
    badge, issuer = award.badge, award.issuer
    image = ob3.Image(id=site(badge.image.url)) if badge.image else None
    achievement = ob3.Achievement(
        id=badge_url(badge),
        name=badge.name,
        description=badge.description,
        criteria=ob3.Criteria(
            id=badge_url(badge),
            narrative="\n".join([*(f"- {item}" for item in badge.criteria_items), badge.criteria]),
        ),
        achievement_type=badge.achievement_type,
        image=image,
        tag=tuple(badge.tags),
    )
    subject = ob3.AchievementSubject(
        achievement=achievement,
        identifier=(ob3.IdentityObject.create(award.recipient_email, salt=salt),),
        narrative=award.narrative or None,
    )
    profile = ob3.Profile(
        id=documents.issuer_url(issuer),
        name=issuer.name,
        url=issuer.url or None,
        email=issuer.email or None,
    )
    credential = ob3.OpenBadgeCredential(
        id=award_url(award),
        issuer=profile,
        name=badge.name,
        valid_from=award.issued_at,
        valid_until=award.valid_until,
        credential_subject=subject,
        image=image,
        credential_status=status.build_status_entry(
            status_list_credential=status_list_url(issuer), index=award.status_index
        ),
    )
    return credential.to_json()


@transaction.atomic
def award_issue(
    *,
    badge: BadgeClass,
    actor: Any,
    email: str,
    name: str = "",
    narrative: str = "",
    language: str | None = None,
) -> Award:
    """Award ``badge`` to the person with this e-mail address and tell them by e-mail."""
    if badge.status != BadgeStatus.PUBLISHED:
        raise ActionRefused(_("Only a published badge can be awarded."))
    issuer = badge.issuer
    Issuer.objects.select_for_update().filter(pk=issuer.pk).first()  # one index at a time
    used = _IssuedIndexes(Award.objects.filter(issuer=issuer))
    issued = timezone.now().replace(microsecond=0)
    award = Award(
        uuid=uuid.uuid4(),
        badge=badge,
        issuer=issuer,
        recipient_email=email.strip().lower(),
        recipient_name=name.strip(),
        narrative=narrative.strip(),
        status_index=status.allocate_index(used),
        issued_at=issued,
        valid_until=_valid_until(badge, issued),
        awarded_by=actor,
    )
    key = keys.signing_key_for(issuer)
    signed = sign(
        _credential(award, ob3.new_salt()),
        keys.private_key(key),
        verification_method=documents.verification_method_id(issuer, key),
        created=issued,
    )
    award.credential = json.dumps(signed, ensure_ascii=False, separators=(",", ":"))
    award.save()
    audit.record(
        action="issuing.award.issued",
        actor=actor,
        issuer=issuer,
        target=award,
        data={"badge": str(badge.uuid)},
    )
    send_templated(
        template_prefix="issuing/email/award",
        to=award.recipient_email,
        context={
            "award": award,
            "badge": badge,
            "issuer": issuer,
            "link": award_url(award),
            "site_name": settings.SITE_NAME,
        },
        language=language,
    )
    return award


@transaction.atomic
def award_revoke(*, award: Award, actor: Any, reason: str) -> Award:
    if award.revoked_at is not None:
        raise ActionRefused(_("This badge is already revoked."))
    award.revoked_at = timezone.now()
    award.revocation_reason = reason.strip()
    award.save(update_fields=["revoked_at", "revocation_reason"])
    StatusListCache.objects.filter(issuer=award.issuer).delete()  # re-signed on next request
    audit.record(
        action="issuing.award.revoked",
        actor=actor,
        issuer=award.issuer,
        target=award,
        data={"reason": award.revocation_reason},
    )
    return award


def status_list_credential(issuer: Issuer) -> str:
    """The issuer's signed status list credential (JSON text), rebuilt after a revocation."""
    cached = StatusListCache.objects.filter(issuer=issuer).first()
    if cached is not None:
        return cached.credential
    bits = status.BitstringStatusList()
    revoked = Award.objects.filter(issuer=issuer, revoked_at__isnull=False)
    for index in revoked.values_list("status_index", flat=True):
        bits.set(index)
    key = keys.signing_key_for(issuer)
    document = status.build_status_list_credential(
        credential_id=status_list_url(issuer),
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
    StatusListCache.objects.update_or_create(issuer=issuer, defaults={"credential": text})
    return text
