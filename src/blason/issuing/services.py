"""Writes on badges: design, publish, archive. A badge is never deleted once awarded."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from blason.core import audit
from blason.core.exceptions import ActionRefused
from blason.core.models import Issuer
from blason.issuing.images import CleanImage, clean_upload
from blason.issuing.models import BadgeClass, BadgeStatus, Validity

DESIGN_FIELDS = (
    "name",
    "description",
    "criteria",
    "criteria_items",
    "tags",
    "achievement_type",
    "validity",
    "validity_days",
    "valid_until",
)


def _apply(badge: BadgeClass, fields: dict[str, Any], image: CleanImage | None) -> list[str]:
    if fields.get("validity") != Validity.DURATION:
        fields["validity_days"] = None
    if fields.get("validity") != Validity.DATE:
        fields["valid_until"] = None
    changed = [
        name for name in DESIGN_FIELDS if name in fields and getattr(badge, name) != fields[name]
    ]
    for name in changed:
        setattr(badge, name, fields[name])
    if image is not None:
        badge.image.save(f"image.{image.extension}", ContentFile(image.content), save=False)
        changed.append("image")
    return changed


@transaction.atomic
def badge_create(
    *,
    issuer: Issuer,
    actor: Any,
    name: str,
    description: str,
    criteria: str,
    criteria_items: list[str] | None = None,
    tags: list[str] | None = None,
    achievement_type: str = "Badge",
    validity: str = Validity.FOREVER,
    validity_days: int | None = None,
    valid_until: date | None = None,
    image: CleanImage | None = None,
    image_svg: str | None = None,
    status: str = BadgeStatus.DRAFT,
) -> BadgeClass:
    """Create a badge (a draft unless told otherwise). ``image_svg`` is cleaned like an upload."""
    badge = BadgeClass(issuer=issuer, status=status)
    if image is None and image_svg is not None:
        image = clean_upload(image_svg.encode())
    _apply(
        badge,
        {
            "name": name,
            "description": description,
            "criteria": criteria,
            "criteria_items": criteria_items or [],
            "tags": tags or [],
            "achievement_type": achievement_type,
            "validity": validity,
            "validity_days": validity_days,
            "valid_until": valid_until,
        },
        image,
    )
    badge.save()
    audit.record(
        action="issuing.badge.created",
        actor=actor,
        issuer=issuer,
        target=badge,
        data={"name": name},
    )
    return badge


@transaction.atomic
def badge_update(
    *, badge: BadgeClass, actor: Any, image: CleanImage | None = None, **fields: Any
) -> BadgeClass:
    if badge.status == BadgeStatus.ARCHIVED:
        raise ActionRefused(_("An archived badge cannot be changed."))
    changed = _apply(badge, dict(fields), image)
    if changed:
        badge.save()
        audit.record(
            action="issuing.badge.updated",
            actor=actor,
            issuer=badge.issuer,
            target=badge,
            data={"fields": sorted(changed)},
        )
    return badge


@transaction.atomic
def badge_set_status(*, badge: BadgeClass, actor: Any, status: str) -> BadgeClass:
    """Draft → published → archived (an archived badge can be published again)."""
    allowed = {
        BadgeStatus.DRAFT: {BadgeStatus.PUBLISHED, BadgeStatus.ARCHIVED},
        BadgeStatus.PUBLISHED: {BadgeStatus.ARCHIVED},
        BadgeStatus.ARCHIVED: {BadgeStatus.PUBLISHED},
    }
    if status not in allowed[BadgeStatus(badge.status)]:
        raise ActionRefused(_("This change of status is not possible."))
    if status == BadgeStatus.PUBLISHED and not badge.image:
        raise ActionRefused(_("Add an image before publishing the badge."))
    old = badge.status
    badge.status = status
    badge.save(update_fields=["status", "updated_at"])
    audit.record(
        action=f"issuing.badge.{'published' if status == BadgeStatus.PUBLISHED else 'archived'}",
        actor=actor,
        issuer=badge.issuer,
        target=badge,
        data={"from": old},
    )
    return badge
