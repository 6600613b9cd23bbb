"""Every model of the issuing app, as Django and the other apps see them.

The models are defined in the sub-packages (``badges.models``, ``signing.models``,
``awarding.models``, ``claims.models``); Django registers them in the ``issuing`` app (same
label, same tables) because they are imported here, when Django imports ``issuing.models``.
Other apps import them from here; the sub-packages import them from each other's ``models``.

How awards reach people: one at a time (``Award``), from a spreadsheet (``AwardBatch``) or by a
claim link for events (``ClaimLink`` and the ``Claim`` each visitor makes).
"""

from blason.issuing.awarding.models import (
    Award,
    AwardBatch,
    BatchRows,
    BatchStatus,
    Evidence,
    RecipientKind,
    SignedTextField,
    StatusListCache,
    batch_source_path,
    evidence_path,
)
from blason.issuing.badges.models import (
    AchievementType,
    BadgeClass,
    BadgeStatus,
    Validity,
    badge_image_path,
)
from blason.issuing.claims.models import Claim, ClaimLink, ClaimStatus
from blason.issuing.signing.models import KeyAlgorithm, SigningKey

__all__ = [
    "AchievementType",
    "Award",
    "AwardBatch",
    "BadgeClass",
    "BadgeStatus",
    "BatchRows",
    "BatchStatus",
    "Claim",
    "ClaimLink",
    "ClaimStatus",
    "Evidence",
    "KeyAlgorithm",
    "RecipientKind",
    "SignedTextField",
    "SigningKey",
    "StatusListCache",
    "Validity",
    "badge_image_path",
    "batch_source_path",
    "evidence_path",
]
