"""The reads of the skills map: competences recognised in a scope, grouped by framework, and
the people holding them per département and commune, from the skill cells only (two queries
whatever the number of awards), with the local job offers for the same ROME codes.

Privacy (docs/insights.md): every count of people under five reads "< 5"; a commune is listed
only with at least five people (the others stay in their département's figure).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from blason.insights import privacy
from blason.insights.models import SkillCell
from blason.insights.selectors import Scope, refreshed_at
from blason.insights.skills import ESCO, OTHER
from blason.jobs import rome
from blason.jobs import selectors as jobs
from blason.networks.models import Network

OFFERS = 8  # ROME occupations whose local offers are counted
ALL_FRAMEWORKS = ("ROME", "ESCO", "RNCP", "RS", "other")


@dataclass
class Competence:
    framework: str
    code: str
    label: str
    holders: int

    @property
    def key(self) -> str:
        return f"{self.framework}|{self.code}"

    @property
    def shown(self) -> str:
        return privacy.people(self.holders)


@dataclass
class Group:
    key: str
    label: str
    holders: int
    competences: list[Competence] = field(default_factory=list)

    @property
    def shown(self) -> str:
        return privacy.people(self.holders)


@dataclass
class Territory:
    code: str
    name: str
    holders: int
    communes: list[tuple[str, str, int]] = field(default_factory=list)

    @property
    def shown(self) -> str:
        return privacy.people(self.holders)


@dataclass
class Recruiting:
    competence: Competence
    offers: int | None  # None: the provider did not answer


@dataclass
class SkillsMap:
    scope: Scope
    groups: list[Group]
    competences: list[Competence]  # every competence of the scope (the filter's choices)
    territories: list[Territory]
    holders: int  # people holding any aligned badge, in the chosen territory or everywhere
    competence: Competence | None
    territory: str  # the chosen département ("" for everywhere)
    territory_name: str
    focus: list[str]  # the départements the map is framed on
    refreshed_at: datetime | None
    offers_state: str = "none"  # "ok", "unavailable", "error", "no-place"
    offers_place: str = ""
    recruiting: list[Recruiting] = field(default_factory=list)

    @property
    def values(self) -> dict[str, int]:
        return {row.code: row.holders for row in self.territories}


def group_label(key: str) -> str:
    if key == ESCO:
        return _("ESCO skills")
    if key == OTHER:
        return _("Others")
    return rome.GRAND_DOMAINS.get(key, key)


def _order(key: str) -> tuple[int, str]:
    return (2 if key == OTHER else 1 if key == ESCO else 0, key)


def _competence_label(framework: str, code: str, label: str, names: dict[str, str]) -> str:
    if framework == "ROME":
        return f"{names.get(code, label or code)} ({code})"
    return label or code


def focus_of(scope: Scope, network: Network | None, issuer: Any = None) -> list[str]:
    if network is not None and network.departements:
        return [str(code) for code in network.departements]
    code = str(getattr(issuer, "departement_code", "") or "")
    if code:
        return [code]
    return []


def skills_map(
    scope: Scope,
    *,
    territory: str = "",
    competence: str = "",
    focus: Sequence[str] = (),
) -> SkillsMap:
    """The skills map of a scope; ``territory`` a département code to look at, ``competence``
    a ``framework|code`` key to draw the map of (any competence when empty)."""
    framework, _sep, code = competence.partition("|")
    names = jobs.occupation_labels()
    rows = SkillCell.objects.filter(scope=scope.key, territory__in={"", territory}).values_list(
        "territory", "framework", "group", "code", "label", "holders"
    )
    everywhere: list[Competence] = []
    here_groups: dict[str, int] = {}
    here: dict[str, list[Competence]] = defaultdict(list)
    holders = 0
    for place, fw, group, cell_code, label, count in rows:
        if place == territory and not fw:
            if group:
                here_groups[group] = count
            else:
                holders = count
        if fw:
            item = Competence(fw, cell_code, _competence_label(fw, cell_code, label, names), count)
            if place == "":
                everywhere.append(item)
            if place == territory:
                here[group].append(item)
    groups = [
        Group(
            key,
            group_label(key),
            here_groups[key],
            sorted(here[key], key=lambda c: (-c.holders, c.label)),
        )
        for key in sorted(here_groups, key=_order)
    ]
    chosen = next((c for c in everywhere if c.framework == framework and c.code == code), None)
    cells = SkillCell.objects.filter(scope=scope.key).exclude(territory="")
    if chosen is not None:
        cells = cells.filter(framework=chosen.framework, code=chosen.code)
    else:
        cells = cells.filter(Q(framework="", group="", code=""))
    departements: dict[str, int] = {}
    communes: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for place, count in cells.values_list("territory", "holders"):
        if len(place) == 5:
            if not privacy.is_hidden(count):  # a commune is listed with five people or more
                communes[place[:3] if place.startswith("97") else place[:2]].append((place, count))
        else:
            departements[place] = count
    department_names = jobs.departement_names()
    commune_names = jobs.commune_names([c for rows_ in communes.values() for c, _n in rows_])
    territories = [
        Territory(
            dep,
            department_names.get(dep, dep),
            count,
            sorted(
                ((c, commune_names.get(c, c), n) for c, n in communes.get(dep, [])),
                key=lambda row: row[1],
            ),
        )
        for dep, count in sorted(departements.items())
    ]
    return SkillsMap(
        scope=scope,
        groups=groups,
        competences=sorted(everywhere, key=lambda c: (c.framework, c.label)),
        territories=territories,
        holders=holders,
        competence=chosen,
        territory=territory,
        territory_name=department_names.get(territory, territory),
        focus=list(focus),
        refreshed_at=refreshed_at(),
    )


def with_offers(board: SkillsMap, *, region: str = "") -> SkillsMap:
    """ "What recruits here": the local offers of the configured provider for the ROME
    occupations most recognised in the chosen département (else the network's région),
    one count per occupation (``blason.jobs``, cached). No place: nothing is asked."""
    place = None
    if board.territory:
        place = jobs.place_of("departement", board.territory)
    elif region:
        place = jobs.place_of("region", region)
    if place is None:
        board.offers_state = "no-place"
        return board
    board.offers_place = place.name
    occupations = sorted(
        (c for group in board.groups for c in group.competences if c.framework == "ROME"),
        key=lambda c: (-c.holders, c.code),
    )[:OFFERS]
    if not occupations:
        board.offers_state = "ok"
        return board
    for item in occupations:
        result = jobs.local_offers(rome_codes=[item.code], place=place, limit=1)
        if result.state == "unavailable":
            board.offers_state = "unavailable"
            board.recruiting = []
            return board
        board.recruiting.append(Recruiting(item, result.total if result.ok else None))
    board.offers_state = "ok"
    return board


def csv_rows(board: SkillsMap, table: str) -> tuple[list[str], list[list[str]]]:
    """A table of the skills map as header and rows (for its CSV download)."""
    if table == "territories":
        header = [_("Code"), _("Territory"), _("Kind"), _("People")]
        rows: list[list[str]] = []
        for row in board.territories:
            rows.append([row.code, row.name, _("département"), row.shown])
            rows += [[c, name, _("commune"), privacy.people(n)] for c, name, n in row.communes]
        return header, rows
    header = [_("Group"), _("Framework"), _("Code"), _("Competence"), _("People")]
    return header, [
        [group.label, item.framework, item.code, item.label, item.shown]
        for group in board.groups
        for item in group.competences
    ]
