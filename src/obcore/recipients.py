"""Recipient identities: salted hashes, and "was this badge awarded to this person?".

OB 2.0 and 3.0 share the algorithm: ``"sha256$" + hex(SHA-256(identifier + salt))``. We
normalise e-mail addresses (trim, lower-case) before hashing, as issuers should, and compare
against the stored hash case-insensitively as badgecheck does.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from typing import Any

__all__ = ["identity_hash", "matches", "new_salt", "normalise"]


def normalise(identifier: str) -> str:
    value = identifier.strip()
    return value.lower() if "@" in value and ":" not in value else value


def new_salt() -> str:
    return secrets.token_hex(16)


def identity_hash(identifier: str, salt: str = "") -> str:
    return "sha256$" + hashlib.sha256((identifier + salt).encode("utf-8")).hexdigest()


def _matches_identity(stored: Any, hashed: Any, salt: Any, candidate: str) -> bool:
    if not isinstance(stored, str):
        return False
    if hashed is True or (hashed is None and "$" in stored):
        algorithm, _sep, digest = stored.partition("$")
        if algorithm.lower() != "sha256" or not digest:
            return False
        salt_text = salt if isinstance(salt, str) else ""
        return any(
            hmac.compare_digest(identity_hash(value, salt_text).lower(), f"sha256${digest.lower()}")
            for value in {candidate.strip(), normalise(candidate)}
        )
    return normalise(stored) == normalise(candidate)


def matches(subject: Mapping[str, Any], candidate: str) -> bool:
    """Does an OB 3.0 credentialSubject or an OB 2.0 ``recipient`` designate ``candidate``?"""
    if subject.get("id") == candidate.strip():
        return True
    identifiers = subject.get("identifier")
    for item in identifiers if isinstance(identifiers, list) else [identifiers]:
        if isinstance(item, Mapping) and _matches_identity(
            item.get("identityHash"), item.get("hashed"), item.get("salt"), candidate
        ):
            return True
    if "identity" in subject:  # OB 2.0 recipient IdentityObject
        return _matches_identity(
            subject.get("identity"), subject.get("hashed"), subject.get("salt"), candidate
        )
    return False
