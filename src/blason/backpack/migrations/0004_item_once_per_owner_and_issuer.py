"""One person keeps a credential once: the same id *and* the same issuer (0003 filled in
``identity``; the constraint is added in its own transaction, after the rows were updated)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("backpack", "0003_item_identity_recipient_last_valid")]

    operations = [
        migrations.AddConstraint(
            model_name="item",
            constraint=models.UniqueConstraint(
                fields=("owner", "identity"), name="backpack_item_once_per_owner"
            ),
        ),
    ]
