"""An issuer's full export as one versioned JSON document (docs/exports-format.md).

The document is written piece by piece (``document_chunks``): the badges (few, with their
images), then the awards read by chunks of one query each (a server-side cursor on
PostgreSQL), so a space with a million awards streams in bounded memory. Each award's
credential is the text stored when it was signed, put in the document as a JSON string: the
importer gets the same characters back, and their SHA-256 is given beside them.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone

from blason.core.models import Issuer
from blason.core.site import absolute, absolute_url
from blason.issuing.awarding import selectors as award_selectors
from blason.issuing.claims.models import ClaimLink
from blason.issuing.models import Award, BadgeClass
from blason.networks.models import Endorsement, EndorsementState
from blason.pathways.models import Pathway

FORMAT = "blason-issuer-export"
VERSION = 1
CHUNK = 2000
IMAGE_TYPES = {"png": "image/png", "svg": "image/svg+xml"}


def _when(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _image(badge: BadgeClass) -> dict[str, str] | None:
    if not badge.image:
        return None
    name = (badge.image.name or "").lower()
    media = IMAGE_TYPES.get(name.rsplit(".", 1)[-1], "application/octet-stream")
    try:
        with badge.image.open("rb") as handle:
            data = handle.read()
    except OSError:
        return None
    return {"mediaType": media, "base64": base64.b64encode(data).decode()}


def badge_entry(badge: BadgeClass) -> dict[str, Any]:
    return {
        "id": str(badge.uuid),
        "achievementId": award_selectors.badge_url(badge),
        "name": badge.name,
        "description": badge.description,
        "criteria": badge.criteria,
        "criteriaItems": badge.criteria_items,
        "tags": badge.tags,
        "achievementType": badge.achievement_type,
        "validity": badge.validity,
        "validityDays": badge.validity_days,
        "validUntil": _when(badge.valid_until),
        "status": badge.status,
        "alignments": badge.alignments,
        "language": badge.language,
        "translations": badge.translations,
        "image": _image(badge),
    }


def award_entry(award: Award) -> dict[str, Any]:
    return {
        "id": str(award.uuid),
        "badge": str(award.badge.uuid),
        "issuedAt": _when(award.issued_at),
        "validUntil": _when(award.valid_until),
        "revokedAt": _when(award.revoked_at),
        "revocationReason": award.revocation_reason,
        "claimedAt": _when(award.claimed_at),
        "recipient": {
            "kind": award.recipient_kind,
            "name": award.recipient_name,
            "email": award.recipient_email,
            "phone": award.recipient_phone,
        },
        "credential": award.credential,
        "sha256": _sha(award.credential),
    }


def _endorsements(issuer: Issuer) -> Iterator[dict[str, Any]]:
    about = (
        Q(subject_issuer=issuer) | Q(subject_badge__issuer=issuer) | Q(subject_award__issuer=issuer)
    )
    rows = (
        Endorsement.objects.filter(about, state=EndorsementState.ACCEPTED, withdrawn_at=None)
        .exclude(credential="")
        .select_related("endorser", "subject_badge", "subject_award")
        .order_by("pk")
    )
    for row in rows:
        if row.subject_badge is not None:
            subject = {"type": "badge", "id": str(row.subject_badge.uuid)}
        elif row.subject_award is not None:
            subject = {"type": "award", "id": str(row.subject_award.uuid)}
        else:
            subject = {"type": "issuer", "id": str(issuer.uuid)}
        yield {
            "id": str(row.uuid),
            "endorser": row.endorser.name,
            "subject": subject,
            "comment": row.comment,
            "issuedAt": _when(row.answered_at or row.created_at),
            "credential": row.credential,
            "sha256": _sha(row.credential),
        }


def _pathways(issuer: Issuer) -> Iterator[dict[str, Any]]:
    rows = Pathway.objects.filter(issuer=issuer).prefetch_related(
        "steps__requirements__badge", "steps__milestone_badge", "completion_badge"
    )
    for pathway in rows:
        steps = []
        for step in pathway.steps.all():
            steps.append(
                {
                    "id": str(step.uuid),
                    "parent": next(
                        (str(s.uuid) for s in pathway.steps.all() if s.pk == step.parent_id), None
                    ),
                    "name": step.name,
                    "description": step.description,
                    "rule": step.rule,
                    "required": step.required,
                    "howToUrl": step.how_to_url,
                    "milestoneBadge": str(step.milestone_badge.uuid)
                    if step.milestone_badge
                    else None,
                    "requirements": [
                        {
                            "badge": str(req.badge.uuid) if req.badge else None,
                            "achievementId": req.achievement_id,
                            "name": req.name,
                            "howToUrl": req.how_to_url,
                            "step": next(
                                (str(s.uuid) for s in pathway.steps.all() if s.pk == req.child_id),
                                None,
                            ),
                        }
                        for req in step.requirements.all()
                    ],
                }
            )
        yield {
            "id": str(pathway.uuid),
            "name": pathway.name,
            "description": pathway.description,
            "status": pathway.status,
            "public": pathway.public,
            "completionBadge": str(pathway.completion_badge.uuid)
            if pathway.completion_badge
            else None,
            "occupations": pathway.occupations,
            "steps": steps,
        }


def _claim_links(issuer: Issuer) -> Iterator[dict[str, Any]]:
    """Claim links without their secret: their address names this site and stays here."""
    for link in ClaimLink.objects.filter(issuer=issuer).select_related("badge").order_by("pk"):
        yield {
            "id": str(link.uuid),
            "badge": str(link.badge.uuid),
            "title": link.title,
            "opensAt": _when(link.opens_at),
            "closesAt": _when(link.closes_at),
            "maxClaims": link.max_claims,
            "requiresApproval": link.requires_approval,
            "active": link.active,
        }


def _array(name: str, items: Iterator[dict[str, Any]]) -> Iterator[str]:
    yield f',\n"{name}": ['
    first = True
    for item in items:
        yield ("\n" if first else ",\n") + json.dumps(item, ensure_ascii=False)
        first = False
    yield "\n]"


def awards_of(issuer: Issuer) -> Iterator[Award]:
    rows = (
        Award.objects.filter(issuer=issuer)
        .select_related("badge")
        .only(
            "uuid",
            "badge__uuid",
            "issued_at",
            "valid_until",
            "revoked_at",
            "revocation_reason",
            "claimed_at",
            "recipient_kind",
            "recipient_name",
            "recipient_email",
            "recipient_phone",
            "credential",
        )
        .order_by("pk")
    )
    return rows.iterator(chunk_size=CHUNK)


def document_chunks(issuer: Issuer) -> Iterator[str]:
    """The export of ``issuer`` as pieces of text whose concatenation is the JSON document."""
    head = {
        "format": FORMAT,
        "version": VERSION,
        "exportedAt": timezone.now().isoformat(),
        "site": absolute("/"),
        "issuer": {
            "id": absolute_url("issuer_profile", issuer.uuid),
            "name": issuer.name,
            "kind": issuer.kind,
            "description": issuer.description,
            "url": issuer.url,
            "email": issuer.email,
        },
    }
    yield json.dumps(head, ensure_ascii=False)[:-1]  # without its closing brace
    badges = BadgeClass.objects.filter(issuer=issuer).order_by("pk")
    yield from _array("badges", (badge_entry(badge) for badge in badges))
    yield from _array("awards", (award_entry(award) for award in awards_of(issuer)))
    yield from _array("endorsements", _endorsements(issuer))
    yield from _array("pathways", _pathways(issuer))
    yield from _array("claimLinks", _claim_links(issuer))
    yield "\n}\n"
