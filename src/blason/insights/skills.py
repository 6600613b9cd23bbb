"""The skills map's facts (``SkillCell``): distinct holders of each competence per territory.

A competence is an alignment of a badge (``issuing.badges.alignments``): ROME, ESCO, RNCP, RS
or another framework. Its holders are the distinct people (``sources.person_key``) holding a
live award of a badge aligned to it. The territory of an award is the département of its
activity place (``AwardPlace``), else the département of its issuer's address, and the commune
of that address (see ``_places``); "" cells count everywhere. People who opted out of
territory statistics (``TerritoryOptOut``) count in no cell.

ROME codes are grouped by their grand domaine (the code's letter), ESCO skills as "esco", the
other frameworks (RNCP, RS, others) as "other".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Lower

from blason.backpack.models import Item
from blason.core.models import Issuer
from blason.insights import sources
from blason.insights.models import (
    SITE,
    AwardPlace,
    SkillCell,
    TerritoryOptOut,
    issuer_scope,
    network_scope,
)
from blason.issuing.badges import selectors as badge_selectors
from blason.issuing.models import Award, BadgeClass

Competence = tuple[str, str, str, str]  # framework, group, code, label
# The groups besides the ROME grands domaines (a letter each).
ESCO = "esco"
OTHER = "other"


def competences(entries: Iterable[Any]) -> list[Competence]:
    """The competences of a badge's alignments, each with its framework and group."""
    found: list[Competence] = []
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        kind = badge_selectors.alignment_kind(entry)
        code = str(entry.get("code") or entry.get("url") or "")[:500]
        if not code:
            continue
        if kind == badge_selectors.AlignmentKind.ESCO:
            code = str(entry.get("url") or code)[:500]
        if kind == badge_selectors.AlignmentKind.ROME:
            group = code[0].upper()
        elif kind == badge_selectors.AlignmentKind.ESCO:
            group = ESCO
        else:
            group = OTHER
        found.append((str(kind), group, code, badge_selectors.alignment_label(entry)[:300]))
    return found


def opted_out_awards() -> Q:
    """Awards of people who opted out: collected by them, kept in their backpack, or sent to
    an address or number of their account."""
    users = TerritoryOptOut.objects.values("user_id")
    emails = EmailAddress.objects.filter(user_id__in=users).annotate(low=Lower("email"))
    phones = get_user_model().objects.filter(pk__in=users).exclude(phone="").values("phone")
    kept = Item.objects.filter(award=OuterRef("pk"), owner_id__in=users)
    return (
        Q(claimed_by_id__in=users)
        | Q(Exists(kept))
        | Q(recipient_email__in=emails.values("email"))
        | Q(recipient_phone__in=phones)
    )


def counted_awards(badge_ids: Iterable[int]) -> QuerySet[Award]:
    """Live awards of these badges, of people counted in territory statistics, with the
    person's key and the place of the activity (``AwardPlace``) when said."""
    place = AwardPlace.objects.filter(award=OuterRef("pk")).values("territory")[:1]
    return (
        Award.objects.filter(revoked_at__isnull=True, badge_id__in=list(badge_ids))
        .exclude(opted_out_awards())
        .annotate(person=sources.person_key(), territory=Subquery(place))
        .order_by()
    )


def _places(territory: str | None, departement: str, commune: str) -> tuple[str, ...]:
    """Where an award counts: everywhere, and its département (the activity's place, else the
    issuer's) and, from the issuer's address when the activity's place is not said or is in
    the same département, its commune."""
    if territory:
        if commune and commune[:2] == territory[:2] and departement == territory:
            return ("", territory, commune)
        return ("", territory)
    if departement:
        return ("", departement, commune) if commune else ("", departement)
    return ("",)


def rebuild() -> int:
    """Replace the skill cells (inside the facts' transaction); returns how many were written.

    Cells: per scope (the site, each issuer, each network the issuer is in) and place
    (everywhere, a département, a commune): the holders of each competence, of each group of
    competences (a ROME grand domaine, ESCO, the others) and of any of them (communes: of any
    only, the map's figure)."""
    SkillCell.objects.all().delete()
    aligned = {
        pk: competences(entries)
        for pk, entries in BadgeClass.objects.exclude(alignments=[]).values_list("pk", "alignments")
    }
    aligned = {pk: found for pk, found in aligned.items() if found}
    if not aligned:
        return 0
    in_networks: dict[int, list[str]] = defaultdict(list)
    for network_id, ids in sources.networks().items():
        for issuer_id in ids:
            in_networks[issuer_id].append(network_scope(network_id))
    addresses = {
        pk: (departement, commune)
        for pk, departement, commune in Issuer.objects.values_list(
            "pk", "departement_code", "commune_code"
        )
    }
    labels: dict[tuple[str, str], tuple[str, str]] = {}
    holders: dict[tuple[str, str, str, str, str], set[int]] = defaultdict(set)
    rows = counted_awards(aligned).values_list(  # type: ignore[misc]
        "issuer_id", "badge_id", "person", "territory"
    )
    for issuer_id, badge_id, person, territory in rows.iterator(chunk_size=5000):
        who = hash(person)  # a number per person takes less memory than the text
        places = _places(territory, *addresses.get(issuer_id, ("", "")))
        scopes = (SITE, issuer_scope(issuer_id), *in_networks.get(issuer_id, ()))
        for scope in scopes:
            for place in places:
                holders[scope, place, "", "", ""].add(who)
            for framework, group, code, label in aligned[badge_id]:
                labels[framework, code] = (group, label)
                for place in places[:2]:  # competences: everywhere and per département
                    holders[scope, place, framework, group, code].add(who)
                    holders[scope, place, "", group, ""].add(who)
    cells = [
        SkillCell(
            scope=scope,
            territory=place,
            framework=framework,
            group=group,
            code=code,
            label=labels.get((framework, code), ("", ""))[1] if code else "",
            holders=len(people),
        )
        for (scope, place, framework, group, code), people in holders.items()
    ]
    SkillCell.objects.bulk_create(cells, batch_size=2000)
    return len(cells)
