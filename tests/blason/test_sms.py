"""SMS: recorded in the outbox with what they tell, rate-limited, held in the quiet hours,
delivered through the configured backend; the Brevo client against a loopback server speaking
Brevo's documented API."""

from __future__ import annotations

import contextlib
import io
import json
import threading
import time as clock_time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from blason.core import outbox, sms
from blason.core.models import OutboxMessage, OutboxState
from blason.core.sms import SmsError, SmsMessage, SmsRefused
from blason.core.sms.backends import brevo, console
from blason.env import parse_rates

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
NUMBER = "+33612345678"


@pytest.fixture(autouse=True)
def _quiet_hours(settings: Any) -> None:
    settings.SMS_QUIET_HOURS = ("21:00", "08:00")  # the default (tests/conftest.py turns it off)


@pytest.fixture
def at(monkeypatch: pytest.MonkeyPatch) -> Any:
    """A fixed clock: ``at(datetime)`` makes ``timezone.now()`` answer it."""

    def set_clock(moment: datetime) -> datetime:
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    return set_clock


def paris(hour: int, minute: int = 0, day: int = 10) -> datetime:
    return datetime(2025, 3, day, hour, minute, tzinfo=PARIS)


def test_an_sms_is_sent_after_the_commit_through_the_backend(
    django_capture_on_commit_callbacks: Any, at: Any
) -> None:
    at(paris(14))
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        assert sms.send_sms(to=NUMBER, body="Bonjour", key="hello", scope="issuer:x")
        assert sms.outbox == []  # not before the commit
    (message,) = sms.outbox
    assert (message.to, message.body, message.key) == (NUMBER, "Bonjour", "hello")
    row = OutboxMessage.objects.get(key="hello")
    assert (row.kind, row.state, row.scope, row.attempts) == (
        "sms",
        OutboxState.SENT,
        "issuer:x",
        1,
    )


def test_rolled_back_sms_is_never_sent(django_capture_on_commit_callbacks: Any, at: Any) -> None:
    at(paris(14))
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                sms.send_sms(to=NUMBER, body="Bonjour")
                raise RuntimeError
        except RuntimeError:
            pass
    assert sms.outbox == []
    assert not OutboxMessage.objects.exists()


def test_the_same_key_is_sent_once(at: Any) -> None:
    at(paris(14))
    assert sms.send_sms(to=NUMBER, body="Un", key="once")
    assert sms.send_sms(to=NUMBER, body="Deux", key="once")  # already recorded: True
    assert OutboxMessage.objects.count() == 1
    assert outbox.deliver_due() == 1
    assert [m.body for m in sms.outbox] == ["Un"]


def test_sms_off_records_nothing(settings: Any) -> None:
    settings.SMS_BACKEND = ""
    assert not sms.enabled()
    assert sms.send_sms(to=NUMBER, body="Bonjour", key="k") is False
    assert not OutboxMessage.objects.exists()
    assert sms.record_rendered([("a", NUMBER, {})], renderer="x") == {"a": False}


def test_rate_limit_per_number(settings: Any, at: Any) -> None:
    settings.SMS_RATE_LIMIT_NUMBER = "2/h,3/d"
    start = at(paris(10))
    assert sms.send_sms(to=NUMBER, body="1")
    assert sms.send_sms(to=NUMBER, body="2")
    assert not sms.send_sms(to=NUMBER, body="3", key="third")  # 2 an hour
    refused = OutboxMessage.objects.get(key="third")
    assert refused.state == OutboxState.REFUSED
    assert "too many SMS to this number" in refused.last_error
    assert sms.send_sms(to="+33698765432", body="other number")
    at(start + timedelta(hours=1, minutes=1))
    assert sms.send_sms(to=NUMBER, body="3")  # a new hour
    assert not sms.send_sms(to=NUMBER, body="4")  # 3 a day
    at(start + timedelta(days=1, minutes=1))
    assert sms.send_sms(to=NUMBER, body="5")
    assert outbox.deliver_due() == 5
    assert sorted(m.body for m in sms.outbox if m.to == NUMBER) == ["1", "2", "3", "5"]


