"""Shared fixtures: a small world of issuers and people, a real SMTP server, settings for tests."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email import policy as email_policy
from email.message import Message
from typing import Any

import pytest
from django.conf import settings

from tests.factories import BadgeFactory, IssuerFactory, MembershipFactory, UserFactory

IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_configure(config: pytest.Config) -> None:
    from blason.core.i18n import compile_catalogues

    if compile_catalogues():  # .mo files are build products, not committed
        # Django may have loaded (empty) catalogues while starting: make it read them again.
        import gettext

        from asgiref.local import Local
        from django.utils.translation import trans_real

        gettext._translations.clear()  # type: ignore[attr-defined]  # the stdlib's .mo cache
        trans_real._translations = {}
        trans_real._default = None
        trans_real._active = Local()
    # Static files come from the app folders in tests (no collectstatic step needed).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "test-pages",
        },
    }
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # SMS are kept in blason.core.sms.outbox (like django.core.mail.outbox).
    settings.SMS_BACKEND = "blason.core.sms.backends.locmem.SmsBackend"
    # Sent at any hour, so a test does not depend on when it runs; the quiet-hour tests set
    # SMS_QUIET_HOURS and a fixed clock.
    settings.SMS_QUIET_HOURS = None


def require_or_skip(reason: str) -> None:
    """Skip on a developer's machine; fail in CI, where every real part must be there."""
    if IN_CI:
        pytest.fail(f"{reason} (required when CI=true)")
    pytest.skip(reason)


# Held by the SQLite live server while it answers a request: a test that works on the database
# in its own thread while pages poll (the batch test runs a task worker) holds it too.
LIVE_SERVER_LOCK = threading.RLock()


@pytest.fixture(scope="session", autouse=True)
def _one_request_at_a_time_on_sqlite() -> Iterator[None]:
    """On SQLite the test database lives in memory in shared-cache mode, where a write locks a
    whole table and a concurrent request fails at once with "database table is locked" (busy
    timeouts do not apply there). Several phones polling a workshop while others vote made that
    happen now and then; the live server then serves one request at a time (Django closes each
    connection, so no browser holds it). On PostgreSQL the server stays threaded. The live server
    lives for the whole session and the first test to ask for it starts it (API and interop
    tests come before the browser's), so this is set up here, before any of them."""
    from django.conf import settings
    from django.core.servers.basehttp import WSGIServer
    from django.test.testcases import LiveServerThread

    if not settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        yield
        return

    class OneAtATime(WSGIServer):
        # The live server's thread already uses the test's connections: nothing to pass on.
        def __init__(self, *args: Any, connections_override: Any = None, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)

        def process_request(self, request: Any, client_address: Any) -> None:
            with LIVE_SERVER_LOCK:
                super().process_request(request, client_address)

    threaded = LiveServerThread.server_class
    LiveServerThread.server_class = OneAtATime
    yield
    LiveServerThread.server_class = threaded


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _sms_outbox() -> Iterator[None]:
    """Every test starts with an empty SMS outbox (the locmem backend's list)."""
    from blason.core import sms

    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    from django.core.cache import cache, caches

    yield
    cache.clear()
    caches["pages"].clear()
    from blason.verification.fetching import CHECKED_PROOFS, REMOTE_DOCUMENTS

    REMOTE_DOCUMENTS.clear()
    CHECKED_PROOFS.clear()


class _RsaKeys:
    """RSA-2048 keys made once per test process and handed out again in each test.

    Every issuer gets an RSA key when it is created (``blason.issuing.signing.keys``); making one
    costs 40-90 ms and the tests make thousands of issuers. Each test draws from the first key on,
    making a new one when it has used all the others: two issuers of one test never share a
    key, and a key is handed out again only in another test (whose database starts afresh).
    """

    def __init__(self) -> None:
        self._keys: list[Any] = []
        self._next = 0
        self._lock = threading.Lock()  # the live server's threads make issuers too

    def restart(self) -> None:
        with self._lock:
            self._next = 0

    def take(self, generate: Any) -> Any:
        with self._lock:
            if self._next == len(self._keys):
                self._keys.append(generate("RSA"))
            self._next += 1
            return self._keys[self._next - 1]


_RSA_KEYS = _RsaKeys()
_DATABASE_FIXTURES = {"_django_db_helper", "db", "transactional_db", "live_server"}


