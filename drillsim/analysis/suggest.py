"""Test the suggested improvements by simulation and rank them (the sensitivity, or tornado, table).

Each suggested change runs with the same seed and replication indices as the base, so its
effect on each objective is a paired difference under common random numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from drillsim.analysis.findings import Finding
from drillsim.analysis.stats import Interval, paired_difference
from drillsim.scenario import Scenario, Variant
from drillsim.summary import ReplicationSummary

Simulate = Callable[[Scenario, Sequence[Variant]], dict[str, list[ReplicationSummary]]]
"""Runs the base and the given variants (the experiment layer supplies it; analysis never simulates)."""


@dataclass(frozen=True, slots=True)
class ObjectiveEffect:
    """A suggested change's paired effect on one objective."""

    objective: str
    met_diff: float
    met_ci: Interval
    median_diff: float | None
    significant: bool


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A tested improvement and its effect on every objective, ranked by total gain."""

    variant: Variant
    finding: str
    effects: tuple[ObjectiveEffect, ...]

    @property
    def gain(self) -> float:
        """Sum over objectives of the change in success share."""
        return sum(e.met_diff for e in self.effects)


def _median(values: list[float]) -> float | None:
    vals = sorted(values)
    if not vals:
        return None
    mid = len(vals) // 2
    return vals[mid] if len(vals) % 2 else (vals[mid - 1] + vals[mid]) / 2


def effects(scenario: Scenario, base: list[ReplicationSummary],
            other: list[ReplicationSummary]) -> tuple[ObjectiveEffect, ...]:
    """Paired effect of a variant on each objective."""
    by_rep = {s.replication: s for s in base}
    pairs = [(by_rep[s.replication], s) for s in other if s.replication in by_rep]
    out = []
    for k, obj in enumerate(scenario.objectives):
        d = paired_difference([float(a.objectives[k].met) for a, _ in pairs],
                              [float(b.objectives[k].met) for _, b in pairs])
        both = [(a.objectives[k].time, b.objectives[k].time) for a, b in pairs
                if a.objectives[k].time is not None and b.objectives[k].time is not None]
        med = _median([b - a for a, b in both]) if both else None  # type: ignore[operator]
        out.append(ObjectiveEffect(obj.id, d.mean, d.ci, med, d.significant))
    return tuple(out)


def candidates(findings: Sequence[Finding], limit: int = 6) -> list[tuple[Variant, str]]:
    """The distinct testable changes of the top findings (at most ``limit``)."""
    seen: set[str] = set()
    out = []
    for f in findings:
        for v in f.variants:
            if v.id not in seen:
                seen.add(v.id)
                out.append((v, f.title))
    return out[:limit]


def rank(scenario: Scenario, findings: Sequence[Finding], simulate: Simulate, limit: int = 6) -> list[Suggestion]:
    """Simulate the suggested changes and rank them by how much they improve the objectives."""
    todo = candidates(findings, limit)
    if not todo:
        return []
    runs = simulate(scenario, [v for v, _ in todo])
    base = runs["base"]
    tested = [Suggestion(v, title, effects(scenario, base, runs[v.id])) for v, title in todo]
    return sorted(tested, key=lambda s: -s.gain)
