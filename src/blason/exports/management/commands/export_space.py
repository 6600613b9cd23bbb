"""``blason export_space <slug> <file>``: write a space's export (JSON) to a file, in bounded
memory whatever its number of awards (the same document as the page's download)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from blason.core.models import Issuer
from blason.exports import archive


class Command(BaseCommand):
    help = "Write a space's export (JSON) to a file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, slug: str, file: Path, **options: Any) -> None:
        issuer = Issuer.objects.filter(slug=slug).first()
        if issuer is None:
            raise CommandError(f"No space at the address {slug!r}.")
        with file.open("w", encoding="utf-8") as out:
            for chunk in archive.document_chunks(issuer):
                out.write(chunk)
        self.stdout.write(f"Exported {slug} to {file}.")
