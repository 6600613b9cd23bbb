"""Brevo (ex-Sendinblue, a French provider many associations already use for e-mail)
transactional SMS: ``POST {SMS_BREVO_API_URL}/transactionalSMS/send`` with the ``api-key``
header and a JSON body (``sender``, ``recipient``, ``content``, ``type``, ``tag``,
``unicodeEnabled``); 201 answers ``{"messageId": ...}``, errors ``{"code": ..., "message": ...}``.

Outcomes: 2xx sent; 400 about the recipient (a number Brevo cannot send to) refused for good
(``SmsRefused``); any other answer (401 key, 402 credits, 429, 5xx), a timeout or a broken
connection may work later (``SmsError``: the outbox tries again, further and further apart).
Plain ``http.client``: no dependency.
"""

from __future__ import annotations

import http.client
import json
import re
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

from blason.core.sms import SmsError, SmsMessage, SmsRefused, is_gsm7
from blason.core.sms.backends import BaseSmsBackend
from obcore.fetch import default_ssl_context

PATH = "/transactionalSMS/send"
# A 400 whose message or code names the recipient: that number cannot be sent to.
_ABOUT_RECIPIENT = re.compile(r"recipient|phone|mobile|number", re.IGNORECASE)
MAX_ANSWER = 64 * 1024


class SmsBackend(BaseSmsBackend):
    def __init__(
        self,
        *,
        api_key: str | None = None,
        url: str | None = None,
        sender: str | None = None,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.api_key = api_key if api_key is not None else settings.SMS_BREVO_API_KEY
        self.url = (url or settings.SMS_BREVO_API_URL).rstrip("/") + PATH
        self.sender = sender or settings.SMS_SENDER
        self.timeout = timeout or settings.SMS_TIMEOUT

    def payload(self, message: SmsMessage) -> dict[str, Any]:
        return {
            "sender": self.sender,
            "recipient": message.to.removeprefix("+"),
            "content": message.body,
            "type": "transactional",
            "tag": "blason",
            "unicodeEnabled": not is_gsm7(message.body),
        }

    def send(self, message: SmsMessage) -> str:
        status, answer = self._post(json.dumps(self.payload(message)).encode())
        if 200 <= status < 300:
            return str(answer.get("messageId", "")) if isinstance(answer, dict) else ""
        detail = _detail(status, answer)
        if status == 400 and _ABOUT_RECIPIENT.search(detail):
            raise SmsRefused(detail)
        raise SmsError(detail)

    def _post(self, body: bytes) -> tuple[int, Any]:
        parts = urlsplit(self.url)
        host = parts.hostname or ""
        connection: http.client.HTTPConnection
        if parts.scheme == "https":
            connection = http.client.HTTPSConnection(
                host, parts.port, timeout=self.timeout, context=default_ssl_context()
            )
        else:
            connection = http.client.HTTPConnection(host, parts.port, timeout=self.timeout)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        try:
            connection.request(
                "POST",
                path,
                body=body,
                headers={
                    "api-key": self.api_key,
                    "accept": "application/json",
                    "content-type": "application/json",
                },
            )
            response = connection.getresponse()
            raw = response.read(MAX_ANSWER)
            status = response.status
        except (OSError, http.client.HTTPException) as exc:  # timeouts included
            raise SmsError(f"Brevo unreachable: {exc.__class__.__name__}: {exc}") from exc
        finally:
            connection.close()
        try:
            answer = json.loads(raw) if raw else {}
        except ValueError:
            answer = raw.decode("utf-8", "replace")[:300]
        return status, answer


def _detail(status: int, answer: Any) -> str:
    if isinstance(answer, dict):
        text = " ".join(str(answer.get(name, "")) for name in ("code", "message")).strip()
    else:
        text = str(answer).strip()
    return f"Brevo answered {status}" + (f": {text}" if text else "")
