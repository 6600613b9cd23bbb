"""Claim links: people at an event claim a badge themselves, by a short link or the QR code of a
printed poster, without an account.

Why one module of over 400 lines: the rules of claiming (a link open now, places left, one claim
per address or number, approval) are enforced together in each claim's transaction, by writers
that share the same locking helpers.

A ``ClaimLink`` is open between ``opens_at`` and ``closes_at``, for at most ``max_claims``
people, until an awarder deactivates it. Each visitor's ``Claim`` is either awarded at once or,
when the link asks for it, waits for an awarder to approve or refuse it.

The rules are enforced here, in one transaction per claim, with the link's row locked
(``select_for_update``; on SQLite every write transaction is IMMEDIATE, which serialises them
the same way): the places left are counted inside that transaction, so two people pressing
"claim" at the same second never both take the last place.

One claim per e-mail address and per phone number per link (also enforced by the database).
Claiming again with the same address or number creates nothing: the browser that made the claim
is shown it again; anybody else is only told that it exists (and a reminder goes to the claim's
e-mail address), because the page of a claim shows the code that collects the badge.

Who awards: a claim awarded at once has no awarding person (``Award.awarded_by`` is empty and
the audit entry has no actor): the visitor claimed it through a link that an awarder opened,
and that awarder did not look at this claim. An approved claim is awarded by the awarder who
approved it.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from blason.core import audit, quotas
from blason.core.abuse import Origin
from blason.core.emails import send_templated
from blason.core.exceptions import ActionRefused
from blason.issuing.awarding import services as awards
from blason.issuing.badges.models import BadgeClass, BadgeStatus
from blason.issuing.claims import selectors
from blason.issuing.claims.models import Claim, ClaimLink, ClaimStatus

logger = logging.getLogger(__name__)

# Lower-case letters and digits without 0/o, 1/i/l and u: nothing to confuse when the address
# is typed from the poster. 10 characters: about 49 bits, far beyond guessing.
TOKEN_ALPHABET = "23456789abcdefghjkmnpqrstvwxyz"  # noqa: S105 - an alphabet, not a secret
TOKEN_LENGTH = 10
MAX_REASON = 300
# A reminder to the same claim's e-mail address at most this often (seconds).
REMINDER_EVERY = 10 * 60
# Claims approved in one request ("approve all"); more are approved by pressing again.
APPROVE_AT_ONCE = 200


class ClaimRefused(ActionRefused):
    """The link does not take claims now; ``state`` says why."""

    def __init__(self, message: str, state: selectors.LinkState) -> None:
        super().__init__(message)
        self.state = state


@dataclass(frozen=True)
class ClaimResult:
    claim: Claim
    created: bool
    # Made from this browser or account: safe to show again (with its claim code).
    mine: bool = True
    # A reminder was sent to the claim's e-mail address.
    reminded: bool = False


@dataclass
class ApproveSummary:
    approved: int = 0
    refused: list[str] = field(default_factory=list)  # one message per claim not approved
    left: int = 0  # still waiting after this round


def new_token() -> str:
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))


def _clean_link_fields(
    *,
    title: str,
    opens_at: datetime | None,
    closes_at: datetime | None,
    max_claims: int | None,
) -> str:
    title = " ".join(title.split())
    if not title:
        raise ActionRefused(_("Give the name of the event."))
    if len(title) > 200:
        raise ActionRefused(_("The name of the event is too long (at most 200 characters)."))
    if opens_at is not None and closes_at is not None and closes_at <= opens_at:
        raise ActionRefused(_("The closing time must be after the opening time."))
    if max_claims is not None and max_claims < 1:
        raise ActionRefused(_("The maximum number of claims must be at least 1."))
    return title


@transaction.atomic
def link_create(
    *,
    badge: BadgeClass,
    actor: Any,
    title: str,
    opens_at: datetime | None,
    closes_at: datetime | None,
    max_claims: int | None = None,
    requires_approval: bool = False,
) -> ClaimLink:
    """Open a claim link for a published badge."""
    if badge.status != BadgeStatus.PUBLISHED:
        raise ActionRefused(_("Only a published badge can be awarded."))
    title = _clean_link_fields(
        title=title, opens_at=opens_at, closes_at=closes_at, max_claims=max_claims
    )
    if closes_at is not None and closes_at <= timezone.now():
        raise ActionRefused(_("The closing time is already past."))
    link = _new_link(
        badge=badge,
        actor=actor,
        title=title,
        opens_at=opens_at,
        closes_at=closes_at,
        max_claims=max_claims,
        requires_approval=requires_approval,
    )
    audit.record(
        action="issuing.claim_link.created",
        actor=actor,
        issuer=badge.issuer,
        target=link,
        data={
            "badge": str(badge.uuid),
            "title": title,
            "opens_at": opens_at.isoformat() if opens_at else None,
            "closes_at": closes_at.isoformat() if closes_at else None,
            "max_claims": max_claims,
            "requires_approval": requires_approval,
        },
    )
    return link


@transaction.atomic
def link_import(
    *,
    badge: BadgeClass,
    actor: Any,
    title: str,
    opens_at: datetime | None,
    closes_at: datetime | None,
    max_claims: int | None,
    requires_approval: bool,
    active: bool,
    source: str,
) -> ClaimLink:
    """A claim link brought by another Blason's export (``source``: its id there), with a new
    code: the old code stays the other site's. Its window, maximum, approval and state are
    kept as they were, even when it is already closed or its badge no longer published (the
    link then shows it does not take claims, as it did there). Its places start at zero: the
    claims made there stay there."""
    title = _clean_link_fields(
        title=title or badge.name, opens_at=opens_at, closes_at=closes_at, max_claims=max_claims
    )
    link = _new_link(
        badge=badge,
        actor=actor,
        title=title,
        opens_at=opens_at,
        closes_at=closes_at,
        max_claims=max_claims,
        requires_approval=requires_approval,
        active=active,
    )
    audit.record(
        action="issuing.claim_link.imported",
        actor=actor,
        issuer=badge.issuer,
        target=link,
        data={"badge": str(badge.uuid), "source": source[:100], "title": title},
    )
    return link


def _new_link(*, badge: BadgeClass, actor: Any, **fields: Any) -> ClaimLink:
    """A claim link of ``badge`` with ``fields`` and a new code no other link has."""
    token = new_token()
    while ClaimLink.objects.filter(token=token).exists():  # pragma: no cover - 49 bits
        token = new_token()
    return ClaimLink.objects.create(
        issuer=badge.issuer,
        badge=badge,
        token=token,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **fields,
    )


def _lock(link: ClaimLink) -> ClaimLink:
    return (
        ClaimLink.objects.select_for_update(of=("self",))
        .select_related("badge", "issuer")
        .get(pk=link.pk)
    )


def _as_json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


@transaction.atomic
def link_update(
    *,
    link: ClaimLink,
    actor: Any,
    title: str,
    opens_at: datetime | None,
    closes_at: datetime | None,
    max_claims: int | None = None,
    requires_approval: bool = False,
) -> ClaimLink:
    """Change a link's event, window, maximum or approval. The maximum cannot go below the
    places already taken; turning approval off does not award the claims already waiting."""
    link = _lock(link)
    title = _clean_link_fields(
        title=title, opens_at=opens_at, closes_at=closes_at, max_claims=max_claims
    )
    taken = selectors.places_taken(link)
    if max_claims is not None and max_claims < taken:
        raise ActionRefused(
            _("%(count)d people have already claimed it: the maximum cannot be lower.")
            % {"count": taken}
        )
    wanted = {
        "title": title,
        "opens_at": opens_at,
        "closes_at": closes_at,
        "max_claims": max_claims,
        "requires_approval": requires_approval,
    }
    changes = {
        name: {"from": _as_json(getattr(link, name)), "to": _as_json(value)}
        for name, value in wanted.items()
        if getattr(link, name) != value
    }
    if not changes:
        return link
    for name, value in wanted.items():
        setattr(link, name, value)
    link.save(update_fields=list(changes))
    audit.record(
        action="issuing.claim_link.changed",
        actor=actor,
        issuer=link.issuer,
        target=link,
        data={"changes": changes},
    )
    return link


@transaction.atomic
def link_set_active(*, link: ClaimLink, actor: Any, active: bool) -> ClaimLink:
    """Deactivate a link (nobody can claim through it any more; waiting claims can still be
    decided) or open it again."""
    link = _lock(link)
    if link.active == active:
        return link
    link.active = active
    link.save(update_fields=["active"])
    audit.record(
        action="issuing.claim_link.reactivated" if active else "issuing.claim_link.deactivated",
        actor=actor,
        issuer=link.issuer,
        target=link,
    )
    return link


# --- Claims (visitors) ----------------------------------------------------------------------


def _existing(
    link: ClaimLink, *, email: str, phone: str, name: str, known: Collection[str]
) -> Claim | None:
    """The claim this person already made on the link: same e-mail address or phone number;
    without either, the same name claimed from the same browser (a second tap, a reload)."""
    wanted = Q()
    if email:
        wanted |= Q(email=email)
    if phone:
        wanted |= Q(phone=phone)
    if not email and not phone and known:
        wanted = Q(uuid__in=list(known), email="", phone="", name__iexact=name)
    if not wanted:
        return None
    return (
        Claim.objects.select_related("award")
        .filter(wanted, link=link)
        .order_by("created_at")
        .first()
    )


def _remind(claim: Claim) -> bool:
    """E-mail the claim's page to its address again, at most once every few minutes (the
    address may be typed by someone else: nothing is shown to them)."""
    if not claim.email or not cache.add(f"claim-reminder:{claim.uuid}", 1, REMINDER_EVERY):
        return False
    if not quotas.try_reserve(issuer=claim.link.issuer, actor=None):
        return False
    send_templated(
        template_prefix="issuing/email/claim_reminder",
        to=claim.email,
        context=_email_context(claim),
        language=claim.language or None,
        origin=Origin(issuer=claim.link.issuer),
    )
    return True


def _email_context(claim: Claim) -> dict[str, Any]:
    return {
        "claim": claim,
        "link": claim.link,
        "badge": claim.link.badge,
        "issuer": claim.link.issuer,
        "status_url": selectors.status_url(claim),
        "site_name": settings.SITE_NAME,
    }


def _issue(claim: Claim, *, actor: Any) -> None:
    link = claim.link
    award = awards.award_issue(
        badge=link.badge,
        actor=actor,
        email=claim.email,
        phone=claim.phone,
        name=claim.name,
        narrative=link.title,
        language=claim.language or None,
        idempotency_key=f"claim:{claim.uuid}",
    )
    claim.status = ClaimStatus.ISSUED
    claim.award = award
    claim.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    claim.decided_at = timezone.now()
    claim.save(update_fields=["status", "award", "decided_by", "decided_at"])


def claim_make(
    *,
    link: ClaimLink,
    name: str,
    email: str = "",
    phone: str = "",
    language: str = "",
    user: Any = None,
    known: Collection[str] = (),
) -> ClaimResult:
    """Claim the link's badge for a person known by name, and by an e-mail address and/or a
    phone number when they have one.

    ``known`` are the claims this browser made before (their UUIDs, kept in the session): they
    are shown again instead of being duplicated. Without approval the badge is awarded at once
    (and e-mailed when there is an address); with approval the claim waits, and the person is
    e-mailed the page where they can follow it. Refused with ``ClaimRefused`` when the link is
    not open, inactive or full, and ``ActionRefused`` for a missing name or a wrong number.
    """
    name = " ".join(name.split())
    if not name:
        raise ActionRefused(_("Write your name."))
    if len(name) > 200:
        raise ActionRefused(_("The name is too long (at most 200 characters)."))
    email = email.strip().lower()
    phone = awards.normalise_phone(phone) if phone.strip() else ""
    signed_in = user if getattr(user, "is_authenticated", False) else None
    known = {str(value) for value in known}
    with transaction.atomic():
        link = _lock(link)
        existing = _existing(link, email=email, phone=phone, name=name, known=known)
        if existing is not None:
            mine = str(existing.uuid) in known or (
                signed_in is not None and existing.user_id == signed_in.pk
            )
            reminded = False if mine else _remind(existing)
            return ClaimResult(claim=existing, created=False, mine=mine, reminded=reminded)
        state = selectors.link_state(link, taken=selectors.taken_for_state(link))
        if state != selectors.LinkState.OPEN:
            raise ClaimRefused(selectors.state_message(link, state), state)
        if email and link.requires_approval:
            # Without approval, awarding counts the e-mail (``awards.award_issue``).
            quotas.reserve(issuer=link.issuer, actor=signed_in, count=1)
        try:
            with transaction.atomic():
                claim = Claim.objects.create(
                    link=link,
                    name=name,
                    email=email,
                    phone=phone,
                    language=language[:10],
                    user=signed_in,
                )
        except IntegrityError:  # pragma: no cover - the locked link makes this unreachable
            raise ActionRefused(
                _("This badge has already been claimed with these details.")
            ) from None
        audit.record(
            action="issuing.claim.made",
            actor=signed_in,
            issuer=link.issuer,
            target=claim,
            data={"link": str(link.uuid), "approval": link.requires_approval},
        )
        if not link.requires_approval:
            _issue(claim, actor=None)
        elif claim.email:
            send_templated(
                template_prefix="issuing/email/claim_received",
                to=claim.email,
                context=_email_context(claim),
                language=claim.language or None,
            )
    return ClaimResult(claim=claim, created=True)


# --- Decisions (awarders) -------------------------------------------------------------------


def _lock_claim(claim: Claim) -> Claim:
    return (
        Claim.objects.select_for_update(of=("self",))
        .select_related("link__badge", "link__issuer")
        .get(pk=claim.pk)
    )


def _undecided(claim: Claim) -> None:
    if claim.status != ClaimStatus.PENDING:
        raise ActionRefused(_("The claim of %(name)s was already decided.") % {"name": claim.name})


@transaction.atomic
def claim_approve(*, claim: Claim, actor: Any) -> Claim:
    """Award the badge of a waiting claim (the person is e-mailed when they gave an address).
    A claim is approved even after the link closed: it was made in time."""
    claim = _lock_claim(claim)
    _undecided(claim)
    _issue(claim, actor=actor)
    audit.record(
        action="issuing.claim.approved",
        actor=actor,
        issuer=claim.link.issuer,
        target=claim,
        data={"link": str(claim.link.uuid), "award": str(claim.award.uuid) if claim.award else ""},
    )
    return claim


def claims_approve(
    *, link: ClaimLink, actor: Any, uuids: Iterable[str] | None = None
) -> ApproveSummary:
    """Approve the waiting claims of ``link`` (only ``uuids`` when given), oldest first, each
    in its own transaction: one that cannot be awarded does not hold back the others. At most
    ``APPROVE_AT_ONCE`` in one call; ``left`` says how many still wait."""
    pending = Claim.objects.filter(link=link, status=ClaimStatus.PENDING)
    if uuids is not None:
        pending = pending.filter(uuid__in=list(uuids))
    summary = ApproveSummary()
    for claim in pending.order_by("created_at")[:APPROVE_AT_ONCE]:
        try:
            claim_approve(claim=claim, actor=actor)
        except ActionRefused as exc:
            summary.refused.append(f"{claim.name}: {exc}")
        else:
            summary.approved += 1
    summary.left = Claim.objects.filter(link=link, status=ClaimStatus.PENDING).count()
    return summary


@transaction.atomic
def claim_refuse(*, claim: Claim, actor: Any, reason: str) -> Claim:
    """Refuse a waiting claim, saying why (the person reads it on their claim's page and by
    e-mail when they gave an address). The place it held is free again."""
    reason = " ".join(reason.split())
    if not reason:
        raise ActionRefused(_("Say why, in a few words: the person will read it."))
    if len(reason) > MAX_REASON:
        raise ActionRefused(
            _("The reason is too long (at most %(count)d characters).") % {"count": MAX_REASON}
        )
    claim = _lock_claim(claim)
    _undecided(claim)
    claim.status = ClaimStatus.REFUSED
    claim.refusal_reason = reason
    claim.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    claim.decided_at = timezone.now()
    claim.save(update_fields=["status", "refusal_reason", "decided_by", "decided_at"])
    audit.record(
        action="issuing.claim.refused",
        actor=actor,
        issuer=claim.link.issuer,
        target=claim,
        data={"link": str(claim.link.uuid), "reason": reason},
    )
    if claim.email:
        send_templated(
            template_prefix="issuing/email/claim_refused",
            to=claim.email,
            context=_email_context(claim),
            language=claim.language or None,
            origin=Origin(actor=actor, issuer=claim.link.issuer),
        )
    return claim
