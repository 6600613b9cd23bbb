"""Writes of the jobs app: only the ROME referential (loaded from the bundled CSV)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from blason.core import audit
from blason.jobs import rome
from blason.jobs.text import fold


def occupations_sync(*, model: Any = None, rows: list[rome.Row] | None = None) -> dict[str, int]:
    """Make the occupations table say what ``data/rome.csv`` says: new codes added, changed
    labels updated. Codes that left the file are kept (badges and pathways may name them).
    ``model`` is the historical model when a migration calls it."""
    if model is None:
        from blason.jobs.models import Occupation

        model = Occupation
    rows = rome.read_csv() if rows is None else rows
    existing = {item.code: item for item in model.objects.all()}
    created, updated = [], []
    for row in rows:
        values = {
            "label": row.label,
            "domain_code": row.domain_code,
            "domain_label": row.domain_label,
            "grand_domain_code": row.grand_domain_code,
            "grand_domain_label": row.grand_domain_label,
            "search_text": fold(f"{row.code} {row.label}"),
        }
        current = existing.get(row.code)
        if current is None:
            created.append(model(code=row.code, **values))
        elif any(getattr(current, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(current, name, value)
            updated.append(current)
    model.objects.bulk_create(created, batch_size=500)
    if updated:
        model.objects.bulk_update(updated, list(values), batch_size=500)
    return {"created": len(created), "updated": len(updated)}


@transaction.atomic
def occupations_load(*, actor: Any = None) -> dict[str, int]:
    """Load the bundled referential (``blason setup`` runs it after the migrations); an audit
    entry when something changed."""
    counts = occupations_sync()
    if counts["created"] or counts["updated"]:
        audit.record(action="jobs.occupations.loaded", actor=actor, data=counts)
    return counts
