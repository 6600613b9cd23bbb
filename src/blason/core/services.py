"""Writes on issuers, memberships and invitations. One atomic, audited function per action."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from blason.core import audit, hooks, quotas, selectors
from blason.core.abuse import Origin
from blason.core.emails import send_templated
from blason.core.exceptions import ActionRefused
from blason.core.models import Invitation, Issuer, IssuerKind, Membership, Role
from blason.core.site import absolute_url


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
    owner: Any | None,
    description: str = "",
    url: str = "",
    email: str = "",
    slug: str | None = None,
) -> Issuer:
    """Create an issuer profile and make ``owner`` its first owner (``None``: a profile of the
    site itself, with no member, such as the one signing learner records). Every issuer comes
    to exist here: the apps add their part in the same transaction (``hooks.ISSUER_CREATED``;
    issuing makes the issuer's signing keys)."""
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
    if owner is not None:
        Membership.objects.create(issuer=issuer, user=owner, role=Role.OWNER)
    audit.record(action="core.issuer.created", actor=owner, issuer=issuer, target=issuer)
    hooks.issuer_created(issuer=issuer, actor=owner)
    return issuer


@transaction.atomic
def personal_issuer_for(user: Any) -> Issuer:
    """The person's own issuer profile (to award as themself), created on first use."""
    existing = selectors.personal_issuer_of(user)
    if existing is not None:
        return existing
    name = user.display_name or (user.email or "").split("@", 1)[0] or str(user)
    return issuer_create(name=name, kind=IssuerKind.INDIVIDUAL, owner=user)


@transaction.atomic
def issuer_update(
    *,
    issuer: Issuer,
    actor: Any,
    name: str,
    description: str,
    url: str,
    email: str,
    commune_code: str | None = None,
    departement_code: str | None = None,
    region_code: str | None = None,
    siret: str | None = None,
    rna: str | None = None,
) -> Issuer:
    """Change the profile; the address and identifiers only when given (None: unchanged).
    The apps are told what changed (``hooks.ISSUER_UPDATED``), in the same transaction."""
    changes = {
        field: value
        for field, value in {
            "name": name,
            "description": description,
            "url": url,
            "email": email,
            "commune_code": commune_code,
            "departement_code": departement_code,
            "region_code": region_code,
            "siret": siret,
            "rna": rna,
        }.items()
        if value is not None and getattr(issuer, field) != value
    }
    if changes:
        for field, value in changes.items():
            setattr(issuer, field, value)
        issuer.save(update_fields=list(changes))
        audit.record(
            action="core.issuer.updated",
            actor=actor,
            issuer=issuer,
            target=issuer,
            data={"fields": sorted(changes)},
        )
        hooks.issuer_updated(issuer=issuer, actor=actor, fields=sorted(changes))
    return issuer


@transaction.atomic
def membership_add(*, issuer: Issuer, user: Any, role: str, actor: Any) -> Membership:
    if role not in Role.values:
        raise ValueError(f"Unknown role {role!r}")
    existing = Membership.objects.filter(issuer=issuer, user=user).first()
    if (
        existing is not None
        and existing.role == Role.OWNER
        and role != Role.OWNER
        and not _other_owners(existing)
    ):
        raise ActionRefused(_("A space needs at least one owner: name another owner first."))
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


def _other_owners(membership: Membership) -> bool:
    """Whether the space keeps another owner. Locks the space's row first, so that two owners
    removing (or demoting) each other at the same moment are served one after the other: the
    second sees that the first is gone, and a space never ends without an owner."""
    Issuer.objects.select_for_update().filter(pk=membership.issuer_id).first()
    return (
        Membership.objects.filter(issuer=membership.issuer, role=Role.OWNER)
        .exclude(pk=membership.pk)
        .exists()
    )


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str, actor: Any) -> Membership:
    if role not in Role.values:
        raise ValueError(f"Unknown role {role!r}")
    if membership.role == role:
        return membership
    if membership.role == Role.OWNER and not _other_owners(membership):
        raise ActionRefused(_("A space needs at least one owner: name another owner first."))
    old = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit.record(
        action="core.membership.changed",
        actor=actor,
        issuer=membership.issuer,
        target=membership,
        data={"user": str(membership.user.uuid), "from": old, "role": role},
    )
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor: Any) -> None:
    if membership.role == Role.OWNER and not _other_owners(membership):
        raise ActionRefused(_("A space needs at least one owner: name another owner first."))
    audit.record(
        action="core.membership.removed",
        actor=actor,
        issuer=membership.issuer,
        data={"user": str(membership.user.uuid), "role": membership.role},
    )
    membership.delete()


