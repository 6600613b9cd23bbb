from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from blason.core.i18n import compile_catalogues


class Command(BaseCommand):
    help = "Compile the .po translation catalogues to .mo files (no GNU gettext needed)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        written = compile_catalogues(force=options["force"])
        if options["verbosity"] > 1 or written:
            self.stdout.write(f"{len(written)} catalogue(s) compiled.")
