from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies: list[tuple[str, str]] = []

    operations = [
        migrations.CreateModel(
            name="Occupation",
            fields=[
                (
                    "code",
                    models.CharField(
                        max_length=5, primary_key=True, serialize=False, verbose_name="ROME code"
                    ),
                ),
                ("label", models.CharField(max_length=200, verbose_name="occupation")),
                ("domain_code", models.CharField(max_length=3)),
                ("domain_label", models.CharField(blank=True, max_length=200)),
                ("grand_domain_code", models.CharField(max_length=1)),
                ("grand_domain_label", models.CharField(max_length=200)),
                ("search_text", models.CharField(editable=False, max_length=300)),
            ],
            options={
                "verbose_name": "occupation (ROME)",
                "verbose_name_plural": "occupations (ROME)",
                "ordering": ["code"],
            },
        ),
    ]
