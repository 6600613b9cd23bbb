"""SMS: recorded in the durable outbox with the change they tell about, delivered by the
workers through a pluggable backend (``settings.SMS_BACKEND``, like Django's e-mail backends).

Why one module of over 400 lines: recording, rate limits, quiet hours and delivery are one
policy applied to each SMS in order; the backends are apart (``backends``), and the rest is read
together.

- ``send_sms(to=..., body=...)`` records one SMS in the current transaction; it is sent once
  that commits (``blason.core.outbox`` delivers rows of ``kind`` "sms" through the backend).
- Rate limits: ``SMS_RATE_LIMIT_NUMBER`` per phone number and ``SMS_RATE_LIMIT_SCOPE`` per
  scope (a space: ``"issuer:<uuid>"``), counted on the outbox rows, so every process sees
  the same counts. A refused SMS is not sent (kept, under its key, as REFUSED).
- Quiet hours: no SMS between ``SMS_QUIET_HOURS`` (21:00-08:00 local time) unless it is
  ``urgent`` (a sign-in code someone waits for); the others wait for the end of the range.
- SMS off (``SMS_BACKEND`` empty, the production default without a provider): nothing is
  recorded and ``send_sms`` answers False; the pages say that no SMS was sent.

Backends (``blason.core.sms.backends``): console (prints), locmem (appends to ``outbox``
below: the tests read it), brevo (Brevo transactional SMS over HTTPS).
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, F
from django.utils import timezone
from django.utils.module_loading import import_string

from blason.core.models import OutboxMessage, OutboxState
from blason.env import parse_rates

logger = logging.getLogger(__name__)

KIND = "sms"


@dataclass(frozen=True)
class SmsMessage:
    """One SMS as a backend sends it: ``to`` is an E.164 number (``+33612345678``)."""

    to: str
    body: str
    key: str = ""


# The locmem backend's sent messages (tests: emptied before each test by tests/conftest.py).
outbox: list[SmsMessage] = []

# name → dotted path of a function(render_args) giving the text of an SMS rendered when it
# is sent, or None when there is nothing left to say. Apps register theirs in
# ``AppConfig.ready()`` (core imports no domain app).
RENDERERS: dict[str, str] = {}


class SmsError(Exception):
    """The SMS could not be sent now (provider down, timeout, credits): tried again later."""


class SmsRefused(SmsError):
    """The provider refused this SMS for good (a number it cannot send to): not tried again."""


def enabled() -> bool:
    """Whether this site sends SMS at all."""
    return bool(getattr(settings, "SMS_BACKEND", ""))


def get_backend() -> Any:
    """An instance of the configured backend (``SMS_BACKEND``)."""
    if not enabled():
        raise SmsError("SMS is off (SMS_BACKEND is not set)")
    return import_string(settings.SMS_BACKEND)()


# --- Length ---------------------------------------------------------------------------------

# GSM 03.38: the characters of a 7-bit SMS (160 a part); the extension table costs two.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = frozenset("^{}\\[~]|€\f")


def is_gsm7(text: str) -> bool:
    return all(char in GSM7_BASIC or char in GSM7_EXTENDED for char in text)


def segments(text: str) -> int:
    """How many SMS ``text`` takes: 160 GSM-7 characters in one, 153 a part beyond; 70
    UCS-2 characters (any other character) in one, 67 a part beyond."""
    if is_gsm7(text):
        units = sum(2 if char in GSM7_EXTENDED else 1 for char in text)
        single, part = 160, 153
    else:
        units = sum(2 if ord(char) > 0xFFFF else 1 for char in text)
        single, part = 70, 67
    if units <= single:
        return 1
    return -(-units // part)


# --- Quiet hours ----------------------------------------------------------------------------


def _quiet_range() -> tuple[time, time] | None:
    hours = getattr(settings, "SMS_QUIET_HOURS", None)
    if not hours:
        return None
    start, end = (time.fromisoformat(value) for value in hours)
    return start, end


def quiet_until(now: datetime | None = None) -> datetime | None:
    """When the quiet hours around ``now`` end (the next 08:00), or None outside them."""
    span = _quiet_range()
    if span is None:
        return None
    start, end = span
    local = timezone.localtime(now or timezone.now())
    clock = local.time()
    if start > end:  # runs past midnight: 21:00-08:00
        if clock >= start:
            day = local.date() + timedelta(days=1)
        elif clock < end:
            day = local.date()
        else:
            return None
    elif start <= clock < end:
        day = local.date()
    else:
        return None
    return datetime.combine(day, end, tzinfo=local.tzinfo)


# --- Rate limits ----------------------------------------------------------------------------


def _counted() -> Any:
    """The SMS counted by the rate limits: every one recorded, except the refused ones."""
    return OutboxMessage.objects.filter(kind=KIND).exclude(state=OutboxState.REFUSED)


def _room(rules: str, counts: Callable[[datetime], int], now: datetime) -> int:
    """How many more SMS the rules allow (a large number when there are none)."""
    room = 1 << 30
    for count, seconds in parse_rates(rules):
        room = min(room, count - counts(now - timedelta(seconds=seconds)))
    return max(room, 0)


def number_room(to: str, now: datetime | None = None) -> int:
    """How many more SMS may be sent to ``to`` now (``SMS_RATE_LIMIT_NUMBER``)."""
    now = now or timezone.now()
    rows = _counted().filter(to=to)
    return _room(
        settings.SMS_RATE_LIMIT_NUMBER,
        lambda since: rows.filter(created_at__gte=since).count(),
        now,
    )


def scope_room(scope: str, now: datetime | None = None) -> int:
    """How many more SMS ``scope`` may send now (``SMS_RATE_LIMIT_SCOPE``); no scope: no limit."""
    if not scope:
        return 1 << 30
    now = now or timezone.now()
    rows = _counted().filter(scope=scope)
    return _room(
        settings.SMS_RATE_LIMIT_SCOPE, lambda since: rows.filter(created_at__gte=since).count(), now
    )


def _numbers_room(numbers: set[str], now: datetime) -> dict[str, int]:
    """``number_room`` for many numbers, one query per rule."""
    room = dict.fromkeys(numbers, 1 << 30)
    if not numbers:
        return room
    for count, seconds in parse_rates(settings.SMS_RATE_LIMIT_NUMBER):
        since = now - timedelta(seconds=seconds)
        used = dict(
            _counted()
            .filter(to__in=numbers, created_at__gte=since)
            .values_list("to")
            .annotate(n=Count("pk"))
            .values_list("to", "n")
        )
        for number in numbers:
            room[number] = min(room[number], count - used.get(number, 0))
    return {number: max(value, 0) for number, value in room.items()}


# --- Recording ------------------------------------------------------------------------------


def _random_key() -> str:
    return f"sms:{random.getrandbits(128):032x}"


def _row(
    *,
    key: str,
    to: str,
    now: datetime,
    scope: str,
    urgent: bool,
    body: str = "",
    renderer: str = "",
    args: dict[str, Any] | None = None,
) -> OutboxMessage:
    due = None if urgent else quiet_until(now)
    return OutboxMessage(
        key=key,
        kind=KIND,
        to=to,
        body=body,
        renderer=renderer,
        render_args=args or {},
        scope=scope,
        urgent=urgent,
        created_at=now,
        next_attempt_at=due or now,
    )


def send_sms(
    *, to: str, body: str, key: str | None = None, scope: str = "", urgent: bool = False
) -> bool:
    """Record an SMS to ``to`` (E.164) in the current transaction; it is sent once that commits.

    ``key`` names it once and for all (recorded twice, sent once); ``scope`` is who it is
    counted against for the rate limit (``"issuer:<uuid>"``); ``urgent`` sends it even in the
    quiet hours (a code someone waits for). Answers False, recording nothing to send, when
    SMS is off or a rate limit refuses it (then, with a ``key``, a REFUSED row keeps why).
    """
    if not enabled():
        return False
    if key and OutboxMessage.objects.filter(key=key).exists():
        return OutboxMessage.objects.filter(key=key).exclude(state=OutboxState.REFUSED).exists()
    now = timezone.now()
    row = _row(key=key or _random_key(), to=to, body=body, now=now, scope=scope, urgent=urgent)
    refusal = _refusal(to, scope, now)
    if refusal:
        logger.warning("SMS %s to %s refused: %s", row.key, to, refusal)
        if key:
            row.state, row.last_error = OutboxState.REFUSED, refusal
            _write([row])
        return False
    _write([row])
    return True


def _refusal(to: str, scope: str, now: datetime) -> str:
    if number_room(to, now) < 1:
        return (
            f"too many SMS to this number (SMS_RATE_LIMIT_NUMBER={settings.SMS_RATE_LIMIT_NUMBER})"
        )
    if scope_room(scope, now) < 1:
        return f"too many SMS for {scope} (SMS_RATE_LIMIT_SCOPE={settings.SMS_RATE_LIMIT_SCOPE})"
    return ""


def record_rendered(
    items: Iterable[tuple[str, str, dict[str, Any]]],
    *,
    renderer: str,
    scope: str = "",
    urgent: bool = False,
    topic: str = "",
) -> dict[str, bool]:
    """Record many SMS whose text ``renderer`` writes when each is sent: ``(key, to,
    render_args)`` each, in the current transaction, with the rate limits counted for all of
    them at once. Answers ``{key: recorded}``; the refused ones are kept as REFUSED rows.
    ``topic`` groups them for ``summary`` (a bulk award's report)."""
    wanted = list(items)
    if not enabled() or not wanted:
        return {key: False for key, _to, _args in wanted}
    now = timezone.now()
    known = set(
        OutboxMessage.objects.filter(key__in=[key for key, _to, _args in wanted]).values_list(
            "key", "state"
        )
    )
    existing = {key: state != OutboxState.REFUSED for key, state in known}
    numbers = _numbers_room({to for key, to, _args in wanted if key not in existing}, now)
    left = scope_room(scope, now)
    rows, answer = [], dict(existing)
    for key, to, args in wanted:
        if key in answer:
            continue
        row = _row(
            key=key, to=to, now=now, scope=scope, urgent=urgent, renderer=renderer, args=args
        )
        row.topic = topic
        if numbers.get(to, 0) < 1:
            row.state = OutboxState.REFUSED
            row.last_error = "too many SMS to this number"
        elif left < 1:
            row.state = OutboxState.REFUSED
            row.last_error = f"too many SMS for {scope}"
        else:
            numbers[to] -= 1
            left -= 1
        answer[key] = row.state != OutboxState.REFUSED
        rows.append(row)
    _write(rows)
    return answer


def _write(rows: list[OutboxMessage]) -> None:
    from blason.core import outbox as durable
    from blason.core.bulk_insert import insert_rows

    insert_rows(OutboxMessage, rows, ignore_conflicts=True)
    if any(row.state == OutboxState.PENDING for row in rows):
        durable._kick_on_commit()


# --- Delivery (called by blason.core.outbox for rows of kind "sms") --------------------------


def render(row: OutboxMessage) -> SmsMessage | None:
    """The SMS a row stands for, or None when there is nothing left to say (a revoked award)."""
    if not row.renderer:
        return SmsMessage(to=row.to, body=row.body, key=row.key)
    path = RENDERERS.get(row.renderer)
    if path is None:
        raise LookupError(f"no SMS renderer named {row.renderer!r}")
    body = import_string(path)(row.render_args)
    if body is None:
        return None
    return SmsMessage(to=row.to, body=str(body), key=row.key)


def deliver(row: OutboxMessage, *, worker_id: str, backend: Any) -> bool:
    """Send one claimed SMS row; mark it SENT, back to PENDING (later) or FAILED. Answers
    whether it was sent. ``backend`` is built once per round by the caller."""
    from blason.core import outbox as durable

    now = timezone.now()
    if not row.urgent and (later := quiet_until(now)) is not None:
        # The quiet hours came while it waited (a retry): it goes out when they end, and
        # this was no attempt.
        durable._mark(
            row,
            worker_id,
            state=OutboxState.PENDING,
            next_attempt_at=later,
            attempts=F("attempts") - 1,
        )
        return False
    if backend is None:
        durable._failed(row, worker_id, "SMS is off on this site (SMS_BACKEND)", final=True)
        return False
    try:
        message = render(row)
    except Exception as exc:
        logger.exception("SMS %s could not be written", row.key)
        durable._failed(row, worker_id, f"{exc.__class__.__name__}: {exc}", final=False)
        return False
    if message is None:
        durable._mark(row, worker_id, state=OutboxState.CANCELLED, sent_at=timezone.now())
        return False
    try:
        reference = backend.send(message)
    except SmsRefused as exc:
        durable._failed(row, worker_id, f"refused by the provider: {exc}", final=True)
        return False
    except SmsError as exc:
        durable._failed(row, worker_id, str(exc), final=False)
        return False
    except OSError as exc:
        durable._failed(row, worker_id, f"{exc.__class__.__name__}: {exc}", final=False)
        return False
    values: dict[str, Any] = {
        "state": OutboxState.SENT,
        "sent_at": timezone.now(),
        "last_error": "",
    }
    if reference:
        values["headers"] = {"provider_id": str(reference)}
    durable._mark(row, worker_id, **values)
    return True


def delivery_state(key: str) -> OutboxMessage | None:
    """The outbox row of the SMS recorded under ``key`` (for pages saying what was sent)."""
    return OutboxMessage.objects.filter(key=key, kind=KIND).first()


def delivery_states(keys: Iterable[str]) -> dict[str, OutboxMessage]:
    """``delivery_state`` of many keys, in one query."""
    wanted = list(keys)
    if not wanted:
        return {}
    rows = OutboxMessage.objects.filter(kind=KIND, key__in=wanted).only(
        "key", "state", "attempts", "next_attempt_at", "sent_at", "last_error"
    )
    return {row.key: row for row in rows}


def status_of(row: OutboxMessage | None, now: datetime | None = None) -> str:
    """What became of an SMS, in one word: "none" (never recorded), "deferred" (waiting for
    the end of the quiet hours), "queued", "retrying" (the provider failed; tried again),
    "sent", "failed", "refused" (a rate limit), "cancelled"."""
    if row is None:
        return "none"
    now = now or timezone.now()
    if row.state == OutboxState.PENDING:
        if row.attempts == 0 and row.next_attempt_at > now:
            return "deferred"
        return "retrying" if row.attempts else "queued"
    if row.state == OutboxState.SENDING:
        return "queued"
    return str(row.state)


def summary(topic: str) -> dict[str, int]:
    """How many SMS of ``topic`` are in each ``status_of`` state (one query)."""
    now = timezone.now()
    counts: dict[str, int] = {}
    rows = OutboxMessage.objects.filter(kind=KIND, topic=topic).only(
        "state", "attempts", "next_attempt_at"
    )
    grouped = rows.values_list("state", "attempts", "next_attempt_at")
    for state, attempts, due in grouped.iterator():
        row = OutboxMessage(state=state, attempts=attempts, next_attempt_at=due)
        name = status_of(row, now)
        counts[name] = counts.get(name, 0) + 1
    return counts


# Typographic characters with a GSM-7 stand-in: an SMS that keeps to GSM-7 holds 160
# characters instead of 70.
_GSM7_STAND_INS = str.maketrans(
    {
        "\u00a0": " ",  # no-break space (French typography)
        "\u202f": " ",  # narrow no-break space
        "\u2019": "'",
        "\u2018": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2026": "...",
    }
)


def shorten(text: str, limit: int) -> str:
    """``text`` on one line, cut to ``limit`` characters with "..." (names in an SMS, where
    every character counts)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def language(chosen: str | None) -> str:
    """The site language an SMS is written in for someone who chose ``chosen`` (a language code,
    possibly regional, or nothing): theirs when the site has it, else the site's."""
    code = (chosen or "")[:2]
    return (
        code if code in {known for known, _name in settings.LANGUAGES} else settings.LANGUAGE_CODE
    )


def gsm7_friendly(text: str) -> str:
    """``text`` with typographic characters replaced by GSM-7 ones (see ``segments``):
    French quotation marks around "Atelier" become straight ones, a no-break space a space,
    a curly apostrophe a straight one."""
    for quoted, plain in (
        ("\u00ab\u00a0", '"'),
        ("\u00ab ", '"'),
        ("\u00a0\u00bb", '"'),
        (" \u00bb", '"'),
    ):
        text = text.replace(quoted, plain)
    return text.translate(_GSM7_STAND_INS)
