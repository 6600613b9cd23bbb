"""``blason import_space <slug> <file>``: import an export larger than the site's upload limit
into the empty space ``slug`` (the same checks and all-or-nothing import as the page)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from blason.core.models import Issuer
from blason.exports import reading, services


class Command(BaseCommand):
    help = "Import another Blason's export (JSON) into an empty space."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="the address of the empty space to fill")
        parser.add_argument("file", type=Path)
        parser.add_argument("--max-mb", type=int, default=2048, help="largest file read")

    def handle(self, *args: Any, slug: str, file: Path, max_mb: int, **options: Any) -> None:
        issuer = Issuer.objects.filter(slug=slug).first()
        if issuer is None:
            raise CommandError(f"No space at the address {slug!r}.")
        if file.stat().st_size > max_mb * 1024 * 1024:
            raise CommandError(f"The file is larger than {max_mb} MB (--max-mb).")
        try:
            made = services.archive_import(
                issuer=issuer, actor=None, data=file.read_bytes(), limit=max_mb * 1024 * 1024
            )
        except reading.FileRefused as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(f"Imported {made.badges} badges and {made.awards} awards into {slug}.")
