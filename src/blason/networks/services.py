"""Writes of networks: one keyword-only, atomic, audited function per action.

Every change of who is an active member re-issues the network's signed list in the same
transaction (``list_issue``), so the list served is never behind the membership.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from blason.core import audit
from blason.core.exceptions import ActionRefused
from blason.core.models import Issuer, IssuerKind
from blason.core.services import issuer_create
from blason.core.territory import validate_departement, validate_region
from blason.networks import emails, lists
from blason.networks.models import MemberState, Network, NetworkMember, RecognitionList

OPEN = (MemberState.INVITED, MemberState.ACTIVE)


def _clean_area(region_code: str, departements: Sequence[str]) -> list[str]:
    validate_region(region_code)
    codes = sorted({code.strip().upper() for code in departements if code.strip()})
    for code in codes:
        validate_departement(code)
    return codes


@transaction.atomic
def network_create(
    *,
    name: str,
    owner: Any,
    description: str = "",
    url: str = "",
    email: str = "",
    charter_url: str = "",
    region_code: str = "",
    departements: Sequence[str] = (),
    slug: str | None = None,
) -> Network:
    """Create a network: an issuer of kind ``network`` (with its keys, made by the
    ``ISSUER_CREATED`` hooks), ``owner`` its first coordinator, and its first (empty) list."""
    codes = _clean_area(region_code, departements)
    issuer = issuer_create(
        name=name,
        kind=IssuerKind.NETWORK,
        owner=owner,
        description=description,
        url=url,
        email=email,
    )
    if region_code and not issuer.region_code:
        issuer.region_code = region_code
        issuer.save(update_fields=["region_code"])
    network = Network.objects.create(
        issuer=issuer, charter_url=charter_url, region_code=region_code, departements=codes
    )
    audit.record(
        action="networks.network.created",
        actor=owner,
        issuer=issuer,
        target=issuer,
        data={"region": region_code, "departements": codes},
    )
    list_issue(network=network, actor=owner)
    return network


@transaction.atomic
def network_update(
    *,
    network: Network,
    actor: Any,
    charter_url: str,
    region_code: str,
    departements: Sequence[str],
) -> Network:
    codes = _clean_area(region_code, departements)
    changes = {
        field: value
        for field, value in {
            "charter_url": charter_url,
            "region_code": region_code,
            "departements": codes,
        }.items()
        if getattr(network, field) != value
    }
    if changes:
        for field, value in changes.items():
            setattr(network, field, value)
        network.save(update_fields=list(changes))
        audit.record(
            action="networks.network.updated",
            actor=actor,
            issuer=network.issuer,
            target=network.issuer,
            data={"fields": sorted(changes)},
        )
    return network


@transaction.atomic
def member_invite(
    *, network: Network, issuer: Issuer, actor: Any, message: str = "", notify: bool = True
) -> NetworkMember:
    """Invite an issuer to join; its owners accept or decline on their space's page, told by
    e-mail (``notify``: False for the demo's made-up people)."""
    if issuer.pk == network.issuer_id:
        raise ActionRefused(_("A network cannot be a member of itself."))
    if issuer.kind == IssuerKind.NETWORK:
        raise ActionRefused(_("A network cannot join another network."))
    member = (
        NetworkMember.objects.select_for_update().filter(network=network, issuer=issuer).first()
    )
    if member is not None and member.state == MemberState.ACTIVE:
        raise ActionRefused(_("%(name)s is already a member.") % {"name": issuer.name})
    if member is not None and member.state == MemberState.INVITED:
        raise ActionRefused(_("%(name)s is already invited.") % {"name": issuer.name})
    if member is None:
        member = NetworkMember(network=network, issuer=issuer)
    member.state = MemberState.INVITED
    member.message = message.strip()
    member.invited_by = actor
    member.invited_at = timezone.now()
    member.joined_at = member.ended_at = None
    member.save()
    for where in (network.issuer, issuer):
        audit.record(
            action="networks.member.invited",
            actor=actor,
            issuer=where,
            target=member,
            data={"network": str(network.issuer.uuid), "member": str(issuer.uuid)},
        )
    if notify:
        emails.tell_invitation(member)
    return member


def _locked(member: NetworkMember, *states: str) -> NetworkMember:
    locked = (
        NetworkMember.objects.select_for_update()
        .select_related("network__issuer", "issuer")
        .get(pk=member.pk)
    )
    if locked.state not in states:
        raise ActionRefused(_("This has already been done or is no longer possible."))
    return locked


def _end(member: NetworkMember, *, state: str, actor: Any, action: str, comment: str = "") -> None:
    was_active = member.state == MemberState.ACTIVE
    member.state = state
    member.ended_at = timezone.now()
    member.save(update_fields=["state", "ended_at"])
    for where in (member.network.issuer, member.issuer):
        audit.record(
            action=action,
            actor=actor,
            issuer=where,
            target=member,
            data={"network": str(member.network.issuer.uuid), "member": str(member.issuer.uuid)}
            | ({"comment": comment} if comment else {}),
        )
    if was_active:
        list_issue(network=member.network, actor=actor)


@transaction.atomic
def invitation_accept(*, member: NetworkMember, actor: Any) -> NetworkMember:
    """The invited issuer joins: the network's list is re-issued with it."""
    member = _locked(member, MemberState.INVITED)
    member.state = MemberState.ACTIVE
    member.joined_at = timezone.now()
    member.save(update_fields=["state", "joined_at"])
    for where in (member.network.issuer, member.issuer):
        audit.record(
            action="networks.member.joined",
            actor=actor,
            issuer=where,
            target=member,
            data={"network": str(member.network.issuer.uuid), "member": str(member.issuer.uuid)},
        )
    list_issue(network=member.network, actor=actor)
    return member


@transaction.atomic
def invitation_decline(*, member: NetworkMember, actor: Any, comment: str = "") -> NetworkMember:
    member = _locked(member, MemberState.INVITED)
    _end(
        member,
        state=MemberState.DECLINED,
        actor=actor,
        action="networks.member.declined",
        comment=comment.strip(),
    )
    return member


@transaction.atomic
def member_leave(*, member: NetworkMember, actor: Any) -> NetworkMember:
    """The member issuer leaves: the list is re-issued without it."""
    member = _locked(member, MemberState.ACTIVE)
    _end(member, state=MemberState.LEFT, actor=actor, action="networks.member.left")
    return member


@transaction.atomic
def member_remove(*, member: NetworkMember, actor: Any) -> NetworkMember:
    """A coordinator removes a member (or withdraws an invitation): the list is re-issued."""
    member = _locked(member, *OPEN)
    _end(member, state=MemberState.REMOVED, actor=actor, action="networks.member.removed")
    return member


@transaction.atomic
def list_issue(*, network: Network, actor: Any = None) -> RecognitionList:
    """Sign and keep a new revision of the network's list of recognised issuers."""
    Network.objects.select_for_update().filter(pk=network.pk).first()  # one revision at a time
    last = network.lists.aggregate(last=Max("revision"))["last"] or 0
    issued = lists.build(network, revision=last + 1)
    issued.save()
    audit.record(
        action="networks.list.issued",
        actor=actor,
        issuer=network.issuer,
        target=network.issuer,
        data={"revision": issued.revision, "members": issued.member_count},
    )
    return issued


# The fields of an issuer that its networks' lists carry (name, web site, and in the DCC
# registry, where it is); a network's own name and web site are its list's issuer.
LISTED_FIELDS = frozenset({"name", "url", "commune_code", "departement_code", "region_code"})


def lists_issuer_updated(*, issuer: Issuer, actor: Any, fields: Sequence[str]) -> None:
    """``core.hooks.ISSUER_UPDATED``: an issuer's profile changed; the lists that show what
    changed are signed again now, not at the next renewal (in the same transaction)."""
    if not LISTED_FIELDS.intersection(fields):
        return
    listed = NetworkMember.objects.filter(issuer=issuer, state=MemberState.ACTIVE)
    networks = Network.objects.filter(
        Q(pk__in=listed.values("network")) | Q(issuer=issuer)
    ).select_related("issuer")
    for network in networks.order_by("pk"):
        list_issue(network=network, actor=actor)


def lists_renew_due(now: Any = None) -> int:
    """Re-issue the lists signed more than ``lists.RENEW_AFTER`` ago (the workers' round),
    one transaction per network; returns how many. Safe to run twice or in parallel: a
    network renewed meanwhile is skipped."""
    now = now or timezone.now()
    due = Network.objects.annotate(last=Max("lists__issued_at")).filter(
        last__lt=now - lists.RENEW_AFTER
    )
    renewed = 0
    for network in due.order_by("pk"):
        with transaction.atomic():
            Network.objects.select_for_update().filter(pk=network.pk).first()
            newest = network.lists.order_by("-revision").first()
            if newest is not None and newest.issued_at >= now - lists.RENEW_AFTER:
                continue
            list_issue(network=network)
            renewed += 1
    return renewed
