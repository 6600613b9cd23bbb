"""Development: SMS are printed on the console (like Django's console e-mail backend)."""

from __future__ import annotations

import sys
import threading
from typing import Any, TextIO

from blason.core.sms import SmsMessage, segments
from blason.core.sms.backends import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    def __init__(self, *, stream: TextIO | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.stream = stream or sys.stdout
        self._lock = threading.RLock()

    def send(self, message: SmsMessage) -> str:
        with self._lock:
            self.stream.write(
                f"SMS to {message.to} ({segments(message.body)} part(s)):\n{message.body}\n"
                + "-" * 79
                + "\n"
            )
            self.stream.flush()
        return ""
