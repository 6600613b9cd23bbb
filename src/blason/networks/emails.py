"""The e-mails of networks, recorded in the durable outbox with the change they tell about
(``blason.core.emails``), each in its recipient's language (their account's, else the site's):

* an invitation to join a network, to the owners of the invited issuer (who answer it);
* a request for an endorsement, to the endorser's editors and owners (who give or decline it);
* the answer (given or declined, with the endorser's comment), to the person who asked.

Each message is recorded under a key naming the change and the recipient, so a retried
service call or delivery never sends it twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings

from blason.core.abuse import Origin
from blason.core.emails import send_templated
from blason.core.models import Issuer, Membership, Role
from blason.core.site import absolute_url
from blason.networks.models import Endorsement, EndorsementState, NetworkMember


def _people(issuer: Issuer, roles: Iterable[str]) -> list[Any]:
    rows = (
        Membership.objects.filter(issuer=issuer, role__in=list(roles))
        .exclude(user__email="")
        .select_related("user")
        .order_by("user_id")
    )
    return [row.user for row in rows]


def _language(person: Any) -> str | None:
    return getattr(person, "language", "") or None


def tell_invitation(member: NetworkMember) -> None:
    """The owners of the invited issuer learn of the invitation, with the link to answer."""
    network = member.network.issuer
    link = absolute_url("networks:memberships", member.issuer.slug)
    stamp = member.invited_at.isoformat()
    for person in _people(member.issuer, [Role.OWNER]):
        send_templated(
            template_prefix="networks/email/invitation",
            to=person.email,
            context={
                "network": network,
                "issuer": member.issuer,
                "inviter": member.invited_by,
                "message": member.message,
                "charter_url": member.network.charter_url,
                "link": link,
                "site_name": settings.SITE_NAME,
            },
            language=_language(person),
            origin=Origin(actor=member.invited_by, issuer=network),
            key=f"networks.invitation:{member.uuid}:{stamp}:{person.pk}",
        )


def tell_request(endorsement: Endorsement, *, owner: Issuer) -> None:
    """The endorser's editors and owners learn that ``owner`` asks for an endorsement."""
    link = absolute_url("networks:endorsements", endorsement.endorser.slug)
    for person in _people(endorsement.endorser, [Role.OWNER, Role.EDITOR]):
        send_templated(
            template_prefix="networks/email/endorsement_request",
            to=person.email,
            context={
                "endorser": endorsement.endorser,
                "requester": owner,
                "subject": endorsement.subject_label,
                "comment": endorsement.request_comment,
                "link": link,
                "site_name": settings.SITE_NAME,
            },
            language=_language(person),
            origin=Origin(actor=endorsement.requested_by, issuer=owner),
            key=f"networks.endorsement.request:{endorsement.uuid}:{person.pk}",
        )


def tell_answer(endorsement: Endorsement, *, owner: Issuer) -> None:
    """The person who asked learns the endorser's answer and its comment."""
    person = endorsement.requested_by
    if person is None or not person.email:
        return
    send_templated(
        template_prefix="networks/email/endorsement_answer",
        to=person.email,
        context={
            "endorser": endorsement.endorser,
            "requester": owner,
            "subject": endorsement.subject_label,
            "given": endorsement.state == EndorsementState.ACCEPTED,
            "comment": endorsement.comment,
            "link": absolute_url("networks:endorsements", owner.slug),
            "site_name": settings.SITE_NAME,
        },
        language=_language(person),
        origin=Origin(actor=endorsement.answered_by, issuer=endorsement.endorser),
        key=f"networks.endorsement.answer:{endorsement.uuid}",
    )
