"""A real ``blason worker`` stops promptly on SIGTERM in every state (starting, idle, in the
middle of a bulk award and of its e-mails), on both queue backends; it leaves no process, no
heartbeat and no Redis registration behind, and a new worker finishes its work."""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.blason.test_delivery_faults import SETUP, _marked_processes, _report
from tests.blason.test_worker import process_env, redis_url, run, stop, worker_database

__all__ = ["redis_url", "worker_database"]  # fixtures used by name

PEOPLE = 600
PROMPT = 10.0  # seconds: a SIGTERM'd worker is gone within this (it takes 1-3 s here)


def _heartbeats(database: str) -> list[str]:
    """The worker ids with a heartbeat row, read straight from the database (quick enough to
    catch a worker while it starts)."""
    query = "SELECT worker_id FROM core_workerheartbeat"
    if database.startswith("sqlite:///"):
        import sqlite3

        path = database.removeprefix("sqlite:///")
        if not Path(path).exists():
            return []
        with contextlib.closing(sqlite3.connect(path, timeout=10)) as conn:
            try:
                return [row[0] for row in conn.execute(query)]
            except sqlite3.OperationalError:  # not migrated yet
                return []
    import psycopg

    with psycopg.connect(database) as conn:
        return [row[0] for row in conn.execute(query)]


def _rq_workers(url: str) -> list[str]:
    import redis
    from rq import Worker

    return [worker.name for worker in Worker.all(connection=redis.Redis.from_url(url))]


def _stop_in(
    state: str, tmp_path: Path, smtp: Any, database: str, redis: str | None = None
) -> None:
    mark = uuid.uuid4().hex
    extra = {"REDIS_URL": redis} if redis else {}
    env = process_env(
        database,
        tmp_path,
        smtp,
        WORKER_HEARTBEAT_SECONDS="1",
        WORKER_DEAD_SECONDS="3",
        SIGNING_PROCESSES="2",
        BLASON_TEST_MARK=mark,
        **extra,
    )
    run(["-m", "blason", "migrate", "-v0"], env)
    batch = ""
    if state == "busy":
        setup = subprocess.run(
            [sys.executable, "-c", SETUP, str(PEOPLE)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
            cwd=Path(__file__).parents[2],
        )
        assert setup.returncode == 0, setup.stderr
        batch = setup.stdout.strip().splitlines()[-1]
    log_path = tmp_path / "workers.log"
    log = log_path.open("wb")

    def start(name: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "blason", "worker", "--worker-id", name],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    worker = start("stopped")
    second = None
    try:
        if state == "starting":
            # Its heartbeat is written: the queue's own worker is starting (Redis: registering).
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not _heartbeats(database):
                time.sleep(0.05)
        elif state == "idle":
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not (
                _heartbeats(database) and (not redis or _rq_workers(redis))
            ):
                time.sleep(0.2)
            assert _heartbeats(database), log_path.read_text(errors="replace")
            time.sleep(1.5)  # in its wait for work
        else:
            smtp.wait_for(20, timeout=60)  # awarding the second chunk, sending the first
        worker.send_signal(signal.SIGTERM)
        sent_at = time.monotonic()
        try:
            code = worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the worker ignored SIGTERM ({state}) for 30 s")
        took = time.monotonic() - sent_at
        sys.stderr.write(f"{state}: stopped {took:.1f} s after SIGTERM, exit code {code}\n")
        assert took < PROMPT, f"the worker took {took:.1f} s to stop ({state})"
        # Nothing of it is left: no process (job and signing helpers included), no heartbeat,
        # no Redis registration.
        deadline = time.monotonic() + 5
        while _marked_processes(mark) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _marked_processes(mark) == []
        assert _heartbeats(database) == []
        if redis:
            assert _rq_workers(redis) == []
        if state != "busy":
            return
        # A new worker finishes the work: every award once, every e-mail sent.
        second = start("stopped")  # the same name: the stopped worker did not keep it
        smtp.wait_for(PEOPLE, timeout=90)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            report = _report(env, batch)
            if report["status"] == "done" and report["outbox"] == {"sent": PEOPLE}:
                break
            time.sleep(0.5)
        assert report["status"] == "done", report
        assert report["awards"] == PEOPLE, report
        assert report["doubled"] == 0, report
        assert report["outbox"] == {"sent": PEOPLE}, report
        assert {message["To"] for message in smtp.messages} == {
            f"p{n}@example.org" for n in range(PEOPLE)
        }
    except BaseException:
        log.flush()
        sys.stderr.write(log_path.read_text(errors="replace")[-6000:])
        raise
    finally:
        stop(worker, second)
        log.close()


STATES = ["starting", "idle", "busy"]


@pytest.mark.timeout(240)
@pytest.mark.no_cover  # timing: measured without the tracer
@pytest.mark.parametrize("state", STATES)
def test_database_worker_stops_promptly_on_sigterm(
    state: str, tmp_path: Path, smtp_server: Any, worker_database: str
) -> None:
    _stop_in(state, tmp_path, smtp_server, worker_database)


@pytest.mark.redis
@pytest.mark.timeout(240)
@pytest.mark.no_cover  # timing: measured without the tracer
@pytest.mark.parametrize("state", STATES)
def test_redis_worker_stops_promptly_on_sigterm(
    state: str, tmp_path: Path, smtp_server: Any, worker_database: str, redis_url: str
) -> None:
    _stop_in(state, tmp_path, smtp_server, worker_database, redis_url)
