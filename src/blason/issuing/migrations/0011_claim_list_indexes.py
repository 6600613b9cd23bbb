"""Indexes for the claims of a link with a million claims (``claims/selectors.py``): their
order with a tie-breaker (keyset pages), with and without a status, the links of a space in
theirs, and the search by name, e-mail address and phone number.

As in ``0010``, the search indexes depend on the database and are written in SQL guarded by
vendor:

- PostgreSQL: trigram GIN indexes on ``UPPER(name)`` and ``UPPER(email)`` (what
  ``icontains`` compares; ``pg_trgm`` was created by ``0010``), ``varchar_pattern_ops``
  indexes on the e-mail address and the phone number for ``LIKE 'start%'``.
- SQLite: ``(name COLLATE NOCASE)``, ``email`` and ``phone`` for "starts with".
"""

from typing import Any

from django.db import migrations, models

POSTGRES_INDEXES = {
    "issuing_claim_name_trgm": "USING gin (UPPER(name::text) gin_trgm_ops)",
    "issuing_claim_email_trgm": "USING gin (UPPER(email::text) gin_trgm_ops)",
    "issuing_claim_email_prefix": "(email varchar_pattern_ops)",
    "issuing_claim_phone_prefix": "(phone varchar_pattern_ops)",
}
SQLITE_INDEXES = {
    "issuing_claim_name_nocase": "(name COLLATE NOCASE)",
    "issuing_claim_email": "(email)",
    "issuing_claim_phone": "(phone)",
}


def search_indexes(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    indexes = {"postgresql": POSTGRES_INDEXES, "sqlite": SQLITE_INDEXES}.get(vendor, {})
    if vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, expression in indexes.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON issuing_claim {expression}")


def drop_search_indexes(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    for name in {"postgresql": POSTGRES_INDEXES, "sqlite": SQLITE_INDEXES}.get(vendor, {}):
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("issuing", "0010_award_list_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(fields=["link", "-created_at", "-id"], name="issuing_claim_listed"),
        ),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(
                fields=["link", "status", "-created_at", "-id"],
                name="issuing_claim_status_listed",
            ),
        ),
        migrations.AddIndex(
            model_name="claimlink",
            index=models.Index(
                fields=["issuer", "-created_at", "-id"], name="issuing_claimlink_listed"
            ),
        ),
        migrations.RunPython(search_indexes, drop_search_indexes, elidable=False),
    ]
