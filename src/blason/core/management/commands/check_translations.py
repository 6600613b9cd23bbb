from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from blason.core.i18n import check_catalogues


class Command(BaseCommand):
    help = "Fail when the translation catalogues are stale or the French one is incomplete."
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        problems = check_catalogues()
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"{len(problems)} translation problem(s): see above.")
        self.stdout.write(self.style.SUCCESS("Translation catalogues are complete."))
