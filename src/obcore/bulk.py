"""Signing many credentials of one shape on every core of the machine.

Why one module of over 400 lines: the helper processes, what is sent to them and what they
send back are one protocol (the pool, the slot values, the signed text); the fallbacks — a
helper that dies, a shape that cannot serve — sit beside what they stand in for.

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
Documents signed as text (what a store keeps) go to the helpers as their shape's slot values
(``ShapeCanonicalizer.slot_values``) rather than whole: a helper writes each document's JSON
from its shape's text, filling the slots with the values' JSON strings, and canonicalises it
from the values; the text is the same as ``json.dumps`` of the signed document gives.
The helpers end with the process that started them, even one killed or leaving by
``os._exit`` (a forked job process): ``PR_SET_PDEATHSIG`` on Linux, and each helper watches its
owner every second.
"""

from __future__ import annotations

import atexit
import ctypes
import functools
import hashlib
import json
import logging
import multiprocessing
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime
from json.encoder import encode_basestring
from typing import Any

from obcore.fastcanon import ShapeCanonicalizer
from obcore.keys import KeyPair, b58encode, key_from_pem
from obcore.proofs.data_integrity import RDFC, _proof_config, _timestamp, sign

__all__ = ["MIN_SHARE", "BulkSigner", "Shaped", "sign_many", "text_shape"]

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


_SLOT_TEXT = re.compile(r'"urn:obcore:slot:(\d+)"')
_pieces_cache: dict[str, list[str] | None] = {}


