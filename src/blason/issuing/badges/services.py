"""Writes on badges: design, publish, archive. A badge is never deleted once awarded."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from blason.core import audit
from blason.core.exceptions import ActionRefused
from blason.core.models import Issuer
from blason.issuing.badges import content
from blason.issuing.badges.alignments import AlignmentError, clean_list
from blason.issuing.badges.images import CleanImage, clean_upload
from blason.issuing.badges.models import BadgeClass, BadgeStatus, Validity

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
    "language",
    "translations",
    "alignments",
)


def _clean_content(fields: dict[str, Any]) -> None:
    """The rules on languages and alignments, for every caller (the designer's form has
    already applied them; an import or an API may not have)."""
    if "language" in fields and fields["language"] not in content.site_languages():
        raise ActionRefused(_("This language is not available."))
    if "translations" in fields:
        language = fields.get("language", "")
        translations: dict[str, Any] = {}
        for code, entry in (fields["translations"] or {}).items():
            if code == language or code not in content.site_languages():
                continue
            if not content.complete_translation(entry):
                raise ActionRefused(
                    _("A translation needs the name, the description and how it is earned.")
                )
            translations[code] = {
                "name": str(entry["name"]).strip(),
                "description": str(entry["description"]),
                "criteria_items": [
                    str(item).strip()
                    for item in entry.get("criteria_items") or []
                    if str(item).strip()
                ],
                "criteria": str(entry["criteria"]),
            }
        fields["translations"] = translations
    if "alignments" in fields:
        try:
            fields["alignments"] = clean_list(fields["alignments"] or [])
        except AlignmentError as exc:
            raise ActionRefused(exc.message) from exc


def _apply(badge: BadgeClass, fields: dict[str, Any], image: CleanImage | None) -> list[str]:
    if "translations" in fields and "language" not in fields:
        fields["language"] = badge.language
    _clean_content(fields)
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
    language: str | None = None,
    translations: dict[str, Any] | None = None,
    alignments: list[dict[str, Any]] | None = None,
) -> BadgeClass:
    """Create a badge (a draft unless told otherwise). ``image_svg`` is cleaned like an upload.

    ``language`` is the language the texts are written in (the site's default when not given);
    ``translations`` gives them in the other language (``{"en": {"name", "description",
    "criteria_items", "criteria"}}``); ``alignments`` are checked and normalised
    (``blason.issuing.badges.alignments``). Refused with ``ActionRefused`` when they are wrong."""
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
            "language": language or content.short_language(settings.LANGUAGE_CODE),
            "translations": translations or {},
            "alignments": alignments or [],
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
