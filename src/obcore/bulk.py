"""Signing many credentials of one shape on every core of the machine.

``sign`` with a shared :class:`~obcore.fastcanon.ShapeCanonicalizer` signs several thousand
credentials a second on one core. A bulk award of 100,000 people is worth the other cores too:
``sign_many`` hands equal shares of the list to helper processes (started once, then kept for the
life of the process) while the calling process signs its own share. The helpers are started with
``forkserver``, never plain ``fork``: they begin from a clean interpreter that imports only
``obcore``, so a threaded caller (a web server, a task worker) is never copied mid-operation.
The proofs are the same as ``sign`` makes one by one: only the work is shared out.
"""

from __future__ import annotations

import atexit
import json
import multiprocessing
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import datetime
from typing import Any

from obcore.fastcanon import ShapeCanonicalizer
from obcore.keys import KeyPair, key_from_pem
from obcore.proofs.data_integrity import sign

__all__ = ["MIN_SHARE", "sign_many"]

#: Below this many documents per process, sending them to a helper costs more than it saves.
MIN_SHARE = 50

_pool: ProcessPoolExecutor | None = None
_pool_size = 0
_pool_lock = threading.Lock()
# Each helper process keeps its own canonicaliser, warm after its first document of a shape.
_helper_canonicalizer = ShapeCanonicalizer()


def _helpers(count: int) -> ProcessPoolExecutor:
    global _pool, _pool_size
    with _pool_lock:
        if _pool is None or _pool_size != count:
            if _pool is not None:
                _pool.shutdown(cancel_futures=True)
            context = multiprocessing.get_context("forkserver")
            # Only obcore is loaded in the server the helpers are forked from: not the
            # caller's main script (the default), which may not be safe to import twice.
            context.set_forkserver_preload(["obcore.bulk"])
            _pool = ProcessPoolExecutor(max_workers=count, mp_context=context)
            _pool_size = count
        return _pool


@atexit.register
def _stop_helpers() -> None:
    if _pool is not None:
        _pool.shutdown(cancel_futures=True)


def _sign_share(
    pem: bytes, verification_method: str, created: datetime | str | None, documents: str
) -> list[dict[str, Any]]:
    """What a helper process runs: its share of the documents (a JSON array), signed in order."""
    key = key_from_pem(pem)
    return [
        sign(
            document,
            key,
            verification_method=verification_method,
            created=created,
            canonicalizer=_helper_canonicalizer,
        )
        for document in json.loads(documents)
    ]


def sign_many(
    documents: Sequence[dict[str, Any]],
    key: KeyPair,
    *,
    verification_method: str,
    created: datetime | str | None = None,
    canonicalizer: ShapeCanonicalizer | None = None,
    processes: int = 1,
) -> list[dict[str, Any]]:
    """Sign every document (``eddsa-rdfc-2022``, as ``sign`` does), in order, using up to
    ``processes`` processes: this one and ``processes - 1`` helpers. Documents of one shape
    (a bulk award) gain the most; ``canonicalizer`` serves this process's share."""
    documents = list(documents)
    shares = max(1, min(processes, len(documents) // MIN_SHARE))

    def sign_here(part: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            sign(
                document,
                key,
                verification_method=verification_method,
                created=created,
                canonicalizer=canonicalizer,
            )
            for document in part
        ]

    if shares == 1:
        return sign_here(documents)
    pem = key.private_pem()
    size = -(-len(documents) // shares)  # ceiling: the caller's share is the last, smallest
    pool = _helpers(shares - 1)
    sent: list[Future[list[dict[str, Any]]]] = [
        # As JSON text: plain values only (a str subclass from the caller's framework would
        # make the helper import that framework to unpickle it), and quicker to send.
        pool.submit(
            _sign_share,
            pem,
            verification_method,
            created,
            json.dumps(documents[n * size : (n + 1) * size]),
        )
        for n in range(shares - 1)
    ]
    mine = sign_here(documents[(shares - 1) * size :])
    signed = [document for future in sent for document in future.result()]
    return signed + mine
