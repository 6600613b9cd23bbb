"""Signing many credentials of one shape on every core of the machine.

``sign`` with a shared :class:`~obcore.fastcanon.ShapeCanonicalizer` signs several thousand
credentials a second on one core. A bulk award of 100,000 people is worth the other cores too:
``sign_many`` hands equal shares of the list to helper processes (started once, then kept for the
life of the process) while the calling process signs its own share. The helpers are started with
``forkserver``, never plain ``fork``: they begin from a fresh interpreter with ``obcore``
preloaded, so a threaded caller (a web server, a task worker) is never copied mid-operation. As
with every start method but ``fork``, Python imports the caller's main module again in each
helper: a script needs the usual ``if __name__ == "__main__":`` guard, or its helpers fail and
this process signs everything itself (console scripts such as ``blason`` have the guard).
The proofs are the same as ``sign`` makes one by one: only the work is shared out.
The helpers end with the process that started them, even one killed or leaving by
``os._exit`` (a forked job process): ``PR_SET_PDEATHSIG`` on Linux, and each helper watches its
owner every second.
"""

from __future__ import annotations

import atexit
import ctypes
import json
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime
from typing import Any

from obcore.fastcanon import ShapeCanonicalizer
from obcore.keys import KeyPair, key_from_pem
from obcore.proofs.data_integrity import sign

__all__ = ["MIN_SHARE", "BulkSigner", "sign_many"]

#: Below this many documents per process, sending them to a helper costs more than it saves.
MIN_SHARE = 50

logger = logging.getLogger(__name__)
_pool: ProcessPoolExecutor | None = None
_pool_size = 0
_pool_lock = threading.Lock()
_PR_SET_PDEATHSIG = 1  # linux/prctl.h
_WATCH_SECONDS = 1.0
# Each helper process keeps its own canonicaliser, warm after its first document of a shape.
_helper_canonicalizer = ShapeCanonicalizer()


def _helpers(count: int) -> ProcessPoolExecutor:
    global _pool, _pool_size
    with _pool_lock:
        if _pool is None or _pool_size < count:
            if _pool is not None:
                _pool.shutdown(cancel_futures=True)
            context = multiprocessing.get_context("forkserver")
            # The fork server preloads obcore, not the caller's main module (Python's default
            # preload): the helpers then start warm, whatever the caller's imports cost.
            context.set_forkserver_preload(["obcore.bulk"])
            _pool = ProcessPoolExecutor(
                max_workers=count,
                mp_context=context,
                initializer=_die_with,
                initargs=(os.getpid(),),
            )
            _pool_size = count
        return _pool


def _die_with(owner: int) -> None:
    """In each helper: end when the process that started the helpers ends, however it ends
    (a task worker killed, or a forked job process leaving with ``os._exit``, which runs no
    clean-up): the helpers would otherwise live on, holding their memory, for nothing."""
    if sys.platform.startswith("linux"):
        try:  # killed with the fork server, its parent, as soon as that one dies
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            logger.debug("prctl is not available; the helpers watch their owner", exc_info=True)

    def watch() -> None:
        while True:
            time.sleep(_WATCH_SECONDS)
            try:
                os.kill(owner, 0)
            except ProcessLookupError:
                os._exit(0)
            except PermissionError:  # another user's process took the number: ours is gone
                os._exit(0)
            if os.getppid() == 1:  # the fork server is gone
                os._exit(0)

    threading.Thread(target=watch, name="obcore-owner-watch", daemon=True).start()


def _forget_helpers() -> None:
    global _pool, _pool_size
    with _pool_lock:
        if _pool is not None:
            _pool.shutdown(wait=False, cancel_futures=True)
        _pool, _pool_size = None, 0


atexit.register(_forget_helpers)


