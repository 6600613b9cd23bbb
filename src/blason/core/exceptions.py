"""Errors that services raise when a business rule refuses an action."""

from __future__ import annotations


class ActionRefused(Exception):
    """The action breaks a rule; ``str(exc)`` is a translated message for the person."""
