"""``{% load blason_dates %}``: dates read from documents (ISO 8601 text), shown localised.

``{{ "2026-03-14T09:30:00Z"|iso_date }}`` gives "14 mars 2026" in French, "March 14, 2026" in
English; text that is not a date is shown as it is.
"""

from __future__ import annotations

import datetime

from django import template
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime

register = template.Library()


def read_iso(text: object) -> datetime.date | datetime.datetime | None:
    """The date or date-time of an ISO 8601 text, aware in the current time zone; or None."""
    if not isinstance(text, str) or not text.strip():
        return None
    value = text.strip().replace("z", "Z")
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    try:
        moment = parse_datetime(value)
        if moment is None:
            return parse_date(value)
    except ValueError:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, datetime.UTC)
    return timezone.localtime(moment)


@register.filter
def iso_date(text: object) -> object:
    """The day of an ISO 8601 date, in the page's language; other text unchanged."""
    moment = read_iso(text)
    if moment is None:
        return text
    return formats.date_format(moment, "DATE_FORMAT")
