"""French départements by their INSEE code (the cells of the skills map)."""

from __future__ import annotations

from django.utils.translation import gettext as _

# Metropolitan 01 to 95 (20 is Corsica's 2A and 2B), overseas 971 to 976.
DEPARTEMENTS: frozenset[str] = frozenset(
    [f"{n:02d}" for n in range(1, 96) if n != 20] + ["2A", "2B"] + [str(n) for n in range(971, 977)]
) - {"975"}  # Saint-Pierre-et-Miquelon is a collectivité, not a département


def clean_departement(value: str) -> str:
    """The INSEE code of a département ("1" → "01", "2a" → "2A"); ``ValueError`` otherwise."""
    code = value.strip().upper()
    if code.isdigit() and len(code) == 1:
        code = f"0{code}"
    if code not in DEPARTEMENTS:
        raise ValueError(
            _("“%(code)s” is not the number of a French département.") % {"code": value}
        )
    return code
