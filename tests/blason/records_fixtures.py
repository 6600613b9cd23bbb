"""What the learner-record tests share: a person with badges awarded here (one aligned to a
certification and a job), one imported from another platform in OB 2.0, and the official CLR
2.0 schema."""

from __future__ import annotations

import json
from typing import Any

from jsonschema import Draft4Validator, FormatChecker

from blason.accounts.services import phone_verify
from blason.backpack import claims, imports
from blason.issuing.awarding import services as awards
from blason.issuing.badges.services import badge_create
from tests.blason import other_platforms as op
from tests.conftest import BADGE_SVG
from tests.reference_files import load

CLR_SCHEMA = "schemas/clr_v2p0/clr_v2p0_clrcredential_schema.json"


def schema_problems(document: Any) -> list[str]:
    """Every error 1EdTech's CLR 2.0 JSON Schema finds, as ``"path: message"``."""
    validator = Draft4Validator(load(CLR_SCHEMA), format_checker=FormatChecker())
    return sorted(
        f"{'/'.join(str(part) for part in error.absolute_path) or '$'}: {error.message}"
        for error in validator.iter_errors(document)
    )


def aligned_badge(world: Any, name: str, alignments: list[dict[str, str]]) -> Any:
    return badge_create(
        issuer=world.org_a,
        actor=world.admin,
        name=name,
        description=f"{name}, décrit.",
        criteria="Observé.",
        criteria_items=["Fait"],
        image_svg=BADGE_SVG,
        status="published",
        alignments=alignments,
    )


def earner_with_badges(world: Any, *, ob2: bool = True) -> dict[str, Any]:
    """Bob (``world.member``) holds two badges awarded here (the first aligned to RNCP34826,
    the second to the ROME job M1601, a third aligned to nothing) and, with ``ob2``, an OB 2.0
    badge imported from another platform."""
    user = world.member
    phone_verify(user=user, phone="+33612345678")
    made = {}
    for key, alignments in (
        ("rncp", [{"framework": "RNCP", "code": "RNCP34826", "name": "Accueil"}]),
        ("rome", [{"framework": "ROME", "code": "M1601", "name": "Accueil et renseignements"}]),
        ("plain", []),
    ):
        badge = aligned_badge(world, f"Badge {key}", alignments)
        award = awards.award_issue(badge=badge, actor=world.admin, phone="+33612345678")
        made[key] = claims.claim_award(user=user, code=award.claim_code or "").item
    if ob2:
        badge = op.ob2_signed(email="bob@example.org")
        made["ob2"] = imports.import_badge(user=user, text=badge.payload, fetcher=badge.fetcher())
    return made


# The CLR 2.0 schema in shared/reference (1EdTech's draft-4 copy) was written for VC Data Model
# 1.1: it requires ``issuanceDate`` (VCDM 2.0 names it ``validFrom``) and knows a status entry
# with only ``id`` and ``type`` (before the Bitstring Status List). Credentials in VCDM 2.0 form,
# which Open Badges 3.0 and CLR 2.0 now use, differ from it on exactly these two points.
VCDM_20_ONLY = (
    "'issuanceDate' is a required property",
    "credentialStatus: Additional properties are not allowed ('statusListCredential', "
    "'statusListIndex', 'statusPurpose' were unexpected)",
)


def as_vcdm11(document: dict[str, Any]) -> dict[str, Any]:
    """A copy with the VCDM 1.1 names of the schema: ``validFrom`` -> ``issuanceDate``, and each
    status entry reduced to its ``id`` and ``type``."""
    copy = json.loads(json.dumps(document))

    def rename(credential: dict[str, Any]) -> None:
        if "validFrom" in credential:
            credential["issuanceDate"] = credential.pop("validFrom")
        status = credential.get("credentialStatus")
        if isinstance(status, dict):
            credential["credentialStatus"] = {"id": status["id"], "type": status["type"]}

    rename(copy)
    for inner in copy["credentialSubject"]["verifiableCredential"]:
        rename(inner)
    return copy
