"""Extension points that other apps fill in from their ``AppConfig.ready()``.

Kept apart from ``awards`` so that registering imports nothing heavy at start-up (``awards``
pulls in the task queue, whose backend must not be chosen before the settings are final).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from blason.core.models import Issuer
    from blason.issuing.models import BadgeClass
    from obcore import ob3

# Who created a badge, as the OB 3.0 Achievement's ``creator`` (``blason.peers``: the group
# that designed it in a workshop). The first function that returns a Profile wins.
ACHIEVEMENT_CREATORS: list[Callable[[BadgeClass], ob3.Profile | None]] = []

# Signed EndorsementCredentials of a badge (its Achievement's ``endorsement``) and of an issuer
# (its Profile's ``endorsement``), put into new awards and the issuer's profile document
# (``blason.networks``: endorsements by issuers, networks and people).
ACHIEVEMENT_ENDORSEMENTS: list[Callable[[BadgeClass], Sequence[Mapping[str, Any]]]] = []
PROFILE_ENDORSEMENTS: list[Callable[[Issuer], Sequence[Mapping[str, Any]]]] = []


# Addresses of the hosted OB 2.0 ``Endorsement`` assertions of a badge and of an issuer, put in
# the ``endorsement`` of the OB 2.0 BadgeClass and Issuer documents (``blason.networks``).
OB2_BADGE_ENDORSEMENTS: list[Callable[[BadgeClass], Sequence[str]]] = []
OB2_ISSUER_ENDORSEMENTS: list[Callable[[Issuer], Sequence[str]]] = []


# Public documents other apps serve at stable addresses of this site, by route name (with its
# namespace), for ``documents.local_fetch`` to read without running a view: each takes the
# route's URL arguments and returns (HTTP status, JSON document), or None when there is none
# (``blason.networks``: the hosted OB 2.0 Endorsements).
PUBLISHED_DOCUMENTS: dict[str, Callable[..., tuple[int, Mapping[str, Any]] | None]] = {}


def ob2_badge_endorsements(badge: BadgeClass) -> tuple[str, ...]:
    return tuple(url for find in OB2_BADGE_ENDORSEMENTS for url in find(badge))


def ob2_issuer_endorsements(issuer: Issuer) -> tuple[str, ...]:
    return tuple(url for find in OB2_ISSUER_ENDORSEMENTS for url in find(issuer))


def achievement_endorsements(badge: BadgeClass) -> tuple[Mapping[str, Any], ...]:
    return tuple(item for find in ACHIEVEMENT_ENDORSEMENTS for item in find(badge))


def profile_endorsements(issuer: Issuer) -> dict[str, Any]:
    """``{"endorsement": [...]}`` for a Profile when the issuer is endorsed, else ``{}``."""
    found = [dict(item) for find in PROFILE_ENDORSEMENTS for item in find(issuer)]
    return {"endorsement": found} if found else {}


# The label of a ROME occupation, for a badge's alignment given by its code alone
# (``blason.jobs``: the ROME 4.0 list shipped with Blason, read without a query). The first
# function that knows the code wins.
ROME_LABELS: list[Callable[[str], str | None]] = []


def rome_label(code: str) -> str | None:
    return next((label for find in ROME_LABELS if (label := find(code))), None)


# The form field picking ROME occupations (``blason.jobs``: its ``OccupationsField``), called
# with the field's options; the badge designer names the jobs a badge prepares for with it.
OCCUPATIONS_FIELD: list[Callable[..., Any]] = []


def occupations_field(**options: Any) -> Any:
    """The registered occupations field, or None when no app gives one."""
    return OCCUPATIONS_FIELD[0](**options) if OCCUPATIONS_FIELD else None
