from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from blason.issuing.signing.keys import missing_keys_create


class Command(BaseCommand):
    help = (
        "Make the signing keys that issuers lack (each with an audit entry). Keys are made with "
        "each issuer, and migration issuing 0009 made those of older issuers: this is for an "
        "issuer created another way (a shell, a database import)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        made = missing_keys_create()
        self.stdout.write(self.style.SUCCESS(f"{len(made)} signing key(s) made."))
