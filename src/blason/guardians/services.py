"""Writes of the children's accounts feature. Views, the sign-up form, the worker's sweep and
the ``purge_held_accounts`` command call these, never the ORM directly.

The life of a child's account: sign-up with a year of birth that may be under the age of
digital consent → ``account_hold`` (the account exists, but cannot be used) → the child gives
a parent's address or number → ``consent_request`` sends the parent a link → the parent
agrees (``consent_give``: the account opens) or refuses (``consent_refuse``: the account and
its data are deleted) → without an answer, ``purge`` deletes it after
``GUARDIAN_CONSENT_DAYS``. Until the child may be of age, the parent can ask an access link
(``access_link_send``), see the account and delete it (``child_delete``); then ``purge`` ends
the guardianship and forgets the parent's address.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from blason.accounts import services as account_services
from blason.accounts.models import User
from blason.core import audit
from blason.core.exceptions import ActionRefused
from blason.core.models import AuditEntry, OutboxMessage
from blason.core.site import absolute_url
from blason.guardians import age, links, notify
from blason.guardians.links import LinkExpired, LinkRef, LinkUsed
from blason.guardians.models import Guardianship, GuardianshipState


class GuardianError(ActionRefused):
    """A business rule refused an action; ``str(exc)`` is a message for the person."""


class LinkGone(LinkUsed):
    """The link is ours, but the account it was about no longer exists."""

    reason = "gone"


@transaction.atomic
def account_hold_at_signup(user: User, answers: Mapping[str, Any]) -> None:
    """``accounts.hooks.SIGNED_UP``: the sign-up form asked the year of birth."""
    account_hold(user=user, birth_year=answers["birth_year"])


def account_hold(*, user: User, birth_year: int, today: date | None = None) -> Guardianship | None:
    """Hold a new account when its person may be under the age of digital consent; do
    nothing otherwise. The year of birth is not stored (``age.consent_until`` is)."""
    today = today or timezone.localdate()
    if not age.needs_guardian(birth_year, today=today):
        return None
    user.is_active = False
    user.save(update_fields=["is_active"])
    guardianship = Guardianship.objects.create(
        child=user,
        consent_until=age.consent_until(birth_year),
        held_until=timezone.now() + timedelta(days=settings.GUARDIAN_CONSENT_DAYS),
    )
    audit.record(action="guardians.account.held", target=user)
    return guardianship


def _locked(guardianship: Guardianship) -> Guardianship | None:
    return (
        Guardianship.objects.select_for_update()
        .select_related("child")
        .filter(pk=guardianship.pk)
        .first()
    )


@transaction.atomic
def consent_request(*, guardianship: Guardianship, channel: str, contact: str) -> Guardianship:
    """Send the parent the consent link (again). A new address or number makes the links sent
    to the previous one stop working."""
    current = _locked(guardianship)
    if current is None or not current.is_held:
        raise GuardianError(_("This account is no longer waiting for a parent's agreement."))
    child = current.child
    own = {str(value).lower() for value in (child.email, getattr(child, "phone", "")) if value}
    if contact.lower() in own:
        raise GuardianError(_("Give the address or number of a parent or guardian, not your own."))
    if (channel, contact) != (current.channel, current.contact):
        current.consent_version += 1
        current.channel, current.contact = channel, contact
    current.message_sent_at = timezone.now()
    current.save(update_fields=["channel", "contact", "consent_version", "message_sent_at"])
    if not notify.consent(current, consent_url(current)):
        raise GuardianError(
            _(
                "We could not send a text message to this number just now. Wait a few minutes "
                "and try again, or give an e-mail address."
            )
        )
    audit.record(
        action="guardians.consent.requested", target=current.child, data={"channel": channel}
    )
    return current


def consent_url(guardianship: Guardianship) -> str:
    token = links.consent_token(guardianship.uuid, guardianship.consent_version)
    return absolute_url("guardians:consent", token)


def for_consent_link(token: str, *, now: datetime | None = None) -> Guardianship:
    """The held account a consent link is about. Raises a ``links.LinkError``: forged,
    expired (or the account's waiting time is over), used (or replaced), gone."""
    ref = links.read_consent(token)
    guardianship = (
        Guardianship.objects.select_related("child").filter(uuid=ref.guardianship).first()
    )
    if guardianship is None:
        raise LinkGone
    if not guardianship.is_held or ref.version != guardianship.consent_version:
        raise LinkUsed
    held_until = guardianship.held_until
    if held_until is not None and held_until <= (now or timezone.now()):
        raise LinkExpired
    return guardianship


@transaction.atomic
def consent_give(*, guardianship: Guardianship) -> Guardianship:
    """The parent agrees: the account opens, the consent link stops working, and the parent
    is told how to come back to see or delete the account."""
    current = _locked(guardianship)
    if current is None or not current.is_held:
        raise GuardianError(_("This account is no longer waiting for a parent's agreement."))
    current.state = GuardianshipState.CONFIRMED
    current.confirmed_at = timezone.now()
    current.held_until = None
    current.consent_version += 1
    current.save(update_fields=["state", "confirmed_at", "held_until", "consent_version"])
    child = current.child
    child.is_active = True
    child.save(update_fields=["is_active"])
    notify.confirmed(current, absolute_url("guardians:start"))
    audit.record(action="guardians.consent.given", target=child, data={"channel": current.channel})
    return current


def _forget_messages(guardianship: Guardianship) -> None:
    """The messages sent to the parent name the child: they go with the guardianship."""
    OutboxMessage.objects.filter(key__startswith=notify.key_prefix(guardianship)).delete()


def _delete_held(guardianship: Guardianship, *, action: str) -> None:
    child = guardianship.child
    account = str(child.uuid)
    _forget_messages(guardianship)
    # The account never opened: the log keeps that it existed, not who it was (its name, its
    # address or number, in the label of what it did and in the data of what was done to it).
    AuditEntry.objects.filter(Q(actor=child) | Q(target_id=account)).update(actor_label="", data={})
    account_services.user_delete(user=child)
    audit.record(action=action, data={"account": account})


@transaction.atomic
def consent_refuse(*, guardianship: Guardianship) -> None:
    """The parent refuses: the held account and everything in it are deleted now."""
    current = _locked(guardianship)
    if current is None or not current.is_held:
        raise GuardianError(_("This account is no longer waiting for a parent's agreement."))
    _delete_held(current, action="guardians.consent.refused")


def _overseen(today: date) -> Any:
    return Guardianship.objects.filter(
        state=GuardianshipState.CONFIRMED, consent_until__gte=today
    ).select_related("child")


@transaction.atomic
def access_link_send(*, channel: str, contact: str) -> int:
    """Send a parent one access link to all the accounts they agreed to, if any; returns how
    many. The caller answers the same either way (nobody learns whose address this is)."""
    children = list(_overseen(timezone.localdate()).filter(channel=channel, contact=contact))
    if not children:
        return 0
    token = links.access_token([LinkRef(g.uuid, g.access_version) for g in children])
    url = absolute_url("guardians:open", token)
    notify.access(children, url)
    for guardianship in children:
        audit.record(action="guardians.access.sent", target=guardianship.child)
    return len(children)


def for_access_link(token: str) -> list[Guardianship]:
    """The accounts an access link would open, without using it. Raises a
    ``links.LinkError`` when it opens none (forged, expired, used)."""
    refs = links.read_access(token)
    versions = {ref.guardianship: ref.version for ref in refs}
    found = [
        guardianship
        for guardianship in _overseen(timezone.localdate()).filter(uuid__in=list(versions))
        if guardianship.access_version == versions[guardianship.uuid]
    ]
    if not found:
        raise LinkUsed
    return found


@transaction.atomic
def access_open(token: str) -> list[Guardianship]:
    """Use an access link: the accounts it opens (each link works once). Raises a
    ``links.LinkError`` when it opens none."""
    refs = links.read_access(token)
    today = timezone.localdate()
    opened = []
    for ref in refs:
        guardianship = _overseen(today).select_for_update().filter(uuid=ref.guardianship).first()
        if guardianship is None or guardianship.access_version != ref.version:
            continue
        guardianship.access_version += 1
        guardianship.save(update_fields=["access_version"])
        audit.record(action="guardians.access.opened", target=guardianship.child)
        opened.append(guardianship)
    if not opened:
        raise LinkUsed
    return opened


@transaction.atomic
def child_delete(*, guardianship: Guardianship) -> None:
    """A parent deletes the child's account, as the child could (``accounts.user_delete``:
    refused while the child is the only owner of a space that has other members)."""
    current = _locked(guardianship)
    if current is None:
        return
    child = current.child
    account = str(child.uuid)
    _forget_messages(current)
    account_services.user_delete(user=child)
    audit.record(action="guardians.child.deleted", data={"account": account})


@dataclass(frozen=True)
class PurgeResult:
    held_deleted: int
    guardianships_ended: int


def purge(*, now: datetime | None = None) -> PurgeResult:
    """Delete the held accounts nobody confirmed in time, and end the guardianships of children
    now of age (their parent's address is forgotten; the account stays, as any other).
    Safe to run twice, and from several workers at once."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    held = Guardianship.objects.filter(state=GuardianshipState.HELD, held_until__lt=now)
    deleted = 0
    for pk in list(held.values_list("pk", flat=True)):
        with transaction.atomic():
            current = held.select_for_update().select_related("child").filter(pk=pk).first()
            if current is not None:
                _delete_held(current, action="guardians.account.purged")
                deleted += 1
    grown = Guardianship.objects.filter(state=GuardianshipState.CONFIRMED, consent_until__lt=today)
    ended = 0
    for pk in list(grown.values_list("pk", flat=True)):
        with transaction.atomic():
            current = grown.select_for_update().select_related("child").filter(pk=pk).first()
            if current is not None:
                _forget_messages(current)
                current.delete()
                audit.record(action="guardians.guardianship.ended", target=current.child)
                ended += 1
    _forget_orphan_messages()
    return PurgeResult(held_deleted=deleted, guardianships_ended=ended)


def _forget_orphan_messages() -> None:
    """Messages to parents whose guardianship went another way (the child deleted the
    account themself): they go too."""
    prefix = "guardians:"
    keys = OutboxMessage.objects.filter(key__startswith=prefix).values_list("key", flat=True)
    ids = set()
    for key in keys:
        with contextlib.suppress(ValueError, IndexError):
            ids.add(uuid.UUID(key.split(":")[1]))
    alive = set(Guardianship.objects.filter(uuid__in=ids).values_list("uuid", flat=True))
    for gone in ids - alive:
        OutboxMessage.objects.filter(key__startswith=f"{prefix}{gone}:").delete()