@pytest.fixture(autouse=True)
def _rsa_keys_made_once(request: pytest.FixtureRequest, monkeypatch: Any) -> None:
    """Issuers made in a test (which uses the database) get their RSA key from ``_RSA_KEYS``;
    the tests of key generation itself (``tests/obcore``) use no database and are unchanged.
    Fixtures broader than a test (a module's world) are made before this and get new keys."""
    if not _DATABASE_FIXTURES & set(request.fixturenames):
        return
    from obcore import keys

    generate = keys.generate_key
    _RSA_KEYS.restart()

    def generate_key(algorithm: Any = "Ed25519", *, rsa_bits: int = 2048) -> Any:
        if algorithm == "RSA" and rsa_bits == 2048:
            return _RSA_KEYS.take(generate)
        return generate(algorithm, rsa_bits=rsa_bits)

    monkeypatch.setattr(keys, "generate_key", generate_key)


@pytest.fixture(autouse=True)
def _rome_occupations(request: pytest.FixtureRequest) -> None:
    """A transactional test (a browser test's live server) empties every table when it ends,
    the ROME 4.0 occupations a data migration loaded included: the next one gets them back."""
    if not {"transactional_db", "live_server"} & set(request.fixturenames):
        return
    request.getfixturevalue("transactional_db")
    from blason.jobs.models import Occupation
    from blason.jobs.services import occupations_sync

    if not Occupation.objects.exists():
        occupations_sync(model=Occupation)


@dataclass
class World:
    """Two organisations. ``admin`` owns A, ``member`` is a viewer in A, ``outsider`` is in B."""

    org_a: Any
    org_b: Any
    admin: Any
    member: Any
    outsider: Any
    badge_a: Any
    badge_b: Any


@pytest.fixture
def world(db: Any) -> World:
    admin = UserFactory(email="alice@example.org", display_name="Alice")
    member = UserFactory(email="bob@example.org", display_name="Bob")
    outsider = UserFactory(email="charlie@example.org", display_name="Charlie")
    org_a = IssuerFactory(name="Organisation A", slug="org-a")
    org_b = IssuerFactory(name="Organisation B", slug="org-b")
    MembershipFactory(issuer=org_a, user=admin, role="owner")
    MembershipFactory(issuer=org_a, user=member, role="viewer")
    MembershipFactory(issuer=org_b, user=outsider, role="owner")
    return World(
        org_a=org_a,
        org_b=org_b,
        admin=admin,
        member=member,
        outsider=outsider,
        badge_a=BadgeFactory(issuer=org_a, name="Badge A"),
        badge_b=BadgeFactory(issuer=org_b, name="Badge B"),
    )


@dataclass
class SmtpSink:
    host: str
    port: int
    messages: list[Message] = field(default_factory=list)

    def wait_for(self, count: int = 1, timeout: float = 15.0) -> list[Message]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(self.messages) >= count, f"expected {count} e-mail(s), got {len(self.messages)}"
        return self.messages


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[SmtpSink]:
    """A real SMTP server on loopback (aiosmtpd); Django sends to it through its SMTP backend."""
    from aiosmtpd.controller import Controller

    sink = SmtpSink(host="127.0.0.1", port=_free_port())
    lock = threading.Lock()

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            with lock:
                sink.messages.append(
                    message_from_bytes(envelope.original_content, policy=email_policy.default)
                )
            return "250 OK"

    controller = Controller(Handler(), hostname=sink.host, port=sink.port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = sink.host
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield sink
    finally:
        controller.stop()


def message_text(message: Message) -> str:
    """The text/plain body of an e-mail, decoded."""
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode(part.get_content_charset() or "utf-8")
    raise AssertionError("no text/plain part")


BADGE_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
    '<circle cx="50" cy="50" r="45" fill="#1f4fb8"/></svg>'
)


@pytest.fixture
def published(world: Any) -> Any:
    """A published badge of organisation A, with an SVG image."""
    from blason.issuing.badges.services import badge_create

    return badge_create(
        issuer=world.org_a,
        actor=world.admin,
        name="Accueil du public",
        description="Accueillir et orienter.",
        criteria="Observé trois fois.",
        criteria_items=["Accueille", "Oriente"],
        image_svg=BADGE_SVG,
        status="published",
    )
