"""Was this badge awarded to this person? One question for OB 3.0 subjects and OB 2.0 recipients.

The hashing and comparison rules live in :mod:`obcore.ob3.identity`; this module only finds the
identities in a credential subject (``id``, ``identifier[]``) or an OB 2.0 ``recipient``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from obcore.ob3.identity import hash_identity, identity_matches

__all__ = ["hash_identity", "matches"]


def _matches(item: Mapping[str, Any], stored: Any, identity_type: Any, candidate: str) -> bool:
    if not isinstance(stored, str):
        return False
    hashed = item.get("hashed")
    return identity_matches(
        stored,
        hashed=hashed is True or (hashed is None and "$" in stored),
        salt=item.get("salt") if isinstance(item.get("salt"), str) else None,
        identity_type=identity_type if isinstance(identity_type, str) else "emailAddress",
        candidate=candidate,
    )


def matches(subject: Mapping[str, Any], candidate: str) -> bool:
    """Does an OB 3.0 credentialSubject or an OB 2.0 ``recipient`` designate ``candidate``?"""
    if subject.get("id") == candidate.strip():
        return True
    identifiers = subject.get("identifier")
    for item in identifiers if isinstance(identifiers, list) else [identifiers]:
        if isinstance(item, Mapping) and _matches(
            item, item.get("identityHash"), item.get("identityType"), candidate
        ):
            return True
    if "identity" in subject:  # OB 2.0 recipient IdentityObject
        return _matches(subject, subject.get("identity"), subject.get("type"), candidate)
    return False
