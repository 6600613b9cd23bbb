"""The skills map's facts (``SkillCell``): distinct holders per competence and territory."""

from __future__ import annotations


def rebuild() -> int:
    """Replace the skill cells; returns how many were written (step 3 of issue 17)."""
    return 0
