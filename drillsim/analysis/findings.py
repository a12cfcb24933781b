"""Ranked bottleneck findings: what delayed the objectives, where, and what change to try.

Each finding carries its evidence (critical-path shares, queue figures, the structural cut),
a severity used for ranking, the owner agency, and, where a variant can test it, the
suggested change as a :class:`~drillsim.scenario.Variant` that :mod:`drillsim.analysis.suggest`
simulates under common random numbers.

Severity of a delay finding = the share of the objective's critical path spent there x the
share of replications missing the objective (x 0.5 for non-critical objectives), summed over
objectives; a structural finding weighs the share of needed agencies it cuts off, so a single
point of failure ranks even when the baseline meets every target.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from drillsim.analysis.graph import GraphStructure
from drillsim.analysis.paths import CATEGORY_LABELS
from drillsim.analysis.results import ObjectiveStats, QueueSummary
from drillsim.durations import clock
from drillsim.scenario import Scenario, Variant

FIXABLE = ("handling", "units", "link", "retries")


@dataclass
class Finding:
    """One area for improvement.

    Attributes:
        kind: desk, units, link, mobilisation, single_point, bridge, unreachable.
        title: One line.
        text: What happens, in a trainer's words.
        evidence: The numbers behind it.
        agency: Owner agency (who must act).
        link: The link concerned, ``from->to``.
        objectives: Objectives affected.
        severity: Ranking score (see module docstring).
        suggestion: The improvement in words.
        variants: Changes a simulation can test (best first).
    """

    kind: str
    title: str
    text: str
    evidence: str
    agency: str | None
    link: str | None
    objectives: list[str]
    severity: float
    suggestion: str
    variants: list[Variant] = field(default_factory=list)


def _label(scenario: Scenario, agency: str | None) -> str:
    for a in scenario.agencies:
        if a.id == agency:
            return a.label
    return agency or ""


def _weight(st: ObjectiveStats) -> float:
    return (1.0 - st.met.share) * (1.0 if st.objective.critical else 0.5)


def _part_findings(scenario: Scenario, stats: list[ObjectiveStats], queues: list[QueueSummary]) -> list[Finding]:
    """Group critical-path time by (category, agency or link) over the objectives that fall short."""
    acc: dict[str, dict[str, Any]] = {}
    for st in stats:
        total = sum(st.split.values())
        w = _weight(st)
        if total <= 0 or w <= 0:
            continue
        for part, secs in st.parts.items():
            category, where = part.split("@", 1)
            if not where:
                continue
            key = f"{'mobilisation' if category in ('activation', 'travel') else category}@{where}"
            entry = acc.setdefault(key, {"score": 0.0, "objectives": [], "shares": []})
            entry["score"] += w * secs / total
            entry["objectives"].append(st.objective.id)
            entry["shares"].append(f"{st.objective.id} {secs / total:.0%} ({clock(secs)})")
    out = []
    queue = {(q.agency, q.resource): q for q in queues}
    for key, e in acc.items():
        if e["score"] < 0.02:
            continue
        category, where = key.split("@", 1)
        out.append(_describe(scenario, category, where, e, queue))
    return [f for f in out if f is not None]


def _describe(scenario: Scenario, category: str, where: str, e: dict[str, Any],
              queue: dict[tuple[str, str], QueueSummary]) -> Finding | None:
    objs = sorted(set(e["objectives"]))
    evidence = "critical-path share: " + "; ".join(e["shares"])
    if category == "handling":
        q = queue.get((where, "desk"))
        agency = scenario.agency(where) if where in {a.id for a in scenario.agencies} else None
        if q is None or agency is None:
            return None
        text = (f"Alerts queue at the duty desk of {agency.label}: {q.capacity} duty officer(s), busy "
                f"{q.utilisation:.0%} of the time; a message waits {clock(q.mean_wait)} on average, "
                f"{clock(q.worst_wait)} at worst, with up to {q.longest_queue} waiting.")
        return Finding("desk", f"Duty desk of {agency.label} delays the alerts", text, evidence, where, None, objs,
                       e["score"], f"Add a duty officer at {agency.label}, or link the detecting agency "
                       "directly to the agencies behind it", _desk_variants(scenario, where))
    if category == "units":
        q = queue.get((where, "units"))
        label = _label(scenario, where)
        text = (f"Work waits for units of {label}: {q.mean_wait and clock(q.mean_wait)} on average, "
                f"worst {clock(q.worst_wait)}, {q.capacity} unit(s) busy {q.utilisation:.0%}." if q else
                f"Work waits for units of {label}.")
        units = scenario.agency(where).units
        return Finding("units", f"Not enough units at {label}", text, evidence, where, None, objs, e["score"],
                       f"Give {label} one more unit (or let another agency take the work)",
                       [Variant(id=f"more-units-{where}", description=f"{label}: {units + 1} units",
                                change_agencies={where: {"units": units + 1}})])
    if category in ("link", "retries"):
        src, dst = where.split("->", 1)
        link = next((lk for lk in scenario.links if lk.from_ == src and dst in lk.to), None)
        what = "to failed tries and retries on" if category == "retries" else "in transmission over"
        variants = []
        if link is not None and link.reliability < 0.99:
            variants.append(Variant(id=f"reliable-{src}-{dst}", description=f"{where}: reliability 0.99",
                                    change_links=[{"from": src, "to": dst, "reliability": 0.99}]))
        return Finding("link", f"Time lost {what} the link {_label(scenario, src)} → {_label(scenario, dst)}",
                       f"The alert from {_label(scenario, src)} to {_label(scenario, dst)} is slow"
                       + (f" (reliability {link.reliability:.0%}, retry {clock(link.retry)})." if link else "."),
                       evidence, src, where, objs, e["score"],
                       "Make the link more reliable (a dedicated line) or add a backup channel", variants)
    if category == "mobilisation":
        label = _label(scenario, where)
        return Finding("mobilisation", f"{label} takes long to mobilise and arrive",
                       f"Activation and travel of {label} dominate the objectives it serves.", evidence, where, None,
                       objs, e["score"] * 0.5,
                       f"Pre-position or put a standby team of {label} on alert before the exercise window")
    return None


def _desk_variants(scenario: Scenario, hub: str) -> list[Variant]:
    agency = scenario.agency(hub)
    out = [Variant(id=f"second-officer-{hub}", description=f"{agency.label}: {agency.duty_officers + 1} duty officers",
                   change_agencies={hub: {"duty_officers": agency.duty_officers + 1}})]
    senders = [lk for lk in scenario.links if hub in lk.to]
    behind = [t for lk in scenario.links if lk.from_ == hub for t in lk.to]
    if senders and behind:
        first = senders[0]
        out.append(Variant(id=f"bypass-{hub}", description=f"{first.from_} alerts {', '.join(behind)} directly",
                           add_links=[{"from": first.from_, "to": behind, "channel": "direct_line",
                                       "delay": first.delay.model_dump(mode="json")}]))
    return out


def _structural(scenario: Scenario, s: GraphStructure) -> list[Finding]:
    needed = set(s.needed)
    out = []
    for cut in s.articulation_points:
        lost = [a for a in cut.cut_off if a in needed]
        if not lost or cut.element in s.sources:  # a detecting agency is where alerts start, not a relay
            continue
        names = ", ".join(_label(scenario, a) for a in lost)
        out.append(Finding("single_point", f"{_label(scenario, cut.element)} is a single point of failure",
                           f"If {_label(scenario, cut.element)} is lost, no alert can reach {names}.",
                           f"betweenness {s.betweenness.get(cut.element, 0):.2f}; cut off: {', '.join(lost)}",
                           cut.element, None, [], 0.3 * len(lost) / max(1, len(needed)),
                           "Add a second alerting path that does not pass through it"))
    for cut in s.bridges:
        lost = [a for a in cut.cut_off if a in needed]
        if not lost:
            continue
        src, dst = cut.element.split("->", 1)
        link = next((lk for lk in scenario.links if lk.from_ == src and dst in lk.to), None)
        if link is not None and link.backup is not None:
            continue
        names = ", ".join(_label(scenario, a) for a in lost)
        out.append(Finding("bridge", f"The link {_label(scenario, src)} → {_label(scenario, dst)} is the only path",
                           f"If this link fails, {names} cannot be alerted (a bridge of the coordination graph, "
                           "with no backup channel).", f"cut off: {', '.join(lost)}", src, cut.element, [],
                           0.3 * len(lost) / max(1, len(needed)), "Add a backup channel to this link"))
    for a in s.unreachable:
        if a in needed:
            out.append(Finding("unreachable", f"{_label(scenario, a)} can never be alerted",
                               "No chain of links leads to it from a detecting agency.", "", a, None, [], 1.0,
                               f"Add a link that alerts {_label(scenario, a)}"))
    return out


def find(scenario: Scenario, stats: list[ObjectiveStats], queues: list[QueueSummary],
         structure: GraphStructure) -> list[Finding]:
    """All findings, most severe first."""
    found = _part_findings(scenario, stats, queues) + _structural(scenario, structure)
    return sorted(found, key=lambda f: (-f.severity, f.title))


def strengths(stats: list[ObjectiveStats], threshold: float = 0.9) -> list[str]:
    """Objectives met in at least ``threshold`` of replications."""
    return [f"{st.objective.id}: met in {st.met.share:.0%} of replications" for st in stats
            if st.met.n and st.met.share >= threshold]