def _has_float(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_has_float(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_float(v) for v in value)
    return isinstance(value, float)


def _pieces(shape: str) -> list[str] | None:
    """The shape's compact JSON cut at its slots: the text of a document of this shape is the
    pieces joined by its values' JSON strings. None when that would not be the text
    ``json.dumps`` gives (a slot token elsewhere than as a whole value, a number written
    otherwise — ``-0.0`` matches ``0.0`` —, a ``proof`` already there, an empty object)."""
    if shape in _pieces_cache:
        return _pieces_cache[shape]
    if len(_pieces_cache) >= 256:
        _pieces_cache.clear()
    parts = _SLOT_TEXT.split(shape)
    pieces: list[str] | None = parts[0::2]
    numbers = [int(number) for number in parts[1::2]]
    shaped = json.loads(shape)
    if (
        numbers != list(range(len(numbers)))
        or shape.count("urn:obcore:slot:") != len(numbers)
        or not isinstance(shaped, dict)
        or not shaped
        or "proof" in shaped
        or _has_float(shaped)
    ):
        pieces = None
    _pieces_cache[shape] = pieces
    return pieces


def text_shape(shape: str) -> bool:
    """Can documents of ``shape`` (``ShapeCanonicalizer.slot_values``' compact JSON) be signed
    as text from their slot values (``BulkSigner.submit_shaped``)? See ``_pieces``."""
    return _pieces(shape) is not None


class Shaped(tuple[str, list[str]]):
    """A document given as its shape (compact JSON, ``ShapeCanonicalizer.slot_values``) and
    its slot values (plain ``str``), for ``BulkSigner.submit_shaped``: a caller that makes
    many documents of a few shapes builds their values directly, without building each
    document and extracting its values again."""

    __slots__ = ()

    def __new__(cls, shape: str, values: list[str]) -> Shaped:
        return tuple.__new__(cls, (shape, values))


def _fill(pieces: list[str], values: list[str]) -> str:
    out = [""] * (2 * len(pieces) - 1)  # the pieces with the values' JSON strings between them
    out[0::2] = pieces
    out[1::2] = map(encode_basestring, values)  # ValueError unless one value per slot
    return "".join(out)


def _sign_text(
    document: dict[str, Any] | None,
    key: KeyPair,
    verification_method: str,
    created: datetime | str | None,
    canonicalizer: ShapeCanonicalizer | None,
    proof_list: bool,
    slots: tuple[str, list[str], str] | None = None,
) -> str:
    """``_compact(sign(document, ...))`` for an ``eddsa-rdfc-2022`` proof, made without copying
    the document (nothing is kept of it) and, with ``slots`` (shape, values, unsigned text),
    from its slot values."""
    plain = key.algorithm == "Ed25519" and key.private_key is not None and canonicalizer
    if slots is None or not plain:
        if document is None:
            document = json.loads(slots[2]) if slots else {}
        if "proof" in document or not document or not plain:
            return _compact(
                sign(
                    document,
                    key,
                    verification_method=verification_method,
                    created=created,
                    canonicalizer=canonicalizer,
                    proof_list=proof_list,
                )
            )
    options, head, tail = _proof_parts(_timestamp(created), verification_method, proof_list)
    assert canonicalizer is not None
    if slots is None and document is not None:  # its text and values as a helper gets them
        found = canonicalizer.slot_values(document)
        pieces = _pieces(found[0]) if found is not None else None
        if found is not None and pieces is not None:
            slots = (found[0], found[1], _fill(pieces, found[1]))
    if slots is not None:
        shape, values, unsigned = slots
        config_digest = _config_digest(canonicalizer, shape, options)
        canonical = canonicalizer.canonicalize_slots(shape, values, lambda: json.loads(unsigned))
    else:
        assert document is not None
        config_digest = canonicalizer.digest_once(_proof_config(options, document))
        canonical = canonicalizer.canonicalize(document)
        unsigned = _compact(document)
    signature = key.sign(config_digest + hashlib.sha256(canonical.encode()).digest())
    # ``{**document, "proof": ...}`` as compact JSON: the document's text, then the proof.
    return f"{unsigned[:-1]}{head}{b58encode(signature)}{tail}"


@functools.lru_cache(maxsize=64)  # a batch signs every credential with the same options
def _proof_parts(
    created: str, verification_method: str, proof_list: bool
) -> tuple[dict[str, Any], str, str]:
    """The proof options, and the signed text's end cut around the proof value's base58
    digits: ``,"proof":{…,"proofValue":"z`` and ``"}}`` (``"}]}`` with ``proof_list``)."""
    options: dict[str, Any] = {
        "type": "DataIntegrityProof",
        "cryptosuite": RDFC,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }
    proof = {**options, "proofValue": "z"}
    text = ',"proof":' + _compact([proof] if proof_list else proof) + "}"  # type: ignore[arg-type]
    head, marker, tail = text.rpartition('"proofValue":"z"')
    return options, head + marker[:-1], '"' + tail


_config_digests: dict[tuple[str, str, str], bytes] = {}


def _config_digest(canonicalizer: ShapeCanonicalizer, shape: str, options: dict[str, Any]) -> bytes:
    """SHA-256 of the canonical proof configuration of documents of ``shape`` (the options with
    the shape's ``@context``), remembered by the shape and the options' varying values."""
    key = (shape, options["created"], options["verificationMethod"])
    digest = _config_digests.get(key)
    if digest is None:
        context = _shape_context(shape)
        config = {**options, "@context": context[0]} if context else dict(options)
        if len(_config_digests) >= 256:
            _config_digests.clear()
        digest = _config_digests[key] = canonicalizer.digest_once(config)
    return digest


_contexts: dict[str, tuple[Any, ...]] = {}
_last_key: tuple[bytes, KeyPair] | None = None


def _helper_key(pem: bytes) -> KeyPair:
    """The key of a helper's part, read once for the parts that follow with the same key."""
    global _last_key
    if _last_key is None or _last_key[0] != pem:
        _last_key = (pem, key_from_pem(pem))
    return _last_key[1]


def _shape_context(shape: str) -> tuple[Any, ...]:
    """The shape's ``@context`` (kept as it is in a shape), as a 1-tuple, or () without one."""
    if shape not in _contexts:
        if len(_contexts) >= 256:
            _contexts.clear()
        shaped = json.loads(shape)
        _contexts[shape] = (shaped["@context"],) if "@context" in shaped else ()
    return _contexts[shape]


def _sign_slots(
    pem: bytes,
    verification_method: str,
    created: datetime | str | None,
    shapes: list[str],
    items: list[tuple[int, list[str]] | str],
    proof_list: bool,
) -> list[str]:
    """What a helper process runs for documents signed as text: each item is a shape's number
    in ``shapes`` and the document's slot values, or a whole document as JSON."""
    key = _helper_key(pem)
    out = []
    for item in items:
        if isinstance(item, str):
            out.append(
                _sign_text(
                    json.loads(item),
                    key,
                    verification_method,
                    created,
                    _helper_canonicalizer,
                    proof_list,
                )
            )
            continue
        number, values = item
        shape = shapes[number]
        pieces = _pieces(shape)
        assert pieces is not None  # checked by the sender
        slots = (shape, values, _fill(pieces, values))
        out.append(
            _sign_text(
                None, key, verification_method, created, _helper_canonicalizer, proof_list, slots
            )
        )
    return out


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
    key = _helper_key(pem)
    if text:
        return [
            _sign_text(
                document, key, verification_method, created, _helper_canonicalizer, proof_list
            )
            for document in json.loads(documents)
        ]
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

    def _sign(self, part: Sequence[dict[str, Any] | Shaped]) -> list[Any]:
        if self._text:
            return [
                _sign_text(
                    document,
                    self._key,
                    self._method,
                    self._created,
                    self._canonicalizer,
                    self._proof_list,
                )
                if not isinstance(document, Shaped)
                else self._sign_shaped(document)
                for document in part
            ]
        signed = [
            sign(
                document,  # type: ignore[arg-type]  # Shaped parts are signed as text only
                self._key,
                verification_method=self._method,
                created=self._created,
                canonicalizer=self._canonicalizer,
                proof_list=self._proof_list,
            )
            for document in part
        ]
        return [_compact(document) for document in signed] if self._text else signed

    def _sign_shaped(self, item: Shaped) -> str:
        shape, values = item
        pieces = _pieces(shape)
        assert pieces is not None  # checked by ``submit_shaped``
        slots = (shape, values, _fill(pieces, values))
        return _sign_text(
            None,
            self._key,
            self._method,
            self._created,
            self._canonicalizer,
            self._proof_list,
            slots,
        )

    def submit_shaped(self, items: Sequence[dict[str, Any] | Shaped]) -> None:
        """``submit`` for documents given as ``Shaped`` (shape and slot values) or whole, for a
        signer with ``text`` and a canonicaliser; each shape must pass ``text_shape``. The
        texts are the ones ``submit`` gives for the same documents."""
        if not self._text or self._canonicalizer is None:
            raise ValueError("documents given by their slot values are signed as text only")
        part = list(items)
        for item in part:
            if isinstance(item, Shaped) and _pieces(item[0]) is None:
                raise ValueError("this shape cannot be signed as text from its slot values")
        if not self._helper_count or len(part) < MIN_SHARE:
            self.sign_here(part)
            return
        self._submit_slots(part)

    def _submit_slots(self, part: list[Any]) -> None:
        """Hand ``part`` to a helper as its shapes and slot values (``_slots``)."""
        future = _helpers(self._helper_count).submit(
            _sign_slots,
            self._pem,
            self._method,
            self._created,
            *self._slots(part),
            self._proof_list,
        )
        self._parts.append((part, future))

    def submit(self, documents: Sequence[dict[str, Any]]) -> None:
        """Hand a part over: to a helper when there are helpers and it is big enough."""
        part = list(documents)
        if not self._helper_count or len(part) < MIN_SHARE:
            self.sign_here(part)
            return
        if self._text and self._canonicalizer is not None:
            self._submit_slots(part)
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

    def _slots(
        self, part: Sequence[dict[str, Any] | Shaped]
    ) -> tuple[list[str], list[tuple[int, list[str]] | str]]:
        """The part as its shapes and, per document, its shape's number and slot values
        (plain ``str``: a framework's str subclass would not unpickle in a helper), or the
        whole document as JSON when its shape cannot serve. ``Shaped`` items are sent as
        they are (their values already plain)."""
        assert self._canonicalizer is not None
        shapes: dict[str, int] = {}
        items: list[tuple[int, list[str]] | str] = []
        for document in part:
            if isinstance(document, Shaped):
                shape, shaped_values = document
                items.append((shapes.setdefault(shape, len(shapes)), shaped_values))
                continue
            found = self._canonicalizer.slot_values(document)
            if found is None or _pieces(found[0]) is None:
                items.append(json.dumps(document))
                continue
            shape, values = found
            number = shapes.setdefault(shape, len(shapes))
            items.append((number, [str.__str__(value) for value in values]))
        return list(shapes), items

    def sign_here(self, documents: Sequence[dict[str, Any] | Shaped]) -> None:
        """Sign a part in this process (``Shaped`` items only with ``text``)."""
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
