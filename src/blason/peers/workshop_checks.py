"""What the writes of peer recognition check and lock before they act: a workshop's lock
against a concurrent close (``locked_open``), who takes part (``take_part``), that joining and
workshops are for groups (``refuse_personal_space``), and texts on one line (``one_line``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from blason.core.exceptions import ActionRefused
from blason.core.models import Issuer
from blason.peers.access import has_workshops
from blason.peers.models import Participant, Workshop, WorkshopStatus


def one_line(text: str) -> str:
    return " ".join((text or "").split())


def refuse_personal_space(issuer: Issuer) -> None:
    if not has_workshops(issuer):
        raise ActionRefused(_("Workshops and join links are for groups, not personal spaces."))


def locked_open(workshop: Workshop) -> Workshop:
    """The workshop, locked against a concurrent close; refused unless the vote is open."""
    fresh = (
        Workshop.objects.select_for_update().select_related("issuer", "badge").get(pk=workshop.pk)
    )
    if fresh.status != WorkshopStatus.OPEN:
        raise ActionRefused(_("The vote is closed: the criteria cannot change now."))
    return fresh


def take_part(workshop: Workshop, user: Any) -> Participant:
    participant, _created = Participant.objects.get_or_create(workshop=workshop, user=user)
    return participant