@transaction.atomic
def invitation_send(
    *, issuer: Issuer, email: str, role: str, actor: Any, language: str | None = None
) -> Invitation:
    """Invite someone by e-mail. Inviting the same address again renews the invitation."""
    if role not in Role.values:
        raise ValueError(f"Unknown role {role!r}")
    email = email.strip().lower()
    if Membership.objects.filter(issuer=issuer, user__email__iexact=email).exists():
        raise ActionRefused(_("This person is already a member of the space."))
    invitation = Invitation.objects.filter(
        issuer=issuer, email=email, accepted_at__isnull=True
    ).first()
    quotas.reserve(issuer=issuer, actor=actor, count=1)  # refused: nothing is written
    if invitation is None:
        invitation = Invitation(issuer=issuer, email=email)
    invitation.role = role
    invitation.invited_by = actor
    invitation.expires_at = timezone.now() + timedelta(days=14)
    invitation.save()
    link = absolute_url("core:invitation", invitation.token)
    send_templated(
        template_prefix="core/email/invitation",
        to=email,
        context={
            "issuer": issuer,
            "inviter": actor,
            "link": link,
            "role": invitation.get_role_display(),
            "site_name": settings.SITE_NAME,
        },
        language=language,
        origin=Origin(actor=actor, issuer=issuer),
    )
    audit.record(
        action="core.invitation.sent",
        actor=actor,
        issuer=issuer,
        target=invitation,
        data={"email": email, "role": role},
    )
    return invitation


class InvitationForAnotherAddress(ActionRefused):
    """The account has not verified the address the invitation was sent to."""


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: Any) -> Membership:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise ActionRefused(_("This invitation is no longer valid."))
    if not selectors.may_accept_invitation(invitation, user):
        raise InvitationForAnotherAddress(
            _(
                "This invitation was sent to another address. Sign in with that address, or add "
                "it to your account and confirm it."
            )
        )
    membership = Membership.objects.filter(issuer=invitation.issuer, user=user).first()
    if membership is None:
        membership = Membership.objects.create(
            issuer=invitation.issuer, user=user, role=invitation.role
        )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit.record(
        action="core.invitation.accepted",
        actor=user,
        issuer=invitation.issuer,
        target=invitation,
        data={"role": membership.role},
    )
    return membership


@transaction.atomic
def invitation_cancel(*, invitation: Invitation, actor: Any) -> None:
    audit.record(
        action="core.invitation.cancelled",
        actor=actor,
        issuer=invitation.issuer,
        data={"email": invitation.email},
    )
    invitation.delete()


@transaction.atomic
def issuer_set_mail_trust(*, issuer: Issuer, trusted: bool, actor: Any) -> Issuer:
    """An operator trusts a space to send e-mail beyond the quota of new spaces, or not."""
    if issuer.mail_trusted == trusted:
        return issuer
    issuer.mail_trusted = trusted
    issuer.save(update_fields=["mail_trusted"])
    audit.record(
        action="core.issuer.mail_trust_changed",
        actor=actor,
        issuer=issuer,
        target=issuer,
        data={"trusted": trusted},
    )
    return issuer
