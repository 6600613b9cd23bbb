"""Open Badges 2.0: builders (:mod:`obcore.ob2.model`) and parsers (:mod:`obcore.ob2.parse`)."""

from __future__ import annotations

from obcore.ob2.model import (
    OB2_CONTEXT,
    AlignmentObject,
    Assertion,
    BadgeClass,
    Criteria,
    CryptographicKey,
    Endorsement,
    Evidence,
    IdentityObject,
    Image,
    Profile,
    RecipientType,
    VerificationObject,
    revoked_assertion,
)
from obcore.ob2.parse import (
    parse_assertion,
    parse_badge_class,
    parse_cryptographic_key,
    parse_endorsement,
    parse_profile,
)

__all__ = [
    "OB2_CONTEXT",
    "AlignmentObject",
    "Assertion",
    "BadgeClass",
    "Criteria",
    "CryptographicKey",
    "Endorsement",
    "Evidence",
    "IdentityObject",
    "Image",
    "Profile",
    "RecipientType",
    "VerificationObject",
    "parse_assertion",
    "parse_badge_class",
    "parse_cryptographic_key",
    "parse_endorsement",
    "parse_profile",
    "revoked_assertion",
]
