"""Open Badges 3.0 on VC Data Model 2.0: typed builders and lenient, path-reporting parsers.

Build a credential from the dataclasses and call ``to_json()``; read one with
:func:`parse_credential`. VCDM 1.1 credentials are read too.
"""

from __future__ import annotations

from obcore.ob3._fields import format_datetime, parse_datetime
from obcore.ob3.credentials import (
    OB_CONTEXT,
    OB_EXTENSIONS_CONTEXT,
    VC_V1_CONTEXT,
    VC_V2_CONTEXT,
    EndorsementCredential,
    OpenBadgeCredential,
)
from obcore.ob3.identity import hash_identity, identity_matches, new_salt, normalise_identity
from obcore.ob3.model import (
    Achievement,
    AchievementSubject,
    Alignment,
    Criteria,
    EndorsementSubject,
    Evidence,
    IdentityObject,
    Image,
    Profile,
    Result,
    ResultDescription,
)
from obcore.ob3.parse import (
    parse_achievement,
    parse_credential,
    parse_endorsement_credential,
    parse_open_badge_credential,
    parse_profile,
    vcdm_version,
)

#: OB 3.0 names the class both ways; they are aliases.
AchievementCredential = OpenBadgeCredential

__all__ = [
    "OB_CONTEXT",
    "OB_EXTENSIONS_CONTEXT",
    "VC_V1_CONTEXT",
    "VC_V2_CONTEXT",
    "Achievement",
    "AchievementCredential",
    "AchievementSubject",
    "Alignment",
    "Criteria",
    "EndorsementCredential",
    "EndorsementSubject",
    "Evidence",
    "IdentityObject",
    "Image",
    "OpenBadgeCredential",
    "Profile",
    "Result",
    "ResultDescription",
    "format_datetime",
    "hash_identity",
    "identity_matches",
    "new_salt",
    "normalise_identity",
    "parse_achievement",
    "parse_credential",
    "parse_datetime",
    "parse_endorsement_credential",
    "parse_open_badge_credential",
    "parse_profile",
    "vcdm_version",
]
