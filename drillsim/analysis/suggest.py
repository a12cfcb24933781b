"""Test the suggested improvements by simulation and rank them (the sensitivity, or tornado, table).

Each suggested change runs with the same seed and replication indices as the base, so its
effect on each objective is a paired difference under common random numbers. A suggestion also
names its change as a message key and parameters (agency names, figures), like the findings do,
so each report can word it in its own language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from drillsim.analysis.findings import Finding
from drillsim.analysis.messages import MESSAGES, say, short_name
from drillsim.analysis.stats import Interval, paired_difference
from drillsim.durations import clock
from drillsim.scenario import Scenario, Variant
from drillsim.semantics import check_variant
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
    """A tested improvement and its effect on every objective, ranked by total gain.

    Attributes:
        variant: The change, as a variant of the scenario.
        finding: Title of the finding it answers.
        effects: Its paired effect on each objective.
        message: Key of the change's short label in :mod:`drillsim.analysis.messages`.
        params: The names and figures the label is filled with (already formatted).
    """

    variant: Variant
    finding: str
    effects: tuple[ObjectiveEffect, ...]
    message: str = ""
    params: dict[str, str] = field(default_factory=dict)

    @property
    def gain(self) -> float:
        """Sum over objectives of the change in success share."""
        return sum(e.met_diff for e in self.effects)


MANY_RECIPIENTS = 3
"""From this many recipients on, a direct-alert change is labelled by their number, not names."""


def _name(scenario: Scenario, agency: str) -> str:
    """Short display name of an agency (its id when unknown)."""
    return short_name(scenario.agency_label(agency))


def describe_change(scenario: Scenario, variant: Variant) -> tuple[str, dict[str, str]]:
    """The message key and parameters that name a suggested change in a few words.

    One extra duty officer, unit count, direct link, link reliability or delay gets its own wording
    with the agencies' short display names; anything else keeps the variant's description.
    """
    agencies, added, changed = variant.change_agencies, variant.add_links, variant.change_links
    if len(agencies) + len(added) + len(changed) == 1:
        if agencies:
            agency, change = next(iter(agencies.items()))
            if change.duty_officers is not None:
                return "change_officers", {"agency": _name(scenario, agency), "officers": str(change.duty_officers)}
            if change.units is not None:
                return "change_units", {"agency": _name(scenario, agency), "units": str(change.units)}
        if added:
            return _direct(scenario, added[0].from_, added[0].to)
        if changed and changed[0].reliability is not None:
            c = changed[0]
            return "change_reliability", {"sender": _name(scenario, c.from_), "recipient": _name(scenario, c.to),
                                          "reliability": f"{c.reliability:.0%}"}
        if changed and changed[0].delay is not None:
            c = changed[0]
            return "change_delay", {"sender": _name(scenario, c.from_), "recipient": _name(scenario, c.to),
                                    "delay": clock(c.delay.mean())}
    return "change_other", {"description": variant.description or variant.id}


def _direct(scenario: Scenario, sender: str, recipients: Sequence[str]) -> tuple[str, dict[str, str]]:
    if len(recipients) >= MANY_RECIPIENTS:
        return "change_direct_many", {"sender": _name(scenario, sender), "count": str(len(recipients))}
    return "change_direct", {"sender": _name(scenario, sender),
                             "recipients": ", ".join(_name(scenario, r) for r in recipients)}


def suggestion_label(entry: Mapping[str, Any], lang: str) -> str:
    """The short label of a suggestion read from ``analysis.json``, in ``lang``.

    Suggestions written before labels existed (no ``message``) keep the variant's description.
    """
    key, params = entry.get("message"), entry.get("params") or {}
    if key and key in MESSAGES:
        return say(key, "label", lang, params)
    variant = entry.get("variant") or {}
    return str(variant.get("description") or variant.get("id") or "")


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


def candidates(findings: Sequence[Finding], limit: int = 6,
               scenario: Scenario | None = None) -> list[tuple[Variant, str]]:
    """The distinct testable changes of the top findings (at most ``limit``).

    With ``scenario``, a change the scenario format would refuse there (checked as a variant in
    a file is, e.g. a unit count over the limit) is left out rather than simulated.
    """
    seen: set[str] = set()
    out = []
    for f in findings:
        for v in f.variants:
            if v.id not in seen and (scenario is None or _valid(scenario, v)):
                seen.add(v.id)
                out.append((v, f.title))
    return out[:limit]


def _valid(scenario: Scenario, variant: Variant) -> bool:
    return not any(p.severity == "error" for p in check_variant(scenario, variant))


def rank(scenario: Scenario, findings: Sequence[Finding], simulate: Simulate, limit: int = 6) -> list[Suggestion]:
    """Simulate the suggested changes and rank them by how much they improve the objectives."""
    todo = candidates(findings, limit, scenario)
    if not todo:
        return []
    runs = simulate(scenario, [v for v, _ in todo])
    base = runs["base"]
    tested = [Suggestion(v, title, effects(scenario, base, runs[v.id]), *describe_change(scenario, v))
              for v, title in todo]
    return sorted(tested, key=lambda s: -s.gain)
