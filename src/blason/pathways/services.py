"""Writes on pathways: the editor (a pathway, its steps and their requirements), publishing
and archiving, following. Each function is keyword-only, atomic, and records an audit entry.

The engine that follows people along published pathways is ``engine.progress_recompute``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from blason.core import audit
from blason.core.exceptions import ActionRefused
from blason.core.models import Issuer
from blason.core.site import absolute_url
from blason.core.tasks import enqueue_on_commit
from blason.issuing.awarding.selectors import badge_url
from blason.issuing.badges.selectors import ROME_CODE
from blason.issuing.models import BadgeClass
from blason.pathways.models import Pathway, PathwayStatus, Progress, Requirement, Rule, Step

if TYPE_CHECKING:
    from blason.issuing.badges.images import CleanImage

MAX_REQUIREMENTS = 50  # per step
MAX_STEPS = 30  # per pathway
MAX_DEPTH = 4  # steps inside steps


def clean_occupations(codes: list[str]) -> list[str]:
    """ROME 4.0 codes, upper-case, once each; refused when one is not a ROME code."""
    cleaned: list[str] = []
    for code in codes:
        value = code.strip().upper()
        if not value:
            continue
        if not ROME_CODE.match(value):
            raise ActionRefused(
                _("“%(code)s” is not a ROME code (a letter from A to N and four digits).")
                % {"code": code}
            )
        if value not in cleaned:
            cleaned.append(value)
    return cleaned


def _own_badge(issuer: Issuer, badge: BadgeClass | None) -> BadgeClass | None:
    if badge is not None and badge.issuer_id != issuer.pk:
        raise ActionRefused(_("A milestone or completion badge must be one of this space's."))
    return badge


@transaction.atomic
def pathway_create(
    *,
    issuer: Issuer,
    actor: Any,
    name: str,
    description: str = "",
    public: bool = True,
    completion_badge: BadgeClass | None = None,
    occupations: list[str] | None = None,
    required: int | None = None,
    image: CleanImage | None = None,
) -> Pathway:
    """A new draft pathway with its root step: "n of m" over the badges added next
    (``required`` of them; all of them while it is not given)."""
    if not name.strip():
        raise ActionRefused(_("Give the pathway a name."))
    pathway = Pathway.objects.create(
        issuer=issuer,
        name=name.strip(),
        description=description.strip(),
        public=public,
        completion_badge=_own_badge(issuer, completion_badge),
        occupations=clean_occupations(occupations or []),
    )
    if image is not None:
        _set_image(pathway, image)
    Step.objects.create(pathway=pathway, name=pathway.name, rule=Rule.N_OF, required=required)
    audit.record(action="pathways.pathway.created", actor=actor, issuer=issuer, target=pathway)
    return pathway


def _set_image(pathway: Pathway, image: CleanImage) -> None:
    """Store a cleaned image (``issuing``'s checks for badge images) as the pathway's."""
    old = pathway.image.name if pathway.image else ""
    pathway.image.save(f"pathway.{image.extension}", ContentFile(image.content), save=True)
    if old and old != pathway.image.name:
        transaction.on_commit(lambda: pathway.image.storage.delete(old))


@transaction.atomic
def pathway_update(*, pathway: Pathway, actor: Any, **fields: Any) -> Pathway:
    """Change the name, description, image, visibility, completion badge or occupations."""
    allowed = {"name", "description", "public", "completion_badge", "occupations", "image"}
    if set(fields) - allowed:
        raise ValueError(f"unknown fields {set(fields) - allowed}")
    if "name" in fields and not str(fields["name"]).strip():
        raise ActionRefused(_("Give the pathway a name."))
    if "completion_badge" in fields:
        _own_badge(pathway.issuer, fields["completion_badge"])
    if "occupations" in fields:
        fields["occupations"] = clean_occupations(fields["occupations"])
    image = fields.pop("image", None)
    if image is not None:
        _set_image(pathway, image)
    for name, value in fields.items():
        setattr(pathway, name, value.strip() if isinstance(value, str) else value)
    pathway.save()
    audit.record(
        action="pathways.pathway.updated",
        actor=actor,
        issuer=pathway.issuer,
        target=pathway,
        data={"fields": sorted(fields)},
    )
    return pathway


@transaction.atomic
def pathway_publish(*, pathway: Pathway, actor: Any) -> Pathway:
    """Publish: people's progress starts counting, and everyone who already qualifies gets the
    milestone and completion badges (``tasks.pathway_backfill``, after the commit)."""
    root = Step.objects.filter(pathway=pathway, parent__isnull=True).first()
    if root is None or not Requirement.objects.filter(step__pathway=pathway).exists():
        raise ActionRefused(_("Add at least one badge before publishing the pathway."))
    if pathway.status == PathwayStatus.PUBLISHED:
        return pathway
    pathway.status = PathwayStatus.PUBLISHED
    pathway.published_at = pathway.published_at or timezone.now()
    pathway.save(update_fields=["status", "published_at", "updated_at"])
    audit.record(
        action="pathways.pathway.published", actor=actor, issuer=pathway.issuer, target=pathway
    )
    from blason.pathways import tasks

    enqueue_on_commit(tasks.pathway_backfill, pathway_id=pathway.pk)
    return pathway


@transaction.atomic
def pathway_archive(*, pathway: Pathway, actor: Any) -> Pathway:
    """Archive: no longer followed nor counted; what was issued stays issued."""
    pathway.status = PathwayStatus.ARCHIVED
    pathway.save(update_fields=["status", "updated_at"])
    audit.record(
        action="pathways.pathway.archived", actor=actor, issuer=pathway.issuer, target=pathway
    )
    return pathway


def _depth(step: Step) -> int:
    depth, current = 0, step
    while current.parent_id is not None:
        depth += 1
        current = Step.objects.only("parent_id").get(pk=current.parent_id)
    return depth


def _next_position(step: Step) -> int:
    found = Requirement.objects.filter(step=step).aggregate(top=Max("position"))["top"]
    return 0 if found is None else found + 1


def _room(step: Step) -> None:
    if Requirement.objects.filter(step=step).count() >= MAX_REQUIREMENTS:
        raise ActionRefused(_("A step holds at most %(n)d requirements.") % {"n": MAX_REQUIREMENTS})


@transaction.atomic
def requirement_add_badge(
    *,
    step: Step,
    actor: Any,
    badge: BadgeClass | None = None,
    achievement_id: str = "",
    name: str = "",
    how_to_url: str = "",
) -> Requirement:
    """Ask for a badge in a step: one of this site's (any issuer's), or any other issuer's
    known by its Open Badges achievement id (OB 3.0 Achievement id or OB 2.0 BadgeClass id)."""
    _room(step)
    if badge is not None:
        achievement_id = badge_url(badge)
        ob2_id = absolute_url("badge_ob2", badge.uuid)
        name = name.strip() or badge.name
    else:
        achievement_id = achievement_id.strip()
        ob2_id = ""
        if not achievement_id.startswith(("https://", "http://", "urn:", "did:")):
            raise ActionRefused(
                _("Give the badge's Open Badges id: a web address (or a urn: or did: id).")
            )
        if not name.strip():
            raise ActionRefused(_("Give the name of the badge."))
    if Requirement.objects.filter(step=step, achievement_id=achievement_id).exists():
        raise ActionRefused(_("This badge is already in this step."))
    requirement = Requirement.objects.create(
        step=step,
        position=_next_position(step),
        badge=badge,
        achievement_id=achievement_id,
        ob2_id=ob2_id,
        name=name.strip()[:300],
        how_to_url=how_to_url.strip(),
    )
    audit.record(
        action="pathways.requirement.added",
        actor=actor,
        issuer=step.pathway.issuer,
        target=step.pathway,
        data={"step": str(step.uuid), "achievement": achievement_id},
    )
    return requirement


@transaction.atomic
def step_add(
    *,
    parent: Step,
    actor: Any,
    name: str,
    rule: str = Rule.ALL,
    required: int | None = None,
    milestone_badge: BadgeClass | None = None,
    how_to_url: str = "",
    description: str = "",
) -> Step:
    """A sub-step, asked for by ``parent`` like a badge; reached by its own rule."""
    pathway = parent.pathway
    _room(parent)
    if not name.strip():
        raise ActionRefused(_("Give the step a name."))
    if Step.objects.filter(pathway=pathway).count() >= MAX_STEPS:
        raise ActionRefused(_("A pathway holds at most %(n)d steps.") % {"n": MAX_STEPS})
    if _depth(parent) + 1 > MAX_DEPTH:
        raise ActionRefused(_("Steps go at most %(n)d levels deep.") % {"n": MAX_DEPTH})
    step = Step.objects.create(
        pathway=pathway,
        parent=parent,
        name=name.strip(),
        description=description.strip(),
        rule=rule,
        required=required,
        milestone_badge=_own_badge(pathway.issuer, milestone_badge),
        how_to_url=how_to_url.strip(),
    )
    Requirement.objects.create(
        step=parent, position=_next_position(parent), child=step, name=step.name
    )
    audit.record(
        action="pathways.step.added",
        actor=actor,
        issuer=pathway.issuer,
        target=pathway,
        data={"step": str(step.uuid), "parent": str(parent.uuid)},
    )
    return step


@transaction.atomic
def step_update(*, step: Step, actor: Any, **fields: Any) -> Step:
    """Change a step's name, description, rule, number needed, milestone badge or link."""
    allowed = {"name", "description", "rule", "required", "milestone_badge", "how_to_url"}
    if set(fields) - allowed:
        raise ValueError(f"unknown fields {set(fields) - allowed}")
    if "milestone_badge" in fields:
        _own_badge(step.pathway.issuer, fields["milestone_badge"])
    if "name" in fields and not str(fields["name"]).strip():
        raise ActionRefused(_("Give the step a name."))
    for name, value in fields.items():
        setattr(step, name, value.strip() if isinstance(value, str) else value)
    step.save()
    if "name" in fields:
        Requirement.objects.filter(child=step).update(name=step.name)
    audit.record(
        action="pathways.step.updated",
        actor=actor,
        issuer=step.pathway.issuer,
        target=step.pathway,
        data={"step": str(step.uuid), "fields": sorted(fields)},
    )
    return step


