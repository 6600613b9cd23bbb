"""SVG drawn as PNG once, in a separate process with a time and a memory limit, and kept.

resvg never runs in a web process: an SVG that needs seconds or gigabytes to draw (nested
``<use>``, huge sizes) would hold a worker for every request, or abort it. Each drawing runs in
a child process (``svg_to_png.py``) limited in wall time, CPU time and address space; the PNG is
kept in the file storage under the digest of the SVG and its size, so an image is drawn once
whoever asks and however often. A drawing that failed is remembered for an hour (in the cache):
a hostile image costs one bounded attempt an hour, not one per request.
"""

from __future__ import annotations

import hashlib
import logging
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

logger = logging.getLogger(__name__)

TIME_LIMIT = 10  # seconds, wall clock and CPU
MEMORY_LIMIT = 768 * 1024 * 1024  # bytes of address space for the drawing process
MAX_PNG_BYTES = 16 * 1024 * 1024
FAILURE_MEMORY = 3600  # seconds a failed drawing is not tried again
CHILD = Path(__file__).with_name("svg_to_png.py")
STORAGE_FOLDER = "renders"


class RenderFailed(Exception):
    """The SVG could not be drawn within the limits; ``reason`` is "time", "memory" or "invalid"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def draw(svg: bytes, *, width: int, height: int) -> bytes:
    """Draw ``svg`` as a PNG of ``width`` by ``height`` in a limited child process, every time."""
    command = [
        sys.executable,
        "-I",  # isolated: no environment variables, no user site, not the current folder
        str(CHILD),
        str(width),
        str(height),
        str(MEMORY_LIMIT),
        str(TIME_LIMIT),
    ]
    try:
        done = subprocess.run(  # noqa: S603 - our own script, fixed arguments
            command, input=svg, capture_output=True, timeout=TIME_LIMIT, check=False
        )
    except subprocess.TimeoutExpired:
        raise RenderFailed("time") from None
    if (
        done.returncode == 0
        and done.stdout.startswith(b"\x89PNG")
        and len(done.stdout) <= (MAX_PNG_BYTES)
    ):
        return done.stdout
    if done.returncode == 2:
        raise RenderFailed("invalid")
    # Killed by the CPU limit (SIGXCPU, SIGKILL) or aborted when memory ran out (SIGABRT, a
    # MemoryError): the image asks for more than a badge ever needs.
    logger.info("SVG drawing stopped (exit %s): %s", done.returncode, done.stderr[-300:])
    raise RenderFailed("time" if done.returncode in (-9, -24) else "memory")


def _key(svg: bytes, width: int, height: int) -> str:
    return f"{hashlib.sha256(svg).hexdigest()}-{width}x{height}"


def stored_png(svg: bytes, *, width: int, height: int) -> bytes:
    """The PNG of ``svg`` at this size: drawn the first time (``draw``), kept in the file storage
    and read from there afterwards. Raises ``RenderFailed``."""
    key = _key(svg, width, height)
    name = f"{STORAGE_FOLDER}/{key}.png"
    try:
        if default_storage.exists(name):
            with default_storage.open(name, "rb") as handle:
                return bytes(handle.read())
    except OSError:
        logger.warning("stored drawing %s could not be read", name)
    return _draw_and_remember(svg, width, height, key, keep=lambda png: _store(name, png))


def cached_png(svg: bytes, *, width: int, height: int, timeout: int = 24 * 3600) -> bytes:
    """Like ``stored_png`` for pictures made for a while (social network cards): kept in the
    cache for ``timeout`` seconds rather than for ever in the file storage."""
    key = _key(svg, width, height)
    found = cache.get(f"render:{key}")
    if isinstance(found, bytes):
        return found
    return _draw_and_remember(
        svg, width, height, key, keep=lambda png: cache.set(f"render:{key}", png, timeout)
    )


def _draw_and_remember(
    svg: bytes, width: int, height: int, key: str, keep: Callable[[bytes], object]
) -> bytes:
    failed = cache.get(f"render-failed:{key}")
    if isinstance(failed, str):
        raise RenderFailed(failed)
    try:
        png = draw(svg, width=width, height=height)
    except RenderFailed as exc:
        cache.set(f"render-failed:{key}", exc.reason, FAILURE_MEMORY)
        raise
    keep(png)
    return png


def _store(name: str, png: bytes) -> None:
    if not default_storage.exists(name):
        # The name is the content's digest: two processes storing it at once store the same.
        default_storage.save(name, ContentFile(png))
