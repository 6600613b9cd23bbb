"""Rewrite ``data/regions.csv``, ``data/departements.csv`` and ``data/communes.csv.gz`` from
the ``data/`` folder of the npm package ``@etalab/decoupage-administratif`` (INSEE's Code
officiel géographique, Licence Ouverte):

    npm pack @etalab/decoupage-administratif && tar xzf etalab-decoupage-administratif-*.tgz
    blason jobs_import_places package/data

Keep ``data/SOURCES.md`` true (the package's version) when you do.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from blason.jobs import places


class Command(BaseCommand):
    help = "Rewrite the bundled régions, départements and communes from Etalab's package."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        folder: Path = options["folder"]
        names = ("regions.json", "departements.json", "communes.json")
        missing = [name for name in names if not (folder / name).is_file()]
        if missing:
            raise CommandError(f"{folder} lacks {', '.join(missing)}.")
        try:
            counts = places.import_etalab(folder)
        except (ValueError, KeyError, OSError) as exc:
            raise CommandError(f"{folder} cannot be read: {exc}") from exc
        self.stdout.write(
            f"Wrote {counts['regions']} régions, {counts['departements']} départements and "
            f"{counts['communes']} communes."
        )
