"""Joining a community by link or QR code: a facilitator makes a join link (or revokes it),
and whoever follows it becomes a member (services: keyword-only, atomic, audited)."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from blason.core import audit
from blason.core.exceptions import ActionRefused
from blason.core.models import Issuer, Membership
from blason.peers.access import MEMBER_ROLE, require_facilitator
from blason.peers.models import JoinLink
from blason.peers.workshop_checks import refuse_personal_space


@transaction.atomic
def join_link_create(*, issuer: Issuer, actor: Any) -> JoinLink:
    """A new join link for the space; the previous one, if any, stops working."""
    require_facilitator(issuer, actor)
    refuse_personal_space(issuer)
    now = timezone.now()
    for old in JoinLink.objects.select_for_update().filter(issuer=issuer, revoked_at__isnull=True):
        old.revoked_at = now
        old.save(update_fields=["revoked_at"])
    link = JoinLink.objects.create(issuer=issuer, token=secrets.token_urlsafe(18), created_by=actor)
    audit.record(action="peers.join_link.created", actor=actor, issuer=issuer, target=link)
    return link


@transaction.atomic
def join_link_revoke(*, link: JoinLink, actor: Any) -> JoinLink:
    require_facilitator(link.issuer, actor)
    link = JoinLink.objects.select_for_update().get(pk=link.pk)
    if link.revoked_at is not None:
        raise ActionRefused(_("This link is already switched off."))
    link.revoked_at = timezone.now()
    link.save(update_fields=["revoked_at"])
    audit.record(
        action="peers.join_link.revoked",
        actor=actor,
        issuer=link.issuer,
        target=link,
        data={"uses": link.uses},
    )
    return link


@transaction.atomic
def join_by_link(*, link: JoinLink, user: Any) -> tuple[Membership, bool]:
    """Make ``user`` a member of the link's space. Returns the membership and whether it is
    new (someone already in the space keeps their role)."""
    link = JoinLink.objects.select_for_update().select_related("issuer").get(pk=link.pk)
    if link.revoked_at is not None:
        raise ActionRefused(_("This link no longer works. Ask the group for the new one."))
    existing = Membership.objects.filter(issuer=link.issuer, user=user).first()
    if existing is not None:
        return existing, False
    membership = Membership.objects.create(issuer=link.issuer, user=user, role=MEMBER_ROLE)
    JoinLink.objects.filter(pk=link.pk).update(uses=F("uses") + 1)
    audit.record(
        action="peers.member.joined",
        actor=user,
        issuer=link.issuer,
        target=membership,
        data={"user": str(user.uuid), "role": MEMBER_ROLE, "via": "join_link"},
    )
    return membership, True
