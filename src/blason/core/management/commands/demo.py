from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from blason.core.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the French demo data (idempotent) and print the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        people = load_demo()
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Demo logins:"))
        for person in people:
            self.stdout.write(f"  {person.login:<28} {DEMO_PASSWORD}   ({person.role})")
        self.stdout.write(f"Open {settings.SITE_URL}/")
