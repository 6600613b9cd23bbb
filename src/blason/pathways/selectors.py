"""Reads on pathways: a space's pathways, a pathway's tree as one person sees it, the pathways
a person follows or could discover, a badge's pathways, and the issuer's funnel.

A bounded number of queries each, whatever the number of pathways, steps and people.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractYear

from blason.core.models import Issuer
from blason.core.site import absolute_url
from blason.pathways import tree
from blason.pathways.engine import load_shapes
from blason.pathways.holdings import Held, held_by
from blason.pathways.models import (
    Milestone,
    Pathway,
    PathwayStatus,
    Progress,
    Requirement,
    Step,
)

SMALL_GROUP = 5  # statistics never show a group under this size


def pathways_of(issuer: Issuer) -> QuerySet[Pathway]:
    return Pathway.objects.filter(issuer=issuer).select_related("completion_badge")


def shape_of(pathway: Pathway) -> tree.Shape | None:
    """The pathway's tree, whatever its status (three queries)."""
    steps = Step.objects.filter(pathway=pathway).select_related("milestone_badge")
    requirements = Requirement.objects.filter(step__pathway=pathway).select_related("badge")
    return tree.shapes([pathway], steps, requirements).get(pathway.pk)


def public_pathway(uuid: Any) -> Pathway | None:
    """A published pathway that anyone may see."""
    return (
        Pathway.objects.select_related("issuer", "completion_badge")
        .filter(uuid=uuid, status=PathwayStatus.PUBLISHED, public=True)
        .first()
    )


@dataclass
class Entry:
    """One requirement as a person sees it."""

    name: str
    met: bool
    how_to_url: str = ""
    image_url: str = ""
    badge_url: str = ""
    children: list[Entry] = field(default_factory=list)
    rule_text: str = ""
    is_step: bool = False


@dataclass
class PathwayView:
    pathway: Pathway
    done: int
    needed: int
    complete: bool
    entries: list[Entry]
    followed: bool = False

    @property
    def next_entry(self) -> Entry | None:
        """The first requirement not met yet, in the order shown (the next step)."""
        for entry in self.entries:
            if not entry.met:
                return entry
        return None


def _badge_image(requirement: Requirement) -> str:
    badge = requirement.badge
    if badge is not None and badge.image:
        return absolute_url("badge_image", badge.uuid)
    return ""


def _entries(shape: tree.Shape, result: tree.Evaluation | None, step: Step) -> list[Entry]:
    rows = shape.requirements.get(step.pk, [])
    met = result.steps[step.pk].met if result and step.pk in result.steps else [False] * len(rows)
    entries = []
    for requirement, ok in zip(rows, met, strict=True):
        if requirement.child_id is not None and requirement.child_id in shape.steps:
            child = shape.steps[requirement.child_id]
            entries.append(
                Entry(
                    name=child.name,
                    met=ok,
                    how_to_url=child.how_to_url,
                    children=_entries(shape, result, child),
                    is_step=True,
                    rule_text=_rule_text(child, len(shape.requirements.get(child.pk, []))),
                )
            )
        else:
            entries.append(
                Entry(
                    name=requirement.name or requirement.achievement_id,
                    met=ok,
                    how_to_url=requirement.how_to_url or step.how_to_url,
                    image_url=_badge_image(requirement),
                    badge_url=requirement.achievement_id
                    if requirement.achievement_id.startswith(("https://", "http://"))
                    else "",
                )
            )
    return entries


def _rule_text(step: Step, count: int) -> str:
    from django.utils.translation import gettext as _

    needed = step.needed(count)
    if needed == count:
        return _("all of them")
    return _("%(needed)d of %(count)d") % {"needed": needed, "count": count}


def view_of(shape: tree.Shape, held: list[Held] | None, followed: bool = False) -> PathwayView:
    """The pathway as a person holding ``held`` sees it (no person: nothing met)."""
    result = tree.evaluate(shape, held) if held is not None else None
    root = result.root if result else None
    return PathwayView(
        pathway=shape.pathway,
        done=min(root.done, root.needed) if root else 0,
        needed=root.needed
        if root
        else shape.root.needed(len(shape.requirements.get(shape.root.pk, []))),
        complete=bool(root and root.complete),
        entries=_entries(shape, result, shape.root),
        followed=followed,
    )


def person_pathways(user_id: int, *, public_only: bool = False) -> list[PathwayView]:
    """The published pathways the person follows, with their progress (the backpack's block;
    on the public page, ``public_only``: counted over the badges they made public)."""
    followed = list(
        Progress.objects.filter(
            user_id=user_id, followed=True, pathway__status=PathwayStatus.PUBLISHED
        ).values_list("pathway_id", flat=True)
    )
    if not followed:
        return []
    held = held_by(user_id, public_only=public_only)
    shapes = load_shapes(followed)
    views = [view_of(shapes[pk], held, followed=True) for pk in followed if pk in shapes]
    return sorted(views, key=lambda v: (v.complete, v.pathway.name))


