"""``blason remind_validators``: e-mail validators about badge requests waiting for too long.

Run it once a day from cron or a systemd timer (see docs/peer-recognition.md). Each validator
gets one e-mail listing the requests waiting for their answer; a request is brought up again
at most once every ``--days`` days. Safe to run twice.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from blason.peers.validation import REMIND_AFTER_DAYS, remind_validators


class Command(BaseCommand):
    help = "E-mail validators about badge requests waiting for more than a few days."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=REMIND_AFTER_DAYS,
            help=f"remind about requests waiting longer than this (default: {REMIND_AFTER_DAYS})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if days < 1:
            self.stderr.write("--days must be 1 or more")
            raise SystemExit(2)
        requests, people = remind_validators(days=days)
        self.stdout.write(f"{requests} request(s) waiting; {people} validator(s) reminded.")
