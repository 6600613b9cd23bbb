"""The open data of the skills map: distinct holders per territory and competence, as CSV.

Read from the skills facts (``insights.SkillCell``, refreshed by a task), so it carries no
person at all: no name, address, e-mail, phone or award, only counts of people per
(département, competence), and a count under five reads "< 5" (insights' privacy rules).
People who opted out of territory statistics are in no count. Régions are not given: a
person holding badges in two départements of a région would be counted twice, and the
facts keep distinct people per département only.

Competence labels are written by issuers (the alignments of their badges); anything in them
that looks like an e-mail address or a phone number is blanked out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from django.utils.translation import gettext as _

from blason.insights import selectors as insight_selectors
from blason.insights.models import SkillCell

EMAIL = re.compile(r"[^\s@]+@[^\s@]+")
PHONE = re.compile(r"\+?\d[\d .-]{7,}\d")
FORMULA = ("=", "+", "-", "@", "\t", "\r", "|", "%")


def _clean(text: str) -> str:
    text = PHONE.sub("…", EMAIL.sub("…", text))
    return "'" + text if text[:1] in FORMULA else text


def header() -> list[str]:
    return [
        _("Territory level"),
        _("Territory code"),
        _("Framework"),
        _("Group"),
        _("Competence code"),
        _("Competence"),
        _("Distinct holders"),
    ]


def rows(scope_key: str) -> Iterator[list[str]]:
    """One row per (territory, competence) of a scope; "everywhere" rows first."""
    cells = (
        SkillCell.objects.filter(scope=scope_key)
        .exclude(code="")
        .only("territory", "framework", "group", "code", "label", "holders")
        .order_by("territory", "framework", "group", "code")
    )
    for cell in cells.iterator(chunk_size=2000):
        level = "departement" if cell.territory else "france"
        yield [
            level,
            cell.territory,
            cell.framework,
            _clean(cell.group),
            _clean(cell.code),
            _clean(cell.label),
            insight_selectors.people_shown(cell.holders),
        ]