def to_discover(user_id: int, limit: int = 6) -> list[Progress]:
    """Published, public pathways where the person holds a badge and that they do not
    follow yet (most advanced first)."""
    return list(
        Progress.objects.filter(
            user_id=user_id,
            followed=False,
            held__gt=0,
            pathway__status=PathwayStatus.PUBLISHED,
            pathway__public=True,
        )
        .select_related("pathway__issuer")
        .order_by("-done", "pathway__name")[:limit]
    )


def pathways_with_badge(badge: Any, achievement_id: str) -> list[Pathway]:
    """The published, public pathways that ask for this badge."""
    wanted = Q(badge_id=badge.pk) | Q(achievement_id=achievement_id)
    ids = Requirement.objects.filter(wanted).values("step__pathway_id")
    return list(
        Pathway.objects.filter(pk__in=ids, status=PathwayStatus.PUBLISHED, public=True)
        .select_related("issuer")
        .order_by("name")[:20]
    )


def progress_of(pathway: Pathway, user: Any) -> Progress | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Progress.objects.filter(pathway=pathway, user=user).first()


def masked(count: int) -> str:
    """A count as statistics show it: under five people, "< 5"."""
    return "< 5" if 0 < count < SMALL_GROUP else str(count)


@dataclass
class Funnel:
    people: str
    followers: str
    steps: list[tuple[Step, str]]
    completed: str


def funnel(shape: tree.Shape) -> Funnel:
    """How many people hold a badge of the pathway, follow it, reached each step and
    completed it (one query over the pathway's progress rows)."""
    people = followers = completed = 0
    reached: dict[str, int] = {}
    rows = Progress.objects.filter(pathway=shape.pathway).values_list(
        "followed", "held", "steps_done", "completed_at"
    )
    for followed, held, steps_done, completed_at in rows.iterator(chunk_size=2000):
        if not (held or followed):
            continue
        people += 1
        followers += bool(followed)
        completed += completed_at is not None
        for uuid in steps_done or []:
            reached[uuid] = reached.get(uuid, 0) + 1
    steps = [(s, masked(reached.get(str(s.uuid), 0))) for s in shape.walk() if s.parent_id]
    return Funnel(masked(people), masked(followers), steps, masked(completed))


def one_away(pathway: Pathway, limit: int = 200) -> list[Progress]:
    """The people following the pathway who miss one requirement to complete it (only those
    who chose to follow it: the others' badges are not the issuer's to look at)."""
    rows = Progress.objects.filter(pathway=pathway, followed=True, completed_at__isnull=True)
    return [
        row
        for row in rows.select_related("user").order_by("-updated_at")[: limit * 5]
        if row.needed and row.needed - row.done == 1
    ][:limit]


def followers_rows(pathway: Pathway) -> Iterable[Progress]:
    """The followers' progress, for the CSV export."""
    return (
        Progress.objects.filter(pathway=pathway, followed=True)
        .select_related("user")
        .order_by("user__display_name", "pk")
        .iterator(chunk_size=2000)
    )


def flagged(pathway: Pathway) -> list[Milestone]:
    """Milestones whose step is no longer reached since a badge was revoked, to decide."""
    return list(
        Milestone.objects.filter(
            step__pathway=pathway, flagged_at__isnull=False, decision=""
        ).select_related("user", "award", "step")
    )


def completions_by_issuer(
    *, since: Any = None, until: Any = None, by_year: bool = False
) -> list[tuple[int, int | None, int]]:
    """Pathways completed (a person completing a pathway, once), per issuer of the pathway:
    ``(issuer_id, year or None, count)`` between two instants, or per calendar year of
    completion with ``by_year`` (one grouped query; for the dashboards' facts)."""
    rows = Progress.objects.filter(completed_at__isnull=False)
    if since is not None:
        rows = rows.filter(completed_at__gte=since)
    if until is not None:
        rows = rows.filter(completed_at__lt=until)
    if by_year:
        grouped = (
            rows.annotate(year=ExtractYear("completed_at"))
            .order_by()
            .values_list("pathway__issuer_id", "year")
            .annotate(count=Count("id"))
        )
        return [(issuer, year, count) for issuer, year, count in grouped]
    counted = rows.order_by().values_list("pathway__issuer_id").annotate(count=Count("id"))
    return [(issuer, None, count) for issuer, count in counted]


def occupations_headed_for(user: Any, *, issuer: Any = None) -> list[tuple[str, str]]:
    """(ROME code, pathway name) of the published pathways the person follows or completed,
    of ``issuer`` only when it is given (``jobs.hooks.PERSON_OCCUPATIONS``: a counsellor's
    view of a young person counts the offers for them too)."""
    rows = Progress.objects.filter(user=user, pathway__status=PathwayStatus.PUBLISHED).filter(
        Q(followed=True) | Q(completed_at__isnull=False)
    )
    if issuer is not None:
        rows = rows.filter(pathway__issuer=issuer)
    found: list[tuple[str, str]] = []
    for name, codes in rows.order_by("pathway__name").values_list(
        "pathway__name", "pathway__occupations"
    ):
        found.extend((str(code), name) for code in codes or [] if isinstance(code, str))
    return found