def test_rate_limit_per_scope(settings: Any, at: Any) -> None:
    settings.SMS_RATE_LIMIT_SCOPE = "3/d"
    at(paris(10))
    numbers = [f"+336123456{n:02d}" for n in range(5)]
    sent = [sms.send_sms(to=n, body="x", scope="issuer:a") for n in numbers]
    assert sent == [True, True, True, False, False]
    assert sms.send_sms(to=numbers[4], body="x", scope="issuer:b")  # another space
    assert sms.send_sms(to=numbers[4], body="x")  # no scope: no space limit
    # Many at once: counted together.
    answer = sms.record_rendered(
        [(f"b{n}", number, {}) for n, number in enumerate(numbers)], renderer="r", scope="issuer:c"
    )
    assert list(answer.values()) == [True, True, True, False, False]
    assert OutboxMessage.objects.filter(key="b4", state=OutboxState.REFUSED).exists()


def test_rate_rules_are_read_strictly() -> None:
    assert parse_rates("6/h, 20/d,10/5m") == [(6, 3600), (20, 86400), (10, 300)]
    with pytest.raises(ValueError, match="6 per hour"):
        parse_rates("6 per hour")


@pytest.mark.parametrize(
    ("moment", "until"),
    [
        (paris(20, 59), None),
        (paris(21, 0), paris(8, day=11)),
        (paris(23, 30), paris(8, day=11)),
        (paris(3, 0), paris(8, day=10)),
        (paris(7, 59), paris(8, day=10)),
        (paris(8, 0), None),
        (paris(12, 0), None),
    ],
)
def test_quiet_hours_end_at_eight(moment: datetime, until: datetime | None) -> None:
    assert sms.quiet_until(moment) == until


def test_quiet_hours_follow_daylight_saving_time() -> None:
    # The night of 29 to 30 March 2025: Paris moves from UTC+1 to UTC+2.
    until = sms.quiet_until(paris(22, day=29))
    assert until == datetime(2025, 3, 30, 8, tzinfo=PARIS)
    assert until is not None
    assert until.utcoffset() == timedelta(hours=2)


def test_an_sms_recorded_at_night_waits_for_eight_unless_urgent(at: Any) -> None:
    at(paris(22, 15))
    assert sms.send_sms(to=NUMBER, body="Votre badge", key="award")
    assert sms.send_sms(to=NUMBER, body="Code 123456", key="code", urgent=True)
    deferred = OutboxMessage.objects.get(key="award")
    assert deferred.next_attempt_at == paris(8, day=11)
    assert outbox.deliver_due() == 1  # the code only
    assert [m.body for m in sms.outbox] == ["Code 123456"]
    at(paris(7, 59, day=11))
    assert outbox.deliver_due() == 0
    at(paris(8, 0, day=11))
    assert outbox.deliver_due() == 1
    assert [m.body for m in sms.outbox] == ["Code 123456", "Votre badge"]


