"""Reading the ROME 4.0 occupations shipped with Blason (the ``Occupation`` table only: the
pickers of other apps' forms use it without pulling in what ``selectors`` reads)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from blason.jobs.models import Occupation
from blason.jobs.text import words


def occupations(codes: Iterable[str]) -> list[Occupation]:
    """The occupations of these codes, in the order given (unknown codes left out)."""
    wanted = [code.strip().upper() for code in codes if code and code.strip()]
    found = {item.code: item for item in Occupation.objects.filter(code__in=set(wanted))}
    seen: set[str] = set()
    ordered = []
    for code in wanted:
        if code in found and code not in seen:
            seen.add(code)
            ordered.append(found[code])
    return ordered


def search_occupations(text: str, limit: int = 20) -> list[Occupation]:
    """Occupations whose code or label holds every word typed, accents and case ignored: the
    code typed whole first, then labels starting with the text, then the others by label."""
    terms = words(text)
    if not terms:
        return []
    condition = Q()
    for term in terms[:8]:
        condition &= Q(search_text__contains=term)
    query = " ".join(terms)
    code = query.upper()

    def rank(item: Occupation) -> tuple[int, str]:
        label = item.search_text.partition(" ")[2]
        if item.code == code:
            return (0, item.label)
        return (1 if label.startswith(query) else 2, item.label)

    found = sorted(Occupation.objects.filter(condition)[:2000], key=rank)
    return found[: max(1, min(limit, 100))]
