"""The pathway as a public JSON document (``docs/documents.md``, "Pathways"), modelled on
Badgr's pathway completion requirements: each step is an element whose requirements are
badges (by their Open Badges achievement id) or child elements, joined by a junction ("all of
them": a conjunction; "n of them": a disjunction with ``requiredNumber``)."""

from __future__ import annotations

from typing import Any

from blason.core.site import absolute, absolute_url
from blason.issuing.awarding.selectors import badge_url
from blason.issuing.badges.selectors import ROME_URL
from blason.issuing.signing.selectors import issuer_url
from blason.pathways import tree
from blason.pathways.models import Rule, Step

VERSION = "1.0"


def pathway_url(shape: tree.Shape) -> str:
    return absolute_url("pathways:public_json", shape.pathway.uuid)


def _element_id(shape: tree.Shape, step: Step) -> str:
    return f"{pathway_url(shape)}#step-{step.uuid}"


def _badge(badge: Any) -> dict[str, Any] | None:
    return {"id": badge_url(badge), "name": badge.name} if badge is not None else None


def _element(shape: tree.Shape, step: Step) -> dict[str, Any]:
    rows = shape.requirements.get(step.pk, [])
    requirements: list[dict[str, Any]] = []
    for row in rows:
        if row.child_id is not None and row.child_id in shape.steps:
            requirements.append(
                {"type": "Element", "id": _element_id(shape, shape.steps[row.child_id])}
            )
        else:
            entry: dict[str, Any] = {"type": "Badge", "id": row.achievement_id, "name": row.name}
            if row.ob2_id:
                entry["ob2Id"] = row.ob2_id
            if row.how_to_url:
                entry["howToUrl"] = row.how_to_url
            requirements.append(entry)
    all_of = step.rule == Rule.ALL or step.needed(len(rows)) == len(rows)
    element: dict[str, Any] = {
        "id": _element_id(shape, step),
        "name": step.name,
        "completionRequirements": {
            "junctionConfig": {
                "type": "Conjunction" if all_of else "Disjunction",
                "requiredNumber": step.needed(len(rows)),
            },
            "requirements": requirements,
        },
    }
    if step.description:
        element["description"] = step.description
    if step.how_to_url:
        element["howToUrl"] = step.how_to_url
    badge = shape.pathway.completion_badge if step.pk == shape.root.pk else step.milestone_badge
    if badge is not None:
        element["completionBadge"] = _badge(badge)
    return element


def pathway_document(shape: tree.Shape) -> dict[str, Any]:
    pathway = shape.pathway
    document: dict[str, Any] = {
        "type": "Pathway",
        "version": VERSION,
        "id": pathway_url(shape),
        "url": absolute_url("pathways:public", pathway.uuid),
        "name": pathway.name,
        "description": pathway.description,
        "issuer": {"id": issuer_url(pathway.issuer), "name": pathway.issuer.name},
        "completionBadge": _badge(pathway.completion_badge),
        "occupations": [
            {"framework": "ROME", "code": code, "url": ROME_URL.format(code=code)}
            for code in pathway.occupations
        ],
        "rootElement": _element_id(shape, shape.root),
        "elements": [_element(shape, step) for step in shape.walk()],
    }
    if pathway.image:
        document["image"] = absolute(pathway.image.url)
    return document
