"""The skills map's facts (``SkillCell``): distinct holders of each competence per territory.

A competence is an alignment of a badge (``issuing.badges.alignments``): ROME, ESCO, RNCP, RS
or another framework. Its holders are the distinct people (``sources.person_key``) holding a
live award of a badge aligned to it. The territory of an award is the département of its
activity place (``AwardPlace``), else none ("" cells count everywhere); the issuer's address
will give one when networks exist. People who opted out of territory statistics
(``TerritoryOptOut``) count in no cell.

ROME codes are grouped by their grand domaine (the code's letter) until the ROME referential
is on the site; ESCO, RNCP and RS by their framework; the others as "other".
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
from blason.insights import sources
from blason.insights.models import SITE, AwardPlace, SkillCell, TerritoryOptOut, issuer_scope
from blason.issuing.badges import selectors as badge_selectors
from blason.issuing.models import Award, BadgeClass

Competence = tuple[str, str, str, str]  # framework, group, code, label
Cell = tuple[str, str, str, str]  # scope, territory, framework, code


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
        group = code[0].upper() if kind == badge_selectors.AlignmentKind.ROME else str(kind)
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
    place = AwardPlace.objects.filter(award=OuterRef("pk")).values("territory")[:1]
    return (
        Award.objects.filter(revoked_at__isnull=True, badge_id__in=list(badge_ids))
        .exclude(opted_out_awards())
        .annotate(person=sources.person_key(), territory=Subquery(place))
        .order_by()
    )


def rebuild() -> int:
    """Replace the skill cells (inside the facts' transaction); returns how many were written."""
    SkillCell.objects.all().delete()
    aligned = {
        pk: competences(entries)
        for pk, entries in BadgeClass.objects.exclude(alignments=[]).values_list("pk", "alignments")
    }
    aligned = {pk: found for pk, found in aligned.items() if found}
    if not aligned:
        return 0
    labels: dict[tuple[str, str], tuple[str, str]] = {}
    holders: dict[Cell, set[int]] = defaultdict(set)
    rows = counted_awards(aligned).values_list(  # type: ignore[misc]
        "issuer_id", "badge_id", "person", "territory"
    )
    for issuer_id, badge_id, person, territory in rows.iterator(chunk_size=5000):
        who = hash(person)  # a number per person takes less memory than the text
        places = ("", territory) if territory else ("",)
        for framework, group, code, label in aligned[badge_id]:
            labels[framework, code] = (group, label)
            for scope in (SITE, issuer_scope(issuer_id)):
                for place in places:
                    holders[scope, place, framework, code].add(who)
                    holders[scope, place, "", ""].add(who)
    cells = [
        SkillCell(
            scope=scope,
            territory=place,
            framework=framework,
            group=labels.get((framework, code), ("", ""))[0],
            code=code,
            label=labels.get((framework, code), ("", ""))[1],
            holders=len(people),
        )
        for (scope, place, framework, code), people in holders.items()
    ]
    SkillCell.objects.bulk_create(cells, batch_size=2000)
    return len(cells)
