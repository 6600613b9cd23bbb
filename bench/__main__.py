"""Run every benchmark and compare it with its target; exit 1 when one misses.

Usage: ``python -m bench [--only NAME] [--awards N] [--holders N] [--list-awards N]
[--postgres URL] [--seconds S]``.
Each benchmark prints its median and p95 time and the number of SQL queries per call.
Benchmarks run on a throw-away SQLite database unless ``BENCH_DATABASE_URL`` points elsewhere
(for example a scratch PostgreSQL database), or ``--postgres`` names a server on which a
throw-away database is made. ``--only http`` runs the HTTP load benchmark alone
(``bench/http_load.py``: ``blason serve`` under ``wrk``), which otherwise runs last.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    name: str
    median_ms: float
    p95_ms: float
    queries: int
    target_ms: float
    max_queries: int | None

    @property
    def ok(self) -> bool:
        queries_ok = self.max_queries is None or self.queries <= self.max_queries
        return self.median_ms <= self.target_ms and queries_ok


def measure(
    name: str,
    call: Callable[[], object],
    *,
    target_ms: float,
    max_queries: int | None = None,
    repeat: int = 30,
) -> Result:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    call()  # warm-up: templates, caches
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        call()
    queries = len(captured.captured_queries)  # read now: the next requests reset the log
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return Result(
        name=name,
        median_ms=statistics.median(timings),
        p95_ms=timings[int(len(timings) * 0.95) - 1],
        queries=queries,
        target_ms=target_ms,
        max_queries=max_queries,
    )


def configure(workdir: str) -> None:
    os.environ.update(
        {
            "DOTENV_FILE": "off",
            "DEBUG": "false",
            "SECRET_KEY": "bench-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
            "KEY_ENCRYPTION_KEY": "bXvTuI4a-yAMW3Sx1m8fYw0d2d9mX0oV5QyQbGfS3zA=",
            "SITE_URL": "http://testserver",
            "EMAIL_BACKEND": "console",
            "DATA_DIR": workdir,
            "DATABASE_URL": os.environ.get(
                "BENCH_DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3"
            ),
            "DJANGO_SETTINGS_MODULE": "blason.settings",
        }
    )
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.STORAGES["staticfiles"] = {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    }
    os.makedirs(settings.STATIC_ROOT, exist_ok=True)
    call_command("compile_translations", verbosity=0)
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)


@contextlib.contextmanager
def throwaway_postgres(server: str) -> Iterator[str]:
    """A fresh database on the PostgreSQL server ``server`` (``postgres://user@host:port``),
    dropped afterwards."""
    import psycopg

    name = f"blason_bench_{os.getpid()}"
    admin = server.rstrip("/") + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield server.rstrip("/") + "/" + name
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", help="run only the benchmarks whose name contains this")
    parser.add_argument(
        "--awards",
        type=int,
        default=2_000,
        help="people in the awarding benchmark's spreadsheet (100000 for the full run)",
    )
    parser.add_argument(
        "--holders",
        type=int,
        default=10_000,
        help="people holding the pathways' badges (100000 for the full run)",
    )
    parser.add_argument(
        "--insights-awards",
        type=int,
        default=1_000_000,
        help="awards behind the dashboards of the insights benchmark (default 1000000)",
    )
    parser.add_argument(
        "--list-awards",
        type=int,
        default=1_000_000,
        help="awards of the one issuer whose award list is read (default 1000000)",
    )
    parser.add_argument(
        "--exports-awards",
        type=int,
        default=1_000_000,
        help="awards of the space whose CSV and JSON the exports benchmark downloads",
    )
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="run on a throw-away database of this PostgreSQL server (postgres://user@host:5432)",
    )
    parser.add_argument(
        "--seconds",
        type=int,
        default=30,
        help="seconds of load per page in the HTTP benchmark (default 30)",
    )
    parser.add_argument(
        "--clients", type=int, default=50, help="concurrent connections of the HTTP benchmark"
    )
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        workdir = stack.enter_context(tempfile.TemporaryDirectory(prefix="blason-bench-"))
        if args.postgres:
            os.environ["BENCH_DATABASE_URL"] = stack.enter_context(
                throwaway_postgres(args.postgres)
            )
        configure(workdir)
        from bench import (
            award_lists,
            awarding,
            claim_lists,
            exports,
            http_load,
            insights,
            pages,
            pathways,
        )

        modules: dict[str, Callable[[], list[Result]]] = {
            "pages": pages.run,
            "awarding": lambda: awarding.run(args.awards),
            "pathways": lambda: pathways.run(args.holders),
            "insights": lambda: insights.run(args.insights_awards),
            "lists": lambda: award_lists.run(args.list_awards),
            "claim-lists": lambda: claim_lists.run(args.list_awards),
            "exports": lambda: exports.run(args.exports_awards),
        }
        # --only naming a module runs it whole; otherwise it filters the benchmarks by name.
        chosen = [name for name in modules if args.only and args.only in name]
        if not args.only:
            chosen = list(modules)
        results = [
            r
            for name in chosen
            for r in modules[name]()
            if not args.only or args.only in name or args.only in r.name
        ]
        # The HTTP load runs last (it serves the database the others filled, plus the demo).
        loads: list[http_load.HttpResult] = []
        if not args.only or args.only == "http":
            loads = http_load.run(seconds=args.seconds, clients=args.clients)
    if results:
        print(f"{'benchmark':<44} {'median':>9} {'p95':>9} {'target':>9} {'queries':>8}  result")
    for r in results:
        limit = f"<={r.max_queries}" if r.max_queries is not None else ""
        print(
            f"{r.name:<44} {r.median_ms:>7.1f}ms {r.p95_ms:>7.1f}ms {r.target_ms:>7.0f}ms "
            f"{r.queries:>3}{limit:>5}  {'ok' if r.ok else 'MISSED'}"
        )
    if loads:
        http_load.report(loads)
    return 0 if all(r.ok for r in [*results, *loads]) else 1


if __name__ == "__main__":
    sys.exit(main())
