"""SMS backends: a class with ``send(message) -> str`` (the provider's reference, or "")
raising ``SmsRefused`` when the provider refuses the message for good and ``SmsError`` when
it may work later. Chosen by ``settings.SMS_BACKEND``."""

from __future__ import annotations

from typing import Any

from blason.core.sms import SmsMessage


class BaseSmsBackend:
    def __init__(self, **kwargs: Any) -> None:
        self.options = kwargs

    def send(self, message: SmsMessage) -> str:  # pragma: no cover - every backend overrides
        raise NotImplementedError
