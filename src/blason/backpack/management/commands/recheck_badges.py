"""``blason recheck_badges``: queue a new check of the backpack badges not checked lately.

Run it from cron or a systemd timer (see docs/operations.md); the workers do the checking.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Q
from django.utils import timezone

from blason.backpack.models import Item
from blason.backpack.tasks import recheck_items

CHUNK = 50


class Command(BaseCommand):
    help = "Queue a new verification of the backpack badges not checked for a while."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than",
            type=float,
            default=24.0,
            metavar="HOURS",
            help="check badges whose last check is older than this (default: 24 hours)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        hours = options["older_than"]
        if hours < 0:
            self.stderr.write("--older-than must be zero or more hours")
            raise SystemExit(2)
        cutoff = timezone.now() - timedelta(hours=hours)
        stale = Item.objects.filter(Q(checked_at__isnull=True) | Q(checked_at__lt=cutoff))
        items = tasks = last = 0
        while True:  # by pages of primary keys: no cursor stays open while tasks are queued
            page = list(stale.filter(pk__gt=last).order_by("pk").values_list("pk", "uuid")[:CHUNK])
            if not page:
                break
            last = page[-1][0]
            recheck_items.enqueue(item_uuids=[str(item_uuid) for _pk, item_uuid in page])
            items, tasks = items + len(page), tasks + 1
        self.stdout.write(f"{items} badge(s) queued for checking in {tasks} task(s).")
