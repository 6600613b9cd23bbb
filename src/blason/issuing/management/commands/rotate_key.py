from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from blason.core.models import Issuer
from blason.issuing.signing.keys import signing_key_rotate

ALGORITHMS = ("Ed25519", "RSA")


class Command(BaseCommand):
    help = (
        "Rotate a space's signing key (for example after a leak): the active key is retired but "
        "stays published, so every badge it signed still verifies, and a new key signs from now "
        "on (audit entry issuing.key.rotated)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("space", help="the space's short name (slug), as in its addresses")
        parser.add_argument(
            "--algorithm",
            choices=ALGORITHMS,
            default="Ed25519",
            help="Ed25519 signs OB 3.0 badges; RSA signs the OB 2.0 and VC-JWT forms",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        issuer = Issuer.objects.filter(slug=options["space"]).first()
        if issuer is None:
            raise CommandError(f"No space has the short name {options['space']!r}.")
        key = signing_key_rotate(issuer=issuer, algorithm=options["algorithm"], actor=None)
        self.stdout.write(
            self.style.SUCCESS(
                f"{issuer.name}: new {key.algorithm} key #{key.fragment} signs from now on; "
                "the old one stays published."
            )
        )
