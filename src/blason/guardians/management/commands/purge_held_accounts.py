"""``blason purge_held_accounts``: delete the children's accounts no parent confirmed in time,
and forget the parents of children now of age. The workers do it on their own every ten
minutes; this runs it now (from cron, or after lowering GUARDIAN_CONSENT_DAYS)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from blason.guardians.tasks import purge


class Command(BaseCommand):
    help = (
        "Delete the held children's accounts no parent confirmed in time, and end the "
        "guardianships of children now of age."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        deleted, ended = purge()
        self.stdout.write(f"{deleted} held account(s) deleted, {ended} guardianship(s) ended.")
