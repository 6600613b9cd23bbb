"""What a verification says: its overall ``State``, and the ``Check`` of each step in a
``Report`` (``obcore.verify`` runs the steps; ``obcore.verify_ob2`` the OB 2.0 and VC-JWT ones).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from obcore.messages import Message

__all__ = ["Check", "Outcome", "Report", "State"]


class State(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    SUSPENDED = "suspended"
    NOT_YET_VALID = "not_yet_valid"
    INVALID = "invalid"
    MALFORMED = "malformed"
    UNVERIFIABLE = "unverifiable"


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    WARNING = "warning"
    SKIPPED = "skipped"


@dataclass
class Check:
    """One step of the verification: its outcome, what it says (a stable code with data, see
    ``obcore.messages``) and the precise problems behind it."""

    name: str
    outcome: Outcome
    message: Message
    details: list[Message] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.message.code

    @property
    def params(self) -> dict[str, Any]:
        return self.message.params

    @property
    def en(self) -> str:
        """The whole check in English."""
        return " ".join([self.message, *self.details])

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "outcome": self.outcome.value,
            **self.message.to_json(),
            "details": [detail.to_json() for detail in self.details],
            "en": self.en,
        }


@dataclass
class Report:
    state: State
    version: str | None = None
    input_format: str | None = None
    credential: dict[str, Any] | None = None
    issuer: str | None = None
    checks: list[Check] = field(default_factory=list)
    endorsements: list[Report] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.state is State.VALID

    def add(
        self,
        name: str,
        outcome: Outcome,
        code: str,
        details: Iterable[Message] = (),
        **params: Any,
    ) -> None:
        self.checks.append(Check(name, outcome, Message(code, **params), list(details)))

    def to_json(self) -> dict[str, Any]:
        return {
            "state": self.state.value,
            "valid": self.valid,
            "version": self.version,
            "input_format": self.input_format,
            "credential": self.credential,
            "issuer": self.issuer,
            "checks": [check.to_json() for check in self.checks],
            "endorsements": [endorsement.to_json() for endorsement in self.endorsements],
        }


class _Stop(Exception):
    def __init__(self, state: State) -> None:
        self.state = state


def _fail(
    report: Report,
    state: State,
    name: str,
    code: str,
    details: Iterable[Message] = (),
    **params: Any,
) -> _Stop:
    report.add(name, Outcome.FAILED, code, details, **params)
    return _Stop(state)
