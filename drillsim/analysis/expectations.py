"""Did each what-if do what the trainer expected? Variant ``expect`` entries against the runs.

A variant may say which objectives it should make better or worse. The check pairs replication
``i`` of the variant with replication ``i`` of the base (common random numbers) and reads the
direction from the success share first, then from the time where both reached the objective,
then from how often the objective was never reached; a direction counts only when its paired
interval excludes zero (Tango's score interval for the two shares, the t interval for the time).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from drillsim.analysis.stats import paired_difference, paired_share_difference
from drillsim.analysis.summary import ReplicationSummary
from drillsim.scenario.model import Scenario

Direction = Literal["better", "worse", "unclear"]


@dataclass(frozen=True, slots=True)
class ExpectationCheck:
    """One expected effect of one variant on one objective, and what the simulation showed.

    Attributes:
        variant: The variant id.
        objective: The objective id.
        expected: ``better`` or ``worse``, as the scenario file says.
        observed: The simulated direction (``unclear`` when no paired difference is significant).
        met_change: Paired change of the success share (variant minus base, -1..1).
        time_change: Paired change of the time in seconds where both reached it (None if never).
        n: Replication pairs compared.
    """

    variant: str
    objective: str
    expected: str
    observed: Direction
    met_change: float
    time_change: float | None
    n: int

    @property
    def as_expected(self) -> bool:
        """True when the simulation moved the objective the expected way."""
        return self.observed == self.expected


def direction(
    base: Sequence[ReplicationSummary], other: Sequence[ReplicationSummary], k: int
) -> tuple[Direction, float, float | None, int]:
    """Direction of objective ``k`` in ``other`` against ``base``, paired by replication."""
    by_rep = {s.replication: s for s in base}
    pairs = [
        (by_rep[s.replication].objectives[k], s.objectives[k])
        for s in other
        if s.replication in by_rep
    ]
    met = paired_share_difference(
        [float(a.met) for a, _ in pairs], [float(b.met) for _, b in pairs]
    )
    both = [(a.time, b.time) for a, b in pairs if a.time is not None and b.time is not None]
    time = paired_difference([a for a, _ in both], [b for _, b in both]) if both else None
    never = paired_share_difference(
        [float(a.time is None) for a, _ in pairs], [float(b.time is None) for _, b in pairs]
    )
    time_change = time.mean if time else None
    if met.significant:
        return ("better" if met.mean > 0 else "worse"), met.mean, time_change, len(pairs)
    if time is not None and time.significant:
        return ("better" if time.mean < 0 else "worse"), met.mean, time_change, len(pairs)
    if never.significant:
        return ("better" if never.mean < 0 else "worse"), met.mean, time_change, len(pairs)
    return "unclear", met.mean, time_change, len(pairs)


def check_expectations(
    scenario: Scenario, summaries: dict[str, list[ReplicationSummary]], base: str = "base"
) -> list[ExpectationCheck]:
    """Every ``expect`` entry of every variant that was run, checked against the base."""
    index = {o.id: k for k, o in enumerate(scenario.objectives)}
    out = []
    for v in scenario.variants:
        if v.expect is None or not summaries.get(v.id) or not summaries.get(base):
            continue
        for expected, ids in (("better", v.expect.better), ("worse", v.expect.worse)):
            for obj in ids:
                observed, met, time, n = direction(summaries[base], summaries[v.id], index[obj])
                out.append(ExpectationCheck(v.id, obj, expected, observed, met, time, n))
    return out