def test_a_retry_falling_in_the_quiet_hours_waits_for_eight(
    at: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    at(paris(20, 59))
    failing = {"yes": True}

    def send(self: Any, message: SmsMessage) -> str:
        if failing["yes"]:
            raise SmsError("provider down")
        sms.outbox.append(message)
        return ""

    monkeypatch.setattr("blason.core.sms.backends.locmem.SmsBackend.send", send)
    sms.send_sms(to=NUMBER, body="Votre badge", key="award")
    assert outbox.deliver_due() == 0
    row = OutboxMessage.objects.get(key="award")
    assert (row.state, row.attempts) == (OutboxState.PENDING, 1)
    failing["yes"] = False
    at(paris(21, 5))  # due again, but in the quiet hours
    assert outbox.deliver_due() == 0
    row.refresh_from_db()
    assert (row.state, row.attempts, row.next_attempt_at) == (
        OutboxState.PENDING,
        1,  # holding it back was no attempt
        paris(8, day=11),
    )
    at(paris(8, 0, day=11))
    assert outbox.deliver_due() == 1


def test_no_quiet_hours_when_empty(settings: Any, at: Any) -> None:
    settings.SMS_QUIET_HOURS = None
    at(paris(23))
    assert sms.quiet_until() is None
    sms.send_sms(to=NUMBER, body="x")
    assert outbox.deliver_due() == 1


def test_revoked_or_gone_rendered_sms_is_cancelled(at: Any) -> None:
    at(paris(14))
    sms.RENDERERS["test.echo"] = "tests.blason.test_sms.render_echo"
    try:
        sms.record_rendered(
            [("keep", NUMBER, {"text": "Bonjour"}), ("drop", "+33698765432", {"text": ""})],
            renderer="test.echo",
        )
        assert outbox.deliver_due() == 1
    finally:
        del sms.RENDERERS["test.echo"]
    assert [m.body for m in sms.outbox] == ["Bonjour"]
    assert OutboxMessage.objects.get(key="drop").state == OutboxState.CANCELLED


def render_echo(args: dict[str, Any]) -> str | None:
    return args["text"] or None


def test_segments_count_gsm7_and_unicode() -> None:
    assert sms.segments("a" * 160) == 1
    assert sms.segments("a" * 161) == 2
    assert sms.segments("é" * 160) == 1  # é is in the GSM-7 alphabet
    assert sms.segments("€" * 80) == 1  # two units each
    assert sms.segments("ê" * 70) == 1  # not GSM-7: UCS-2, 70 a part
    assert sms.segments("ê" * 71) == 2
    assert sms.is_gsm7("Bravo, vous avez obtenu le badge à garder : 7KQ2-M9XD")
    assert not sms.is_gsm7("Reçu")  # ç is not in GSM-7 (only Ç is)


def test_console_backend_prints_like_the_console_mail_backend() -> None:
    stream = io.StringIO()
    console.SmsBackend(stream=stream).send(SmsMessage(to=NUMBER, body="Bonjour"))
    assert stream.getvalue().startswith(f"SMS to {NUMBER} (1 part(s)):\nBonjour\n---")


def test_healthz_reports_sms(client: Any, at: Any, settings: Any) -> None:
    at(paris(22))
    sms.send_sms(to=NUMBER, body="demain", key="deferred")
    body = client.get(reverse("healthz")).json()
    assert body["work"]["sms"]["enabled"] is True
    assert body["work"]["sms"]["waiting"] == 1
    assert body["work"]["sms"]["deferred"] == 1
    assert body["work"]["sms"]["stuck"] == 0  # held back for the night is not stuck
    OutboxMessage.objects.filter(key="deferred").update(
        state=OutboxState.FAILED, last_error="refused", next_attempt_at=paris(21)
    )
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert "1 SMS failed in the last day" in response.json()["work"]["error"]


# --- Brevo, against a loopback server speaking its documented API -----------------------------


@dataclass
class FakeBrevo:
    """``POST /v3/transactionalSMS/send`` with an ``api-key`` header, as Brevo answers it;
    ``answers`` is the queue of (status, JSON body, delay in seconds) to give."""

    url: str = ""
    key: str = "xkeysib-test-key"
    requests: list[dict[str, Any]] = field(default_factory=list)
    answers: list[tuple[int, Any, float]] = field(default_factory=list)


@pytest.fixture
def brevo_server(settings: Any) -> Iterator[FakeBrevo]:
    fake = FakeBrevo()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(length)
            fake.requests.append(
                {
                    "path": self.path,
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "body": json.loads(raw),
                }
            )
            if self.path != "/v3/transactionalSMS/send":
                status, body, delay = 404, {"code": "not_found", "message": "Not found"}, 0.0
            elif self.headers.get("api-key") != fake.key:
                status, body, delay = 401, {"code": "unauthorized", "message": "Key not found"}, 0.0
            elif fake.answers:
                status, body, delay = fake.answers.pop(0)
            else:
                status, body, delay = 201, None, 0.0
            if delay:
                clock_time.sleep(delay)
            if body is None:
                body = {"messageId": 1511882900176220 + len(fake.requests)}
            # The client may have given up waiting (timeout tests).
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._answer(status, body)

        def _answer(self, status: int, body: Any) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/v3"
    settings.SMS_BACKEND = "blason.core.sms.backends.brevo.SmsBackend"
    settings.SMS_BREVO_API_URL = fake.url
    settings.SMS_BREVO_API_KEY = fake.key
    settings.SMS_SENDER = "Blason"
    settings.SMS_TIMEOUT = 1
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


def test_brevo_sends_the_documented_request(brevo_server: FakeBrevo, at: Any) -> None:
    at(paris(14))
    sms.send_sms(to=NUMBER, body="Bravo, votre badge : https://b.example/c/1", key="k1")
    assert outbox.deliver_due() == 1
    (request,) = brevo_server.requests
    assert request["path"] == "/v3/transactionalSMS/send"
    assert request["headers"]["api-key"] == "xkeysib-test-key"
    assert request["headers"]["content-type"] == "application/json"
    assert request["headers"]["accept"] == "application/json"
    assert request["body"] == {
        "sender": "Blason",
        "recipient": "33612345678",
        "content": "Bravo, votre badge : https://b.example/c/1",
        "type": "transactional",
        "tag": "blason",
        "unicodeEnabled": False,
    }
    row = OutboxMessage.objects.get(key="k1")
    assert row.state == OutboxState.SENT
    assert row.headers == {"provider_id": "1511882900176221"}


def test_brevo_unicode_text_is_flagged(brevo_server: FakeBrevo) -> None:
    brevo.SmsBackend().send(SmsMessage(to=NUMBER, body="Vous avez reçu un badge"))
    assert brevo_server.requests[0]["body"]["unicodeEnabled"] is True


def test_brevo_refusing_the_number_fails_at_once(brevo_server: FakeBrevo, at: Any) -> None:
    at(paris(14))
    brevo_server.answers.append(
        (400, {"code": "invalid_parameter", "message": "Invalid recipient number"}, 0.0)
    )
    sms.send_sms(to="+33600000000", body="x", key="bad")
    assert outbox.deliver_due() == 0
    row = OutboxMessage.objects.get(key="bad")
    assert (row.state, row.attempts) == (OutboxState.FAILED, 1)
    assert "refused by the provider" in row.last_error
    assert "Invalid recipient number" in row.last_error
    brevo_server.answers.append(
        (400, {"code": "invalid_parameter", "message": "Invalid recipient number"}, 0.0)
    )
    with pytest.raises(SmsRefused):
        brevo.SmsBackend().send(SmsMessage(to="+33600000000", body="x"))


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (500, {"code": "internal_error", "message": "Internal error"}),
        (503, "Service Unavailable"),
        (402, {"code": "not_enough_credits", "message": "Not enough credits"}),
        (429, {"code": "too_many_requests", "message": "Rate limit"}),
    ],
)
def test_brevo_errors_are_retried_further_and_further_apart(
    brevo_server: FakeBrevo, at: Any, settings: Any, status: int, body: Any
) -> None:
    settings.OUTBOX_MAX_ATTEMPTS = 3
    start = at(paris(14))
    brevo_server.answers.extend([(status, body, 0.0)] * 3)
    sms.send_sms(to=NUMBER, body="x", key="k")
    delays = []
    for attempt in range(1, 4):
        assert outbox.deliver_due() == 0
        row = OutboxMessage.objects.get(key="k")
        assert row.attempts == attempt
        assert f"Brevo answered {status}" in row.last_error
        if attempt < 3:
            assert row.state == OutboxState.PENDING
            delays.append(row.next_attempt_at - timezone.now())
            at(row.next_attempt_at)
    assert delays == [timedelta(seconds=30), timedelta(seconds=60)]
    assert row.state == OutboxState.FAILED  # after OUTBOX_MAX_ATTEMPTS
    assert timezone.now() > start


