"""Interop harnesses: Digital Bazaar's JS stack (Node, installed by obcore.reference)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import require_or_skip


@pytest.fixture(scope="session")
def digitalbazaar() -> Any:
    """Call Digital Bazaar's stack: ``digitalbazaar({"action": "verify", ...}) -> dict``."""
    from obcore import reference

    try:
        reference.install()
    except reference.ReferenceUnavailable as exc:
        require_or_skip(str(exc))
    return reference.call
