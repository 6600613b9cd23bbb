"""The RQ worker class of ``blason worker`` (Redis backend): its job processes die with it,
and it stops within seconds.

RQ runs each job in a forked "work horse" in a process group of its own, so killing the worker
(even its whole process group) would leave the job running with nobody watching it, and its
signing helpers with it. Here the work horse asks Linux to kill it when its worker dies; the
worker's heartbeat stops too, and another worker takes the job's work back
(``blason.core.worker``).

On SIGTERM (or SIGINT) RQ itself only stops taking jobs and waits for the running one to end:
minutes for a spreadsheet award, or for ever when it hangs. Here the work horse is told too
(SIGTERM, which RQ's own horse would die of at once, mid-e-mail): its job returns at its next
step (``blason.core.worker.stop_requested``), and it is killed if it is still running
``STOP_GRACE_SECONDS`` later. Either way the worker then registers its death in Redis and
exits; the work left is taken back as a dead worker's.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import sys
import time
from types import FrameType
from typing import Any

from rq import Worker as RQWorker

from blason.core import worker as supervision

logger = logging.getLogger(__name__)
_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_parent() -> None:
    """Be killed (SIGKILL) when the parent process ends (Linux; elsewhere, nothing)."""
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        logger.debug("prctl is not available", exc_info=True)
        return
    if os.getppid() != parent:  # the parent died before the request: follow it now
        os._exit(1)


def _stop_job(signum: int, frame: FrameType | None) -> None:
    supervision.request_stop()


class Worker(RQWorker):
    _stop_asked_at: float | None = None

    def main_work_horse(self, *args: Any, **kwargs: Any) -> None:
        die_with_parent()
        super().main_work_horse(*args, **kwargs)

    def setup_work_horse_signals(self) -> None:
        """In the work horse: Ctrl+C reaches the whole group, the worker decides; SIGTERM (from
        the worker) asks the job to return at its next step."""
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, _stop_job)

    def bootstrap(self, *args: Any, **kwargs: Any) -> None:
        """Registration, undone if a signal stops the worker before its work loop (RQ's
        ``teardown`` only covers the loop): no live-looking registration is left behind."""
        try:
            super().bootstrap(*args, **kwargs)
        except BaseException:
            try:
                self.register_death()  # type: ignore[no-untyped-call]
            except Exception:
                logger.warning("could not unregister worker %s", self.name, exc_info=True)
            raise

    def handle_warm_shutdown_request(self) -> None:
        """First SIGTERM/SIGINT: the job (if any) is asked to return, and watched closely."""
        super().handle_warm_shutdown_request()  # type: ignore[no-untyped-call]
        supervision.request_stop()
        self._stop_asked_at = time.monotonic()
        # RQ looks at its horse every ``job_monitoring_interval`` (30 s): every second from now
        # on (a horse forked after this signal starts with the stop already asked).
        self.job_monitoring_interval = 1
        if self.horse_pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.horse_pid, signal.SIGTERM)  # the horse only, not its helpers
            # The wait under way too (its alarm is RQ's, when one is set).
            if signal.getsignal(signal.SIGALRM) not in (signal.SIG_DFL, signal.SIG_IGN, None):
                signal.alarm(1)

    def maintain_heartbeats(self, *args: Any, **kwargs: Any) -> None:
        """Called while the horse runs (never after it was reaped, so its pid is still its):
        past the grace period of a stop, the horse and its process group are killed."""
        asked = self._stop_asked_at
        if asked is not None and time.monotonic() - asked > supervision.STOP_GRACE_SECONDS:
            logger.warning("worker %s: the job did not stop in time; killing it", self.name)
            self.kill_horse()  # SIGKILL to its process group; RQ reaps it and fails the job
            self._stop_asked_at = None
        super().maintain_heartbeats(*args, **kwargs)
