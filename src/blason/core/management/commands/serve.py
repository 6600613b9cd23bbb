"""Serve Blason: the web server (gunicorn) and the task worker(s), stopped together."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Run the web server and the background worker(s) until interrupted."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=settings.BIND)
        parser.add_argument(
            "--web-workers",
            type=int,
            default=settings.WEB_CONCURRENCY,
            help="gunicorn worker processes (default: WEB_CONCURRENCY or 2)",
        )
        parser.add_argument(
            "--web-threads",
            type=int,
            default=settings.WEB_THREADS,
            help="threads per gunicorn worker process (default: WEB_THREADS or 2)",
        )
        parser.add_argument(
            "--task-workers",
            type=int,
            default=settings.TASK_WORKERS,
            help="background worker processes; 0 when workers run elsewhere (default: 1)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        python = sys.executable
        commands = [
            [
                python,
                "-m",
                "gunicorn",
                "blason.wsgi:application",
                "--bind",
                options["bind"],
                "--workers",
                str(options["web_workers"]),
                # Threads, not one request per process: a request waiting on another site
                # (verification) holds one thread, and FETCH_MAX_CONCURRENT keeps such
                # requests below the thread count, so /healthz and the pages always have a
                # free thread (docs/operations.md, "Slow remote servers").
                "--worker-class",
                "gthread",
                "--threads",
                str(options["web_threads"]),
                # A process takes a connection only when one of its threads is free, and each
                # connection carries one request (the reverse proxy keeps the visitors'
                # connections open): a busy process never holds requests that an idle one
                # could serve. Kept-alive connections stay with the process that accepted
                # them and many threads contend for one interpreter lock: with 8 threads
                # and keep-alive, one request in a hundred waited 3 to 20 times the median
                # (docs/performance.md, "Serving").
                "--worker-connections",
                str(options["web_threads"]),
                "--keep-alive",
                "0",
                "--access-logfile",
                "-",
                "--no-control-socket",  # one less file in $HOME; Blason does not use it
                "--forwarded-allow-ips",
                settings.FORWARDED_ALLOW_IPS,
            ]
        ]
        for number in range(options["task_workers"]):
            commands.append([python, "-m", "blason", "worker", "--worker-id", f"local-{number}"])
        if options["web_threads"] <= settings.FETCH_MAX_CONCURRENT:
            self.stderr.write(
                f"Warning: FETCH_MAX_CONCURRENT ({settings.FETCH_MAX_CONCURRENT}) is not below "
                f"the threads per process ({options['web_threads']}): slow remote servers could "
                "hold every thread (see docs/operations.md, Slow remote servers)."
            )
        processes = [subprocess.Popen(command) for command in commands]  # noqa: S603
        scheme_host = options["bind"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Blason is running on http://{scheme_host} with {options['task_workers']} task "
                f"worker(s) (DEBUG={settings.DEBUG}). Press Ctrl+C to stop."
            )
        )
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        failed = None
        while not stopping:
            for process, command in zip(processes, commands, strict=True):
                if process.poll() is not None:
                    failed = (command, process.returncode)
                    stopping = True
            time.sleep(0.3)
        for process in processes:
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + 15
        for process in processes:
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                process.kill()
        if failed:
            raise CommandError(f"{' '.join(failed[0][2:4])} stopped with exit code {failed[1]}")
