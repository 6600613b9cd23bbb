"""Writes on badges. (The full designer and awarding arrive with the issuing capability.)"""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction

from blason.core import audit
from blason.core.models import Issuer
from blason.issuing.models import BadgeClass, BadgeStatus


@transaction.atomic
def badge_create(
    *,
    issuer: Issuer,
    actor: Any,
    name: str,
    description: str,
    criteria: str,
    image_svg: str | None = None,
    status: str = BadgeStatus.DRAFT,
) -> BadgeClass:
    badge = BadgeClass(
        issuer=issuer, name=name, description=description, criteria=criteria, status=status
    )
    if image_svg is not None:
        badge.image.save("image.svg", ContentFile(image_svg.encode()), save=False)
    badge.save()
    audit.record(
        action="issuing.badge.created",
        actor=actor,
        issuer=issuer,
        target=badge,
        data={"name": name},
    )
    return badge
