"""Typed helpers reading deploy-time settings from the environment.

Every value Blason needs at deploy time comes through one of these helpers so that a
missing or malformed value fails loudly at start-up, naming the variable, instead of
surfacing later as a confusing error. Secrets may also be given as ``<NAME>_FILE``
(a path whose content is the value), which is how Docker and systemd credentials work.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

_MISSING = object()
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    file_name = os.environ.get(f"{name}_FILE")
    if value is not None and file_name:
        raise ImproperlyConfigured(f"Set either {name} or {name}_FILE, not both.")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={file_name!r} cannot be read: {exc}") from exc
    return value


def env_str(name: str, default: str | object = _MISSING) -> str:
    """Return the variable's text, or ``default``; fail when it is required and missing."""
    value = _raw(name)
    if value is None:
        if default is _MISSING:
            raise ImproperlyConfigured(f"The environment variable {name} is required.")
        return str(default)
    return value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}.")
    return number


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    """A comma-separated list; blank items are dropped."""
    value = _raw(name)
    if value is None:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name: str, choices: tuple[str, ...], default: str) -> str:
    value = env_str(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}.")
    return value


def env_networks(name: str, default: list[str] | None = None) -> list[str]:
    """A comma-separated list of IP addresses or networks (CIDR: ``10.0.0.0/8``, ``::1``),
    checked and written in their normal form."""
    import ipaddress

    networks = []
    for item in env_list(name, default):
        try:
            networks.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} must list IP addresses or networks such as 10.0.0.0/8, not {item!r}."
            ) from None
    return networks


def env_trust_lists(name: str) -> list[Any]:
    """Lists of recognised issuers a verifier reads: a JSON array of the DCC verifier's
    ``vc-recognition`` registries, ``{"name", "type", "url", "acceptedIssuers"}``
    (``obcore.recognition.parse_trust_lists``), checked at start-up."""
    from obcore.recognition import parse_trust_lists

    try:
        return list(parse_trust_lists(env_str(name, "")))
    except ValueError as exc:
        raise ImproperlyConfigured(str(exc)) from None


RATE_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rates(text: str) -> list[tuple[int, int]]:
    """``"6/h,20/d"`` → ``[(6, 3600), (20, 86400)]``: (count, seconds) pairs; a period may
    have a multiplier (``10/5m``). Raises ValueError on anything else."""
    import re

    rules = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        match = re.fullmatch(r"(\d+)\s*/\s*(\d*)\s*([smhd])", item)
        if match is None:
            raise ValueError(item)
        count, multiplier, unit = match.groups()
        rules.append((int(count), int(multiplier or 1) * RATE_UNITS[unit]))
    return rules


def env_rates(name: str, default: str) -> str:
    """Rate-limit rules such as ``6/h,20/d`` (count/period, s m h d), checked at start-up."""
    value = env_str(name, default).strip()
    try:
        parse_rates(value)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"{name} must be rules such as 6/h,20/d (count/period: s, m, h or d), not {str(exc)!r}."
        ) from None
    return value


def env_hours(name: str, default: str) -> tuple[str, str] | None:
    """A range of local hours ``HH:MM-HH:MM`` (it may run past midnight), or None when empty."""
    import re

    value = env_str(name, default).strip()
    if not value:
        return None
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)\s*-\s*([01]?\d|2[0-3]):([0-5]\d)", value)
    if match is None or match.group(1, 2) == match.group(3, 4):
        raise ImproperlyConfigured(
            f"{name} must be a range of hours such as 21:00-08:00 (or empty), not {value!r}."
        )
    start_h, start_m, end_h, end_m = match.groups()
    return (f"{int(start_h):02d}:{start_m}", f"{int(end_h):02d}:{end_m}")
