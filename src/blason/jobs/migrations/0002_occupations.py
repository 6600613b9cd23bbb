"""Load the bundled ROME 4.0 occupations (``data/rome.csv``). A later version of the file is
loaded by ``blason jobs_import_rome`` or a new migration calling the same service."""

from typing import Any

from django.db import migrations


def load(apps: Any, schema_editor: Any) -> None:
    from blason.jobs.services import occupations_sync

    occupations_sync(model=apps.get_model("jobs", "Occupation"))


class Migration(migrations.Migration):
    dependencies = [("jobs", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
