"""The periods figures are given for: since the start, the last 12 months, each calendar year.

Counts of distinct people cannot be added up month by month, so the refresh counts them for
these periods only; the period filter of the dashboards offers the same choices.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

ALL = "all"
LAST_12 = "12m"


@dataclass(frozen=True)
class Period:
    code: str
    start: date | None  # first day included (None: since the start)
    end: date | None  # first day excluded (None: until now)

    @property
    def label(self) -> str:
        if self.code == ALL:
            return _("Since the start")
        if self.code == LAST_12:
            return _("Last 12 months")
        return self.code[1:]

    def contains(self, month: date) -> bool:
        return (self.start is None or month >= self.start) and (
            self.end is None or month < self.end
        )


def this_month(now: datetime | None = None) -> date:
    today = timezone.localdate(now)
    return today.replace(day=1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def year(value: int) -> Period:
    return Period(f"y{value}", date(value, 1, 1), date(value + 1, 1, 1))


def fixed(now: datetime | None = None) -> list[Period]:
    """The periods that exist whatever the data: since the start, the last 12 months."""
    return [Period(ALL, None, None), Period(LAST_12, add_months(this_month(now), -11), None)]


def parse(code: str) -> Period | None:
    """The period a code names, or None for a code that names none."""
    for period in fixed():
        if period.code == code:
            return period
    if len(code) == 5 and code[0] == "y" and code[1:].isdigit():
        return year(int(code[1:]))
    return None


def aware(day: date | None) -> datetime | None:
    """Midnight of a day in the site's time zone (the instant a period starts or ends)."""
    if day is None:
        return None
    return timezone.make_aware(datetime(day.year, day.month, day.day))
