"""Verifying backpack badges with obcore, and preparing what the pages show of them.

Every fetch goes through the site's fetcher (``blason.verification.fetching``): this site's own
documents are answered locally, other sites only within the guarded fetcher's limits. Tests
replace ``make_fetcher`` to serve other platforms' documents from memory.
"""

from __future__ import annotations

import logging
import struct
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from blason.issuing.badges.selectors import MAX_PIXELS, ImageRejected, clean_upload
from blason.verification.selectors import (
    RecordingFetcher,
    check_text,
    site_fetcher,
    state_summary,
)
from obcore.fetch import Fetcher, FetchError
from obcore.verify import Outcome, Report, State, verify_credential

logger = logging.getLogger(__name__)

IMAGE_TYPES = ("image/png", "image/svg+xml")
IMAGE_MAX_BYTES = 2 * 1024 * 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# obcore states and how an item records them (an unreadable kept badge is simply not valid).
ITEM_STATUS = {state.value: state.value for state in State} | {State.MALFORMED.value: "invalid"}


def make_fetcher() -> Fetcher:
    return site_fetcher()


@dataclass
class Checked:
    """A verification: obcore's report and the documents fetched on the way."""

    report: Report
    fetched: RecordingFetcher


def check(source: Any, *, fetcher: Fetcher | None = None) -> Checked:
    """Verify ``source`` (bytes, text or a credential) now, recording what was fetched."""
    recorder = RecordingFetcher(fetcher or make_fetcher())
    report = verify_credential(source, fetcher=recorder)
    if report.state is State.MALFORMED:
        recorder.fetched.clear()
    return Checked(report=report, fetched=recorder)


def report_json(report: Report) -> dict[str, Any]:
    """What is kept of a report: the state and every check (its code, data and English, so
    that it is shown later in the reader's language)."""
    return {
        "state": report.state.value,
        "version": report.version or "",
        "input_format": report.input_format or "",
        "checks": [check.to_json() for check in report.checks],
        "endorsements": len(report.endorsements),
    }


def report_context(report: dict[str, Any]) -> dict[str, Any]:
    """The verify page's plain-language headline, explanation and checks for a kept report,
    in the current language."""
    state = report.get("state") or ""
    try:
        headline, explanation = state_summary(State(state))
    except ValueError:
        headline = _("Not checked yet")
        explanation = _("This badge will be checked in a moment.")
    checks = [
        (check.get("outcome", ""), check_text(check))
        for check in report.get("checks", [])
        if isinstance(check, dict)
    ]
    return {
        "state": state,
        "headline": headline,
        "explanation": explanation,
        "checks": checks,
        "endorsements": report.get("endorsements", 0),
    }


def first_failure(report: Report) -> str:
    """The message of the check that failed, in the current language."""
    for item in reversed(report.checks):
        if item.outcome is Outcome.FAILED:
            return check_text(item)
    return ""


def png_pixels(data: bytes) -> int | None:
    """Width times height from a PNG header, without decoding anything; None if unreadable."""
    if not data.startswith(PNG_SIGNATURE) or len(data) < 24 or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return int(width) * int(height)


def is_pixel_bomb(data: bytes) -> bool:
    """A PNG declaring more pixels than any badge needs: decoding it would take gigabytes."""
    pixels = png_pixels(data)
    return pixels is not None and pixels > MAX_PIXELS


def clean_image(data: bytes) -> tuple[bytes, str] | None:
    """A safe copy of a badge image (PNG re-encoded, SVG rebuilt), or None if unusable."""
    if is_pixel_bomb(data):
        return None
    try:
        cleaned = clean_upload(data)
    except ImageRejected:
        return None
    return cleaned.content, cleaned.extension


def fetch_image(source: str, fetcher: Fetcher) -> tuple[bytes, str] | None:
    """The badge image named by a credential (a URL or a data: URI), cleaned; None when it
    cannot be had. An image is decoration: no failure here stops an import."""
    from blason.backpack.reading import data_uri_bytes

    if source.startswith("data:"):
        data = data_uri_bytes(source, max_bytes=IMAGE_MAX_BYTES)
        return clean_image(data) if data else None
    if not source.startswith(("https://", "http://")):
        return None
    try:
        fetched = fetcher(source, accept=IMAGE_TYPES)
    except FetchError as exc:
        logger.info("badge image %s not fetched: %s", source, exc)
        return None
    if len(fetched.body) > IMAGE_MAX_BYTES:
        return None
    return clean_image(fetched.body)
