"""CSV files people download and open in a spreadsheet."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse

# What starts a formula in a spreadsheet (OWASP's "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "|", "%")


def safe_cell(value: Any) -> Any:
    """A text cell that a spreadsheet reads as text, never as a formula; numbers and a phone
    number in international form (``+33…``, only digits after the ``+``) stay as they are."""
    if not isinstance(value, str):
        return value
    if value[:1] == "+" and value[1:].isdigit():
        return value
    return "'" + value if value[:1] in FORMULA_START else value


def csv_response(
    filename: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    """A CSV download: UTF-8 with a byte order mark (spreadsheets then read it as UTF-8), every
    text cell formula-safe."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([safe_cell(cell) for cell in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return response
