"""Tests: SMS are kept in ``blason.core.sms.outbox`` (like ``django.core.mail.outbox``)."""

from __future__ import annotations

from blason.core import sms
from blason.core.sms import SmsMessage
from blason.core.sms.backends import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    def send(self, message: SmsMessage) -> str:
        sms.outbox.append(message)
        return ""
