"""Background work of networks: renewing the signed lists before they expire, on the workers'
round (``core.worker.SWEEPS``)."""

from __future__ import annotations

import logging
import time

logger = logging.getLogger(__name__)

# A worker looks for lists to renew at most this often (seconds); renewing is safe to run
# twice and from several workers at once.
SWEEP_EVERY = 600.0
_last_sweep: float | None = None


def sweep(live_workers: set[str]) -> None:
    global _last_sweep
    now = time.monotonic()
    if _last_sweep is not None and now - _last_sweep < SWEEP_EVERY:
        return
    _last_sweep = now
    renew_lists()


def renew_lists() -> int:
    from blason.networks import services

    renewed = services.lists_renew_due()
    if renewed:
        logger.info("networks: %d signed list(s) renewed", renewed)
    return renewed
