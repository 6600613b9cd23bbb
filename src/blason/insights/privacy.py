"""The privacy rules of the figures (docs/insights.md, "Privacy").

A figure that counts people (distinct earners, holders of a competence, people of a territory
cell) is never shown below ``MIN_GROUP``: it reads "< 5". Counts of awards of a badge are about
people too: a badge awarded to fewer than five people shows "< 5" as well. A figure of zero is
shown (nobody can be recognised in nobody).
"""

from __future__ import annotations

MIN_GROUP = 5
HIDDEN = "< 5"


def is_hidden(count: int | None) -> bool:
    return count is not None and 0 < count < MIN_GROUP


def people(count: int | None) -> str:
    """How a count of people (or of awards to people) is shown: the number, or "< 5"."""
    if count is None:
        return ""
    return HIDDEN if is_hidden(count) else str(count)


def rate(part: int, whole: int) -> int | None:
    """A percentage of a group, or None when the group is under ``MIN_GROUP`` (a rate over
    three people tells about each of them) or empty."""
    if whole < MIN_GROUP:
        return None
    return round(100 * part / whole)
