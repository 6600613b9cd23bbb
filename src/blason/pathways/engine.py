"""The engine: after an award, a claim, an import or a revocation, the progress of the person
in every pathway that contains one of their badges is computed again (``progress_recompute``),
and the milestone and completion badges they now qualify for are issued, once each.

It runs in the background, after the commit of the change (``tasks``, queued by ``receivers``
from the hooks of ``blason.core.hooks``), and is safe to run twice or at the same moment for
the same person: a milestone is recorded under a unique (step, person) constraint in the
transaction that issues its badge, so two runs at once give one badge and one e-mail.

Bounded: a recomputation reads a fixed number of queries (what the person holds, which
pathways concern them, those pathways' steps and requirements, their progress and milestones)
and writes one, whatever the number of pathways and holders; only a badge issued adds its own.
"""

from __future__ import annotations

import logging
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from blason.core import audit
from blason.core.exceptions import ActionRefused
from blason.issuing.awarding.services import EvidenceInput, award_issue
from blason.issuing.models import BadgeClass
from blason.pathways import sms as pathway_sms
from blason.pathways import tree
from blason.pathways.holdings import Held, held_by
from blason.pathways.models import (
    Decision,
    Milestone,
    Pathway,
    PathwayStatus,
    Progress,
    Requirement,
    Step,
)

logger = logging.getLogger(__name__)


_COMPARED = ("done", "needed", "held", "badges", "steps_done", "completed_at")


def _concerned(user_id: int, held: list[Held]) -> set[int]:
    """The pathways where the person holds a badge or already has a progress (two queries)."""
    badge_ids = {h.badge_id for h in held if h.badge_id is not None}
    ids = {i for h in held for i in h.achievement_ids}
    wanted = Q(badge_id__in=badge_ids) | Q(achievement_id__in=ids) | Q(ob2_id__in=ids)
    found = set(
        Requirement.objects.filter(wanted).values_list("step__pathway_id", flat=True).distinct()
        if badge_ids or ids
        else []
    )
    found |= set(Progress.objects.filter(user_id=user_id).values_list("pathway_id", flat=True))
    return found


def load_shapes(pathway_ids: set[int] | list[int]) -> dict[int, tree.Shape]:
    """The published pathways among ``pathway_ids`` with their trees (three queries)."""
    pathways = list(
        Pathway.objects.filter(pk__in=pathway_ids, status=PathwayStatus.PUBLISHED).select_related(
            "completion_badge", "issuer"
        )
    )
    chosen = [p.pk for p in pathways]
    steps = Step.objects.filter(pathway_id__in=chosen).select_related("milestone_badge")
    requirements = Requirement.objects.filter(step__pathway_id__in=chosen).select_related("badge")
    return tree.shapes(pathways, steps, requirements)


def reward_badge(shape: tree.Shape, step: Step) -> BadgeClass | None:
    """The badge a step earns: the pathway's completion badge for the root step."""
    return shape.pathway.completion_badge if step.pk == shape.root.pk else step.milestone_badge


def progress_recompute(*, user_id: int) -> list[Progress]:
    """Compute again where the person stands in every pathway that concerns them, store it,
    issue the milestone and completion badges newly earned, and flag the ones issued before
    whose step is no longer reached. Returns the progress rows written."""
    held = held_by(user_id)
    shapes = load_shapes(_concerned(user_id, held))
    if not shapes:
        return []
    known = {p.pathway_id: p for p in Progress.objects.filter(user_id=user_id, pathway__in=shapes)}
    reached = {
        m.step_id: m for m in Milestone.objects.filter(user_id=user_id, step__pathway__in=shapes)
    }
    now = timezone.now()
    rows, earned, lost = [], [], []
    for pathway_id, shape in shapes.items():
        result = tree.evaluate(shape, held)
        before = known.get(pathway_id)
        if result.held_badges == 0 and before is None:
            continue
        root = result.root
        completed_at = (before.completed_at if before else None) or (now if root.complete else None)
        if not root.complete:
            completed_at = None
        row = Progress(
            pathway_id=pathway_id,
            user_id=user_id,
            done=min(root.done, root.needed),
            needed=root.needed,
            held=result.held_badges,
            badges=result.badges,
            steps_done=[str(s.step.uuid) for s in result.steps.values() if s.complete],
            completed_at=completed_at,
            followed=before.followed if before else False,
        )
        if before is None or any(getattr(row, name) != getattr(before, name) for name in _COMPARED):
            rows.append(row)  # written only when it changed
        for step_result in result.steps.values():
            milestone = reached.get(step_result.step.pk)
            if step_result.complete and milestone is None:
                if reward_badge(shape, step_result.step) is not None:
                    earned.append((shape, step_result))
            elif (
                not step_result.complete
                and milestone is not None
                and milestone.award_id
                and not milestone.flagged_at
                and not milestone.decision
            ):
                lost.append(milestone.pk)
    if rows:
        Progress.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["pathway", "user"],
            update_fields=["done", "needed", "held", "badges", "steps_done", "completed_at"],
        )
    if lost:
        Milestone.objects.filter(pk__in=lost, flagged_at__isnull=True).update(flagged_at=now)
    held_badge_ids = {h.badge_id for h in held if h.badge_id is not None}
    for shape, step_result in earned:
        try:
            milestone_issue(
                shape=shape, result=step_result, user_id=user_id, held_badges=held_badge_ids
            )
        except ActionRefused as exc:  # an unpublished badge: tried again on the next change
            logger.warning("milestone of step %s not issued: %s", step_result.step.pk, exc)
    return rows


