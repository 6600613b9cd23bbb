"""Who needs a parent's agreement, from a year of birth alone (the only question asked).

A person born in year ``Y`` reaches the age ``A`` on some day of year ``Y + A``: we do not ask
which. Until the end of that year they *may* be under ``A``, so they are treated as under it —
the cautious reading the law asks for (a 14-year-old must not slip through). From 1 January of
``Y + A + 1`` they are certainly ``A`` or older.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings

OLDEST_YEAR = 1900


def consent_age() -> int:
    return int(settings.DIGITAL_CONSENT_AGE)


def consent_until(birth_year: int) -> date:
    """The last day a person born in ``birth_year`` may be under the age of consent."""
    return date(birth_year + consent_age(), 12, 31)


def needs_guardian(birth_year: int, *, today: date) -> bool:
    return today <= consent_until(birth_year)