def test_brevo_wrong_key_is_retried_not_failed(brevo_server: FakeBrevo, at: Any) -> None:
    at(paris(14))
    brevo_server.key = "another-key"
    sms.send_sms(to=NUMBER, body="x", key="k")
    assert outbox.deliver_due() == 0
    row = OutboxMessage.objects.get(key="k")
    assert row.state == OutboxState.PENDING
    assert "401" in row.last_error


def test_brevo_timeout_is_retried_then_sent(brevo_server: FakeBrevo, at: Any) -> None:
    at(paris(14))
    brevo_server.answers.append((201, None, 2.5))  # longer than SMS_TIMEOUT (1 s)
    sms.send_sms(to=NUMBER, body="x", key="k")
    assert outbox.deliver_due() == 0
    row = OutboxMessage.objects.get(key="k")
    assert row.state == OutboxState.PENDING
    assert "timed out" in row.last_error.lower() or "timeout" in row.last_error.lower()
    at(row.next_attempt_at)
    assert outbox.deliver_due() == 1  # at least once: the slow one may have gone out too
    assert OutboxMessage.objects.get(key="k").state == OutboxState.SENT


def test_brevo_unreachable_is_retried(settings: Any, at: Any) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.SMS_BACKEND = "blason.core.sms.backends.brevo.SmsBackend"
    settings.SMS_BREVO_API_URL = f"http://127.0.0.1:{port}/v3"
    at(paris(14))
    sms.send_sms(to=NUMBER, body="x", key="k")
    assert outbox.deliver_due() == 0
    row = OutboxMessage.objects.get(key="k")
    assert row.state == OutboxState.PENDING
    assert "Brevo unreachable" in row.last_error


