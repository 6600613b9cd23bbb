"""Three facts about each kept badge (issues 11 and 12):

- ``identity``: a credential is its id *and* its issuer's id; the uniqueness per owner moves
  from the id alone to this pair (two issuers may use the same id);
- ``last_valid_at``: when a check last found it valid (for badges valid at their last check,
  that check's date);
- ``recipient``: whether it provably belongs to its owner (its recipient is one of their
  verified identities, or they collected it with its claim code), computed here for the badges
  already kept; those issued to someone else are made private.
"""

from typing import Any

from django.db import migrations, models


def mark_items(apps: Any, schema_editor: Any) -> None:
    from blason.backpack.models import credential_identity
    from blason.backpack.recipients import match

    Item = apps.get_model("backpack", "Item")
    Phone = apps.get_model("backpack", "Phone")
    EmailAddress = apps.get_model("account", "EmailAddress")
    identities: dict[int, tuple[list[str], list[str]]] = {}
    for item in Item.objects.select_related("award").defer("received", "image").iterator():
        if item.owner_id not in identities:
            identities[item.owner_id] = (
                [
                    e.lower()
                    for e in EmailAddress.objects.filter(
                        user_id=item.owner_id, verified=True
                    ).values_list("email", flat=True)
                ],
                list(Phone.objects.filter(user_id=item.owner_id).values_list("number", flat=True)),
            )
        emails, phones = identities[item.owner_id]
        found = match(
            credential=item.credential,
            award=item.award,
            owner_id=item.owner_id,
            emails=emails,
            phones=phones,
        )
        fields: dict[str, Any] = {
            "identity": credential_identity(item.credential_key, item.issuer_id),
            "recipient": "owner" if found.owner else "other",
        }
        if not found.owner:
            fields["public"] = False
        if item.status == "valid" and item.checked_at is not None:
            fields["last_valid_at"] = item.checked_at
        Item.objects.filter(pk=item.pk).update(**fields)


class Migration(migrations.Migration):
    dependencies = [
        ("backpack", "0002_public_profile"),
        ("account", "0009_emailaddress_unique_primary_email"),
        ("issuing", "0005_awarding_at_scale"),
    ]

    operations = [
        migrations.AddField(
            model_name="item",
            name="identity",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="item",
            name="last_valid_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="item",
            name="recipient",
            field=models.CharField(
                choices=[("owner", "Awarded to you"), ("other", "Issued to someone else")],
                default="other",
                max_length=10,
            ),
        ),
        migrations.RemoveConstraint(model_name="item", name="backpack_item_once_per_owner"),
        migrations.RunPython(mark_items, migrations.RunPython.noop),
    ]
