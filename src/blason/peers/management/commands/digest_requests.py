"""``blason digest_requests``: e-mail each validator the new badge requests waiting for them
(an SMS to those known by a phone number only).

Run it once a day from cron or a systemd timer (see docs/peer-recognition.md), next to
``blason remind_validators``. Each validator gets at most one e-mail listing the requests that
arrived since the last run (or one SMS per space, ``peers.request_sms``); each request is
announced once. Safe to run twice.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from blason.peers.validation import digest_requests


class Command(BaseCommand):
    help = "E-mail each validator the new badge requests waiting for their answer (daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        requests, people = digest_requests()
        self.stdout.write(f"{requests} new request(s); {people} validator(s) told.")