@transaction.atomic
def requirement_remove(*, requirement: Requirement, actor: Any) -> None:
    """Take a badge or a sub-step (with everything in it) out of a step."""
    step = requirement.step
    data = {"step": str(step.uuid), "achievement": requirement.achievement_id}
    if requirement.child_id is not None:
        Step.objects.filter(pk=requirement.child_id).delete()  # its requirement goes with it
    else:
        requirement.delete()
    audit.record(
        action="pathways.requirement.removed",
        actor=actor,
        issuer=step.pathway.issuer,
        target=step.pathway,
        data=data,
    )


@transaction.atomic
def pathway_follow(*, pathway: Pathway, user: Any, follow: bool = True) -> Progress:
    """Follow a pathway (it is shown in the person's backpack), or stop following it."""
    if pathway.status != PathwayStatus.PUBLISHED:
        raise ActionRefused(_("Only a published pathway can be followed."))
    progress, _created = Progress.objects.get_or_create(pathway=pathway, user=user)
    if progress.followed != follow:
        progress.followed = follow
        progress.save(update_fields=["followed", "updated_at"])
    audit.record(
        action="pathways.pathway.followed" if follow else "pathways.pathway.unfollowed",
        actor=user,
        target=pathway,
    )
    if _created:
        from blason.pathways import tasks

        enqueue_on_commit(tasks.progress_recompute, user_id=user.pk)
    return progress
