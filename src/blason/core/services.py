"""Writes on issuers and memberships. One function per business action, atomic, audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.text import slugify

from blason.core import audit
from blason.core.models import Issuer, IssuerKind, Membership, Role


def unique_issuer_slug(name: str) -> str:
    base = slugify(name)[:70] or "espace"
    slug, number = base, 2
    while Issuer.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


@transaction.atomic
def issuer_create(
    *,
    name: str,
    kind: str,
    owner: Any,
    description: str = "",
    url: str = "",
    email: str = "",
    slug: str | None = None,
) -> Issuer:
    """Create an issuer profile and make ``owner`` its first owner."""
    if kind not in IssuerKind.values:
        raise ValueError(f"Unknown issuer kind {kind!r}")
    issuer = Issuer.objects.create(
        name=name,
        kind=kind,
        slug=slug or unique_issuer_slug(name),
        description=description,
        url=url,
        email=email,
    )
    Membership.objects.create(issuer=issuer, user=owner, role=Role.OWNER)
    audit.record(action="core.issuer.created", actor=owner, issuer=issuer, target=issuer)
    return issuer


@transaction.atomic
def membership_add(*, issuer: Issuer, user: Any, role: str, actor: Any) -> Membership:
    if role not in Role.values:
        raise ValueError(f"Unknown role {role!r}")
    membership, created = Membership.objects.update_or_create(
        issuer=issuer, user=user, defaults={"role": role}
    )
    audit.record(
        action="core.membership.added" if created else "core.membership.changed",
        actor=actor,
        issuer=issuer,
        target=membership,
        data={"user": str(user.uuid), "role": role},
    )
    return membership
