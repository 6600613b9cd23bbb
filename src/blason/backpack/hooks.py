"""Extension points of the backpack that other apps fill in from their ``AppConfig.ready()``.

``TOOLS``: links other apps add to the tools of "My badges" (``records``: a person's learner
record and VAE files), so the backpack names no other app's pages itself. Each entry is (route
name, label, lazily translated).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

TOOLS: list[tuple[str, Any]] = []


def register_tool(route: str, label: Any) -> None:
    if all(existing != route for existing, _label in TOOLS):
        TOOLS.append((route, label))


def tool_links() -> list[tuple[str, Any]]:
    """(address, label) of each registered tool."""
    return [(reverse(route), label) for route, label in TOOLS]