def test_turning_sms_off_fails_what_waits(settings: Any, at: Any) -> None:
    at(paris(14))
    sms.send_sms(to=NUMBER, body="x", key="k")
    settings.SMS_BACKEND = ""
    assert outbox.deliver_due() == 0
    row = OutboxMessage.objects.get(key="k")
    assert row.state == OutboxState.FAILED
    assert "SMS is off" in row.last_error


def test_sms_settings_fail_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.core.exceptions import ImproperlyConfigured

    from blason import env

    monkeypatch.setenv("SMS_RATE_LIMIT_NUMBER", "lots")
    with pytest.raises(ImproperlyConfigured, match="SMS_RATE_LIMIT_NUMBER must be rules"):
        env.env_rates("SMS_RATE_LIMIT_NUMBER", "6/h")
    monkeypatch.setenv("SMS_QUIET_HOURS", "21h-8h")
    with pytest.raises(ImproperlyConfigured, match="SMS_QUIET_HOURS must be a range"):
        env.env_hours("SMS_QUIET_HOURS", "21:00-08:00")
    monkeypatch.setenv("SMS_QUIET_HOURS", "22:30-7:00")
    assert env.env_hours("SMS_QUIET_HOURS", "21:00-08:00") == ("22:30", "07:00")
    monkeypatch.setenv("SMS_QUIET_HOURS", "")
    assert env.env_hours("SMS_QUIET_HOURS", "21:00-08:00") is None


def test_a_backend_that_cannot_be_loaded_leaves_the_sms_waiting(settings: Any, at: Any) -> None:
    at(paris(14))
    sms.send_sms(to=NUMBER, body="x", key="k")
    settings.SMS_BACKEND = "blason.core.sms.backends.nowhere.SmsBackend"
    assert outbox.deliver_due() == 0
    row = OutboxMessage.objects.get(key="k")
    assert (row.state, row.attempts) == (OutboxState.PENDING, 1)
    assert "ImportError" in row.last_error or "ModuleNotFoundError" in row.last_error
