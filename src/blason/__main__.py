"""The ``blason`` command: Django management commands plus the credential commands.

``verify``, ``sign``, ``keys``, ``bake`` and ``unbake`` come from ``obcore.cli`` and run without
Django or a database; everything else is a Django management command.
"""

import os
import sys


def main() -> None:
    from obcore.cli import COMMANDS

    if len(sys.argv) > 1 and sys.argv[1] in COMMANDS:
        from obcore.cli import main as obcore_main

        sys.exit(obcore_main(sys.argv[1:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blason.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
