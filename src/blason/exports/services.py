"""The writes of exports: importing another Blason's export into an empty space."""

from __future__ import annotations

import base64
import binascii
import hashlib
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from blason.core import audit
from blason.core.exceptions import ActionRefused
from blason.core.models import Issuer
from blason.exports import reading, rebuild
from blason.exports.models import Archive, ArchivedCredential, ArchivedKind
from blason.issuing.badges import selectors as badge_selectors
from blason.issuing.badges import services as badge_services
from blason.issuing.models import Award, BadgeClass, BadgeStatus
from blason.pathways.models import Pathway

BATCH = 2000


def is_empty(issuer: Issuer) -> bool:
    """A space an export can fill: no badge, award or pathway yet."""
    return not (
        BadgeClass.objects.filter(issuer=issuer).exists()
        or Award.objects.filter(issuer=issuer).exists()
        or Pathway.objects.filter(issuer=issuer).exists()
        or ArchivedCredential.objects.filter(issuer=issuer).exists()
    )


def _image(entry: dict[str, Any]) -> Any:
    image = entry.get("image")
    if not image:
        return None
    try:
        data = base64.b64decode(image["base64"], validate=True)
        return badge_selectors.clean_upload(data)  # hostile images are refused like uploads
    except (binascii.Error, ValueError, badge_selectors.ImageRejected) as error:
        raise reading.FileRefused(
            _("The image of the badge “%(name)s” is refused: %(why)s")
            % {"name": entry["name"][:200], "why": str(error)[:300]}
        ) from None


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _badge(issuer: Issuer, actor: Any, entry: dict[str, Any]) -> BadgeClass:
    status = entry.get("status") or BadgeStatus.DRAFT
    try:
        return badge_services.badge_create(
            issuer=issuer,
            actor=actor,
            name=entry["name"],
            description=entry["description"],
            criteria=entry["criteria"],
            criteria_items=entry.get("criteriaItems") or [],
            tags=entry.get("tags") or [],
            achievement_type=entry.get("achievementType") or "Badge",
            validity=entry.get("validity") or "forever",
            validity_days=entry.get("validityDays"),
            valid_until=date.fromisoformat(entry["validUntil"])
            if entry.get("validUntil")
            else None,
            image=_image(entry),
            status=status if status in BadgeStatus.values else BadgeStatus.DRAFT,
            language=entry.get("language") or None,
            translations=entry.get("translations") or {},
            alignments=entry.get("alignments") or [],
        )
    except (ActionRefused, ValueError) as error:
        raise reading.FileRefused(
            _("The badge “%(name)s” cannot be made: %(why)s")
            % {"name": entry["name"][:200], "why": str(error)[:300]}
        ) from None


@transaction.atomic
def archive_import(*, issuer: Issuer, actor: Any, data: bytes, limit: int | None = None) -> Archive:
    """Fill the empty space ``issuer`` from an export (all or nothing): its badges become this
    space's badges (new addresses, signed from now on with this space's keys); its pathways
    and claim links are made again over them (new addresses and codes); its awards and
    endorsements are kept byte for byte as a read-only archive (they name the original
    issuer, whose keys and revocation list stay where they are). ``FileRefused`` says why a
    file is refused; nothing is written then."""
    document = reading.parse(data, limit=limit)
    if not is_empty(issuer):
        raise reading.FileRefused(
            _("An export can only fill an empty space; this one already has badges or awards.")
        )
    try:
        exported_at = reading.instant(document["exportedAt"])
        archive = Archive.objects.create(
            issuer=issuer,
            imported_by=actor,
            version=document["version"],
            site=document["site"][:500],
            source_issuer=document["issuer"]["id"],
            source_name=document["issuer"]["name"],
            exported_at=exported_at,
            sha256=hashlib.sha256(data).hexdigest(),
        )
        badges = {entry["id"]: _badge(issuer, actor, entry) for entry in document["badges"]}
        pathways = {
            entry["id"]: str(
                rebuild.pathway(issuer=issuer, actor=actor, entry=entry, badges=badges).uuid
            )
            for entry in document["pathways"]
        }
        links = {
            entry["id"]: str(rebuild.claim_link(actor=actor, entry=entry, badges=badges).uuid)
            for entry in document["claimLinks"]
        }
        archive.kept = {"pathways": pathways, "claimLinks": links}
        rows = []
        for entry in document["awards"]:
            recipient = entry.get("recipient") or {}
            rows.append(
                ArchivedCredential(
                    archive=archive,
                    issuer=issuer,
                    kind=ArchivedKind.AWARD,
                    badge=badges[entry["badge"]],
                    original_id=entry["id"],
                    credential=entry["credential"],
                    issued_at=reading.instant(entry["issuedAt"]),
                    revoked_at=reading.maybe_instant(entry.get("revokedAt")),
                    recipient_name=str(recipient.get("name") or "")[:200],
                    recipient_email=str(recipient.get("email") or "")[:254],
                    recipient_phone=str(recipient.get("phone") or "")[:32],
                )
            )
        for entry in document["endorsements"]:
            subject = entry["subject"]
            rows.append(
                ArchivedCredential(
                    archive=archive,
                    issuer=issuer,
                    kind=ArchivedKind.ENDORSEMENT,
                    badge=badges.get(subject["id"]) if subject["type"] == "badge" else None,
                    original_id=entry["id"],
                    credential=entry["credential"],
                    issued_at=reading.maybe_instant(entry.get("issuedAt")) or exported_at,
                )
            )
    except (ValueError, TypeError, KeyError) as error:
        raise reading.FileRefused(
            _("The file does not follow the export format: %(problem)s") % {"problem": error}
        ) from None
    ArchivedCredential.objects.bulk_create(rows, batch_size=BATCH)
    archive.badges = len(badges)
    archive.awards = len(document["awards"])
    archive.endorsements = len(document["endorsements"])
    archive.save(update_fields=["badges", "awards", "endorsements", "kept"])
    audit.record(
        action="exports.archive.imported",
        actor=actor,
        issuer=issuer,
        target=archive,
        data={
            "source": archive.source_issuer,
            "badges": archive.badges,
            "awards": archive.awards,
            "pathways": len(pathways),
            "claim_links": len(links),
            "sha256": archive.sha256,
        },
    )
    return archive