def _compact(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def _sign_share(
    pem: bytes,
    verification_method: str,
    created: datetime | str | None,
    documents: str,
    text: bool,
    proof_list: bool = False,
) -> list[Any]:
    """What a helper process runs: its share of the documents (a JSON array), signed in order,
    as dicts or as compact JSON texts."""
    key = key_from_pem(pem)
    signed = [
        sign(
            document,
            key,
            verification_method=verification_method,
            created=created,
            canonicalizer=_helper_canonicalizer,
            proof_list=proof_list,
        )
        for document in json.loads(documents)
    ]
    return [_compact(document) for document in signed] if text else signed


class BulkSigner:
    """Signs documents handed over part by part: with ``processes`` > 1, helper processes sign
    each part while the caller goes on (building the next part, writing to a database);
    ``results`` waits for them and returns every signed document in the order given.

    ``sign_here`` signs a part in this process instead, for a caller with nothing else to do;
    ``as_completed`` and ``results`` also take back the parts no helper has started yet and
    sign them here when nothing else is ready, so that no process waits while another has
    work queued. With ``text``, each signed document
    is returned as compact JSON (``separators=(",", ":")``, UTF-8 kept): cheaper to send back
    from a helper than a dict, and what a store keeps anyway.

    The helpers are a speed-up only: if one dies (killed, out of memory, or the caller's main
    script cannot be imported again), this process signs the parts it had.
    """

    def __init__(
        self,
        key: KeyPair,
        *,
        verification_method: str,
        created: datetime | str | None = None,
        canonicalizer: ShapeCanonicalizer | None = None,
        processes: int = 1,
        text: bool = False,
        proof_list: bool = False,
    ) -> None:
        self._key = key
        self._text = text
        self._proof_list = proof_list
        self._method = verification_method
        self._created = created
        self._canonicalizer = canonicalizer
        self._helper_count = max(0, processes - 1)
        self._pem = key.private_pem() if self._helper_count else b""
        self._parts: list[tuple[list[Any], Future[list[Any]] | None]] = []

    def _sign(self, part: Sequence[dict[str, Any]]) -> list[Any]:
        signed = [
            sign(
                document,
                self._key,
                verification_method=self._method,
                created=self._created,
                canonicalizer=self._canonicalizer,
                proof_list=self._proof_list,
            )
            for document in part
        ]
        return [_compact(document) for document in signed] if self._text else signed

    def submit(self, documents: Sequence[dict[str, Any]]) -> None:
        """Hand a part over: to a helper when there are helpers and it is big enough."""
        part = list(documents)
        if not self._helper_count or len(part) < MIN_SHARE:
            self.sign_here(part)
            return
        # As JSON text: plain values only (a str subclass from the caller's framework would
        # make the helper import that framework to unpickle it), and quicker to send.
        future = _helpers(self._helper_count).submit(
            _sign_share,
            self._pem,
            self._method,
            self._created,
            json.dumps(part),
            self._text,
            self._proof_list,
        )
        self._parts.append((part, future))

    def sign_here(self, documents: Sequence[dict[str, Any]]) -> None:
        """Sign a part in this process."""
        self._parts.append((self._sign(documents), None))

    def results(self) -> list[Any]:
        """Every signed document, in the order handed over (dicts, or texts with ``text``)."""
        signed: list[Any] = [None] * sum(len(part) for part, _future in self._parts)
        for start, documents in self.as_completed():
            signed[start : start + len(documents)] = documents
        return signed

    def as_completed(self) -> Iterator[tuple[int, list[Any]]]:
        """Each part as ``(position of its first document, signed documents)`` as soon as it is
        ready, in whatever order: the caller stores what is signed while helpers sign the rest.
        When no part is ready, this process signs the last part no helper has started, rather
        than wait; it waits only when every remaining part is being signed."""
        parts = self._parts
        self._parts = []
        starts = [0]
        for part, _future in parts[:-1]:
            starts.append(starts[-1] + len(part))
        waiting = dict(enumerate(parts))
        while waiting:
            ready = [n for n, (_part, future) in waiting.items() if future is None or future.done()]
            if not ready:
                stolen = next(
                    (
                        n
                        for n in sorted(waiting, reverse=True)
                        if (entry := waiting[n][1]) is not None and entry.cancel()
                    ),
                    None,
                )
                if stolen is not None:
                    waiting[stolen] = (self._sign(waiting[stolen][0]), None)
                    ready = [stolen]
                else:
                    pending = [future for _part, future in waiting.values() if future is not None]
                    wait(pending, return_when=FIRST_COMPLETED)
                    continue
            for number in ready:
                part, future = waiting.pop(number)
                yield starts[number], self._collect(part, future)

    def _collect(self, part: list[Any], future: Future[list[Any]] | None) -> list[Any]:
        if future is None:
            return part
        try:
            return future.result()
        except BrokenProcessPool:
            logger.warning("a signing helper process failed; signing here", exc_info=True)
            _forget_helpers()
            return self._sign(part)


def sign_many(
    documents: Sequence[dict[str, Any]],
    key: KeyPair,
    *,
    verification_method: str,
    created: datetime | str | None = None,
    canonicalizer: ShapeCanonicalizer | None = None,
    processes: int = 1,
    proof_list: bool = False,
) -> list[dict[str, Any]]:
    """Sign every document (``eddsa-rdfc-2022``, as ``sign`` does), in order, using up to
    ``processes`` processes: this one and ``processes - 1`` helpers, in equal shares
    (``BulkSigner`` for documents built while others are signed).
    Documents of one shape (a bulk award) gain the most; ``canonicalizer`` serves this
    process's share."""
    documents = list(documents)
    shares = max(1, min(processes, len(documents) // MIN_SHARE))
    signer = BulkSigner(
        key,
        verification_method=verification_method,
        created=created,
        canonicalizer=canonicalizer,
        processes=shares,
        proof_list=proof_list,
    )
    size = -(-len(documents) // shares)  # ceiling: this process's share is the last, smallest
    for n in range(shares - 1):
        signer.submit(documents[n * size : (n + 1) * size])
    signer.sign_here(documents[(shares - 1) * size :])
    return signer.results()
