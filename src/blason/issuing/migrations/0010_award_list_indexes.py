"""Indexes for the award list of a large space: its order with a tie-breaker (keyset pages),
per badge and for revoked awards, and the search (``awarding/selectors.py``); a batch's
awards by name (its numbered pages).

The search indexes depend on the database, so they are written in SQL guarded by vendor and
are not part of the models' state:

- PostgreSQL: the ``pg_trgm`` extension and trigram GIN indexes on ``UPPER(recipient_name)``
  and ``UPPER(recipient_email)`` (what ``icontains`` compares): a fragment of a name found
  anywhere without reading every row; ``varchar_pattern_ops`` indexes on the e-mail address
  and the phone number for ``LIKE 'start%'`` whatever the database's collation.
- SQLite: ``(recipient_name COLLATE NOCASE)`` for "the name starts with", in any ASCII
  case; e-mail addresses and phone numbers already have their indexes.
"""

from typing import Any

from django.conf import settings
from django.db import migrations, models

POSTGRES_INDEXES = {
    "issuing_award_name_trgm": "USING gin (UPPER(recipient_name::text) gin_trgm_ops)",
    "issuing_award_email_trgm": "USING gin (UPPER(recipient_email::text) gin_trgm_ops)",
    "issuing_award_email_prefix": "(recipient_email varchar_pattern_ops)",
    "issuing_award_phone_prefix": "(recipient_phone varchar_pattern_ops)",
}


def search_indexes(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, expression in POSTGRES_INDEXES.items():
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON issuing_award {expression}"
            )
    elif vendor == "sqlite":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS issuing_award_name_nocase "
            "ON issuing_award (recipient_name COLLATE NOCASE)"
        )


def drop_search_indexes(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for name in POSTGRES_INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    elif vendor == "sqlite":
        schema_editor.execute("DROP INDEX IF EXISTS issuing_award_name_nocase")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_issuer_address_and_networks"),
        ("issuing", "0009_issuer_keys"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(model_name="award", name="issuing_award_recent"),
        migrations.AddIndex(
            model_name="award",
            index=models.Index(fields=["issuer", "-issued_at", "-id"], name="issuing_award_listed"),
        ),
        migrations.AddIndex(
            model_name="award",
            index=models.Index(
                fields=["badge", "-issued_at", "-id"], name="issuing_award_badge_listed"
            ),
        ),
        migrations.AddIndex(
            model_name="award",
            index=models.Index(
                fields=["batch", "recipient_name", "id"], name="issuing_award_batch_names"
            ),
        ),
        migrations.AddIndex(
            model_name="award",
            index=models.Index(
                condition=models.Q(("revoked_at__isnull", False)),
                fields=["issuer", "-issued_at", "-id"],
                name="issuing_award_revoked_listed",
            ),
        ),
        migrations.RunPython(search_indexes, drop_search_indexes, elidable=False),
    ]
