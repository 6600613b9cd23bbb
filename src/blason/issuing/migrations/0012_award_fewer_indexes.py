"""Three indexes fewer on awards, each written by every award of a bulk award (issue 18:
100,000 awards in 20 s): the single-column indexes of the ``badge``, ``issuer`` and ``batch``
foreign keys. Each column begins composite indexes that serve the same lookups:
``issuing_award_badge_listed`` (badge, -issued_at, -id), ``issuing_award_listed`` (issuer,
-issued_at, -id) and ``issuing_award_index`` (issuer, status_list, status_index),
``issuing_award_batch_names`` (batch, recipient_name, id).

Dropped by name, found as Django finds them, rather than by ``AlterField``: on SQLite that
copies the whole table (credentials included) to drop an index.
"""

from typing import Any

from django.db import migrations, models

COLUMNS = ("badge", "issuer", "batch")


def drop_indexes(apps: Any, schema_editor: Any) -> None:
    award = apps.get_model("issuing", "Award")
    declared = [index.name for index in award._meta.indexes]
    for name in COLUMNS:
        column = award._meta.get_field(name).column
        found = schema_editor._constraint_names(
            award, [column], index=True, type_=models.Index.suffix, exclude=declared
        )
        for index_name in found:
            schema_editor.execute(schema_editor._delete_index_sql(award, index_name))


def create_indexes(apps: Any, schema_editor: Any) -> None:
    award = apps.get_model("issuing", "Award")
    for name in COLUMNS:
        field = award._meta.get_field(name)
        schema_editor.execute(schema_editor._create_index_sql(award, fields=[field]))


class Migration(migrations.Migration):
    dependencies = [
        ("issuing", "0011_claim_list_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="award",
                    name="badge",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.PROTECT,
                        related_name="awards",
                        to="issuing.badgeclass",
                    ),
                ),
                migrations.AlterField(
                    model_name="award",
                    name="issuer",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.PROTECT,
                        related_name="awards",
                        to="core.issuer",
                    ),
                ),
                migrations.AlterField(
                    model_name="award",
                    name="batch",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=models.deletion.SET_NULL,
                        related_name="awards",
                        to="issuing.awardbatch",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop_indexes, create_indexes)],
        ),
    ]
