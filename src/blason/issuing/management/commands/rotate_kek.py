from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from blason.issuing.signing.keys import reseal_all


class Command(BaseCommand):
    help = (
        "Re-encrypt every issuer's private key with the first KEY_ENCRYPTION_KEY. Put the new "
        "key first, keep the old one after it, run this, then remove the old key."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = reseal_all()
        self.stdout.write(self.style.SUCCESS(f"{count} private key(s) re-encrypted."))
