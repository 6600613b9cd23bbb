"""Recreating an export's pathways and claim links in the space that imports it, through the
pathways' and claims' own services (the same rules, limits and audit entries as the editor).

The file has been checked by ``reading`` (one tree of steps per pathway, every badge named in
the file); what the services still refuse (too many steps, a wrong ROME code, a published
pathway without a badge) is said as ``FileRefused``, and the caller's transaction writes
nothing."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from blason.core.exceptions import ActionRefused
from blason.core.models import Issuer
from blason.exports import reading
from blason.issuing.claims import services as claim_services
from blason.issuing.claims.models import ClaimLink
from blason.issuing.models import BadgeClass
from blason.pathways import services as pathway_services
from blason.pathways.models import Pathway, PathwayStatus, Step


def _fill(
    step: Step,
    entry: dict[str, Any],
    steps: dict[str, dict[str, Any]],
    badges: dict[str, BadgeClass],
    actor: Any,
) -> None:
    """Add ``entry``'s requirements to ``step``, in their order, sub-steps included."""
    for requirement in entry["requirements"]:
        child_id = requirement.get("step")
        if child_id is not None:
            child = steps[child_id]
            made = pathway_services.step_add(
                parent=step,
                actor=actor,
                name=child["name"],
                rule=child["rule"],
                required=child.get("required"),
                milestone_badge=badges.get(child.get("milestoneBadge") or ""),
                how_to_url=child.get("howToUrl") or "",
                description=child.get("description") or "",
            )
            _fill(made, child, steps, badges, actor)
        elif requirement.get("badge") in badges:
            pathway_services.requirement_add_badge(
                step=step,
                actor=actor,
                badge=badges[requirement["badge"]],
                name=requirement.get("name") or "",
                how_to_url=requirement.get("howToUrl") or "",
            )
        else:  # another issuer's badge, known by its Open Badges id
            pathway_services.requirement_add_badge(
                step=step,
                actor=actor,
                achievement_id=requirement["achievementId"],
                name=requirement.get("name") or "",
                how_to_url=requirement.get("howToUrl") or "",
            )


def pathway(
    *, issuer: Issuer, actor: Any, entry: dict[str, Any], badges: dict[str, BadgeClass]
) -> Pathway:
    steps = {step["id"]: step for step in entry["steps"]}
    root_entry = next(step for step in entry["steps"] if step.get("parent") is None)
    try:
        made = pathway_services.pathway_create(
            issuer=issuer,
            actor=actor,
            name=entry["name"],
            description=entry.get("description") or "",
            public=entry["public"],
            completion_badge=badges.get(entry.get("completionBadge") or ""),
            occupations=entry.get("occupations") or [],
            required=root_entry.get("required"),
        )
        root = Step.objects.get(pathway=made, parent__isnull=True)
        pathway_services.step_update(
            step=root,
            actor=actor,
            name=root_entry["name"],
            description=root_entry.get("description") or "",
            rule=root_entry["rule"],
            required=root_entry.get("required"),
            milestone_badge=badges.get(root_entry.get("milestoneBadge") or ""),
            how_to_url=root_entry.get("howToUrl") or "",
        )
        _fill(root, root_entry, steps, badges, actor)
        if entry["status"] == PathwayStatus.PUBLISHED:
            pathway_services.pathway_publish(pathway=made, actor=actor)
        elif entry["status"] == PathwayStatus.ARCHIVED:
            pathway_services.pathway_archive(pathway=made, actor=actor)
    except ActionRefused as refused:
        raise reading.FileRefused(
            _("The pathway “%(name)s” cannot be made: %(why)s")
            % {"name": entry["name"][:200], "why": str(refused)[:300]}
        ) from None
    return made


def claim_link(*, actor: Any, entry: dict[str, Any], badges: dict[str, BadgeClass]) -> ClaimLink:
    try:
        return claim_services.link_import(
            badge=badges[entry["badge"]],
            actor=actor,
            title=entry.get("title") or "",
            opens_at=reading.maybe_instant(entry.get("opensAt")),
            closes_at=reading.maybe_instant(entry.get("closesAt")),
            max_claims=entry.get("maxClaims"),
            requires_approval=entry["requiresApproval"],
            active=entry["active"],
            source=entry["id"],
        )
    except ActionRefused as refused:
        raise reading.FileRefused(
            _("The claim link %(id)s cannot be made: %(why)s")
            % {"id": entry["id"][:100], "why": str(refused)[:300]}
        ) from None
