"""Fewer index entries for each new award (issue 18: 100,000 awards in 20 s).

- PostgreSQL: the plain indexes of ``recipient_email`` and ``recipient_phone`` go. The
  ``varchar_pattern_ops`` indexes of ``0010`` serve equality (the backpack's and the claims'
  lookups by address) as well as "starts with" (the search). SQLite keeps them: they serve
  its "starts with", a range.
- PostgreSQL: so does the ``varchar_pattern_ops`` index Django adds beside the unique index of
  ``claim_code``, for ``LIKE``, which nothing runs on codes (the search looks a code up whole).
- Both: the index of ``claimed_by`` holds claimed awards only. Every lookup of it names a
  person, and the awards of a bulk award are all unclaimed.

Measured on PostgreSQL, 100,000 awards inserted into the awards table with and without these
four changes: 3.8–4.2 s and 3.0–3.1 s.

Dropped and created by name in SQL, as ``0012`` does: an ``AlterField`` would copy the whole
table on SQLite to change one index. The two plain indexes stay declared in the model, so that
SQLite has them whatever later migrations do (a table that SQLite copies gets back the indexes
its model declares); on PostgreSQL a migration that drops them finds none, and that is fine.
"""

from typing import Any

from django.conf import settings
from django.db import migrations, models

CLAIMED = models.Index(
    fields=["claimed_by"],
    condition=models.Q(claimed_by__isnull=False),
    name="issuing_award_claimed",
)
PLAIN = {"issuing_award_email": "recipient_email", "issuing_award_phone": "recipient_phone"}


def _claim_code_like(schema_editor: Any, award: Any) -> str:
    column = award._meta.get_field("claim_code").column
    return str(schema_editor._create_index_name(award._meta.db_table, [column], suffix="_like"))


def lighter(apps: Any, schema_editor: Any) -> None:
    award = apps.get_model("issuing", "Award")
    if schema_editor.connection.vendor == "postgresql":
        for name in [*PLAIN, _claim_code_like(schema_editor, award)]:
            schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")
    column = award._meta.get_field("claimed_by").column
    for name in schema_editor._constraint_names(
        award, [column], index=True, type_=models.Index.suffix
    ):
        schema_editor.execute(schema_editor._delete_index_sql(award, name))
    schema_editor.add_index(award, CLAIMED)


def heavier(apps: Any, schema_editor: Any) -> None:
    award = apps.get_model("issuing", "Award")
    schema_editor.remove_index(award, CLAIMED)
    field = award._meta.get_field("claimed_by")
    schema_editor.execute(schema_editor._create_index_sql(award, fields=[field]))
    if schema_editor.connection.vendor == "postgresql":
        for name, column in PLAIN.items():
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON issuing_award ({column})")
        like = _claim_code_like(schema_editor, award)
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {like} ON issuing_award (claim_code varchar_pattern_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("issuing", "0012_award_fewer_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="award",
                    name="claimed_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=models.deletion.SET_NULL,
                        related_name="claimed_awards",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AddIndex(model_name="award", index=CLAIMED),
            ],
            database_operations=[migrations.RunPython(lighter, heavier)],
        ),
    ]