def _recipient(user: Any) -> dict[str, str]:
    """Where the badge is sent: the account's verified e-mail address (the primary one
    first), else its verified phone number; and the account's name."""
    address = (
        EmailAddress.objects.filter(user=user, verified=True)
        .order_by("-primary", "id")
        .values_list("email", flat=True)
        .first()
    )
    phone = user.phone if user.phone and user.phone_verified and not address else ""
    return {"email": address or "", "phone": phone, "name": user.display_name or ""}


def _evidence(result: tree.StepResult) -> list[EvidenceInput]:
    items = []
    for held in result.evidence:
        url = held.credential_id if held.credential_id.startswith(("https://", "http://")) else ""
        items.append(
            EvidenceInput(name=held.name[:200], url=url, narrative="" if url else held.name)
        )
    return items


def milestone_issue(
    *, shape: tree.Shape, result: tree.StepResult, user_id: int, held_badges: set[int]
) -> Milestone | None:
    """Issue the badge of a step the person reached, once: the ``Milestone`` row, unique per
    (step, person), is written in the transaction that awards the badge. A second run, even at
    the same moment, finds the row (or waits for the first transaction and then finds it) and
    issues nothing. A person who already holds the badge gets none more."""
    from blason.backpack.services import claim_award

    step = result.step
    badge = reward_badge(shape, step)
    if badge is None:
        return None
    user = get_user_model().objects.get(pk=user_id)
    with transaction.atomic():
        milestone, created = Milestone.objects.get_or_create(step=step, user=user)
        if not created:
            return None
        if badge.pk in held_badges:
            return milestone  # reached, with the badge they already hold
        recipient = _recipient(user)
        if not (recipient["email"] or recipient["phone"]):
            return milestone  # nowhere to send it: reached, without a badge
        language = user.language or None
        with translation.override(language):
            narrative = _("Reached in the pathway “%(pathway)s”: %(step)s") % {
                "pathway": shape.pathway.name,
                "step": step.name,
            }
        award = award_issue(
            badge=badge,
            actor=None,
            narrative=narrative,
            evidence=_evidence(result),
            language=language,
            idempotency_key=f"pathway-step:{step.uuid}:{user.uuid}",
            email=recipient["email"],
            phone=recipient["phone"],
            name=recipient["name"],
            # By e-mail as any award; by phone, the claim code the usual SMS gives is used at
            # once below: ``pathway_sms`` tells them it is in their backpack instead.
            notify=bool(recipient["email"]),
        )
        pathway_sms.record(award, pathway_name=shape.pathway.name)
        milestone.award = award
        milestone.save(update_fields=["award"])
        audit.record(
            action="pathways.milestone.issued",
            actor=None,
            issuer=shape.pathway.issuer,
            target=award,
            data={"pathway": str(shape.pathway.uuid), "step": str(step.uuid)},
        )
        # Theirs: into their backpack now, as a claim code would bring it.
        claim_award(user=user, code=award.claim_code or "")
    return milestone


@transaction.atomic
def milestone_decide(*, milestone: Milestone, actor: Any, keep: bool, reason: str = "") -> None:
    """The issuer's answer about a flagged milestone: keep it, or revoke its badge."""
    from blason.issuing.awarding.services import award_revoke

    locked = Milestone.objects.select_for_update(of=("self",)).select_related(
        "award", "step__pathway"
    )
    milestone = locked.get(pk=milestone.pk)
    if milestone.flagged_at is None or milestone.decision:
        raise ActionRefused(_("This milestone was already decided."))
    milestone.decision = Decision.KEPT if keep else Decision.REVOKED
    milestone.decided_at = timezone.now()
    milestone.save(update_fields=["decision", "decided_at"])
    if not keep and milestone.award is not None and milestone.award.revoked_at is None:
        award_revoke(
            award=milestone.award,
            actor=actor,
            reason=reason or _("A badge of this step was revoked."),
        )
    audit.record(
        action="pathways.milestone.kept" if keep else "pathways.milestone.revoked",
        actor=actor,
        issuer=milestone.step.pathway.issuer,
        target=milestone.step.pathway,
        data={"step": str(milestone.step.uuid), "user": milestone.user_id},
    )
