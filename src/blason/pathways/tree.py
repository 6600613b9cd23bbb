"""Evaluating a pathway's tree of steps against what a person holds (pure: no queries)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from blason.pathways.holdings import Held
from blason.pathways.models import Pathway, Requirement, Step


@dataclass
class Shape:
    """A pathway with its steps and requirements, loaded once."""

    pathway: Pathway
    root: Step
    steps: dict[int, Step]
    requirements: dict[int, list[Requirement]]  # step id → its requirements, in order

    def badge_requirements(self) -> list[Requirement]:
        """The badges asked for anywhere in this pathway (``requirements`` may hold other
        pathways' steps too: it is shared by the pathways loaded together)."""
        return [r for pk in self.steps for r in self.requirements.get(pk, []) if not r.is_step]

    def walk(self, step: Step | None = None) -> Iterable[Step]:
        """The steps, parents before children, in the order shown."""
        step = step or self.root
        yield step
        for requirement in self.requirements.get(step.pk, []):
            if requirement.child_id is not None and requirement.child_id in self.steps:
                yield from self.walk(self.steps[requirement.child_id])


def shapes(
    pathways: Sequence[Pathway], steps: Iterable[Step], requirements: Iterable[Requirement]
) -> dict[int, Shape]:
    by_pathway: dict[int, dict[int, Step]] = defaultdict(dict)
    for step in steps:
        by_pathway[step.pathway_id][step.pk] = step
    by_step: dict[int, list[Requirement]] = defaultdict(list)
    for requirement in sorted(requirements, key=lambda r: (r.position, r.pk)):
        by_step[requirement.step_id].append(requirement)
    found = {}
    for pathway in pathways:
        rows = by_pathway.get(pathway.pk, {})
        root = next((s for s in rows.values() if s.parent_id is None), None)
        if root is not None:
            found[pathway.pk] = Shape(pathway, root, rows, by_step)
    return found


def matches(requirement: Requirement, held: Held) -> bool:
    if requirement.badge_id is not None and held.badge_id == requirement.badge_id:
        return True
    ids = {requirement.achievement_id, requirement.ob2_id} - {""}
    return bool(ids & held.achievement_ids)


@dataclass
class StepResult:
    step: Step
    met: list[bool]  # per requirement, in order
    done: int
    needed: int
    complete: bool
    evidence: list[Held] = field(default_factory=list)  # the badges that count for it


@dataclass
class Evaluation:
    shape: Shape
    steps: dict[int, StepResult]
    held_badges: int  # badges of the pathway held
    badges: int  # badges in the pathway

    @property
    def root(self) -> StepResult:
        return self.steps[self.shape.root.pk]


def evaluate(shape: Shape, held: Sequence[Held]) -> Evaluation:
    results: dict[int, StepResult] = {}

    def visit(step: Step, depth: int) -> StepResult:
        rows = shape.requirements.get(step.pk, [])
        met, evidence = [], []
        for requirement in rows:
            if requirement.child_id is not None:
                child = shape.steps.get(requirement.child_id)
                if child is None or depth > 20:
                    met.append(False)
                    continue
                result = visit(child, depth + 1)
                met.append(result.complete)
                if result.complete:
                    evidence.extend(result.evidence)
            else:
                found = next((h for h in held if matches(requirement, h)), None)
                met.append(found is not None)
                if found is not None:
                    evidence.append(found)
        done = sum(met)
        needed = step.needed(len(rows))
        result = StepResult(step, met, done, needed, bool(rows) and done >= needed, evidence)
        results[step.pk] = result
        return result

    visit(shape.root, 0)
    badge_rows = shape.badge_requirements()
    held_count = sum(1 for r in badge_rows if any(matches(r, h) for h in held))
    return Evaluation(shape, results, held_count, len(badge_rows))
