"""Write a development .env (DEBUG on, fresh random secrets) unless one exists. Stdlib only."""

from __future__ import annotations

import base64
import secrets
import sys
from pathlib import Path

target = Path(sys.argv[1] if len(sys.argv) > 1 else ".env")
if target.exists():
    sys.exit(0)
target.write_text(
    "# Written by `make run` for local use. See .env.example for every variable.\n"
    "DEBUG=true\n"
    f"SECRET_KEY={secrets.token_urlsafe(48)}\n"
    f"KEY_ENCRYPTION_KEY={base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()}\n"
    "# SITE_URL: where `blason serve` listens (BIND) unless set here.\n"
    "LANGUAGE_CODE=fr\n"
    "# Fictitious job offers near Lille for the demo (none: no offers; france_travail: the API).\n"
    "JOB_OFFERS_PROVIDER=fixtures\n",
    encoding="utf-8",
)
target.chmod(0o600)
print(f"Wrote {target} (development settings).")
