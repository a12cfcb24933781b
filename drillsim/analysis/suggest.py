"""Test the suggested improvements by simulation and rank them (the sensitivity, or tornado, table).

Each suggested change runs with the same seed and replication indices as the base, so its
effect on each objective is a paired difference under common random numbers. A suggestion also
names its change as a message key and parameters (agency names, figures), like the findings do,
so each report can word it in its own language.

A change is tested only as long as needed: a group-sequential design with ``LOOKS`` equally
spaced looks up to the cap (docs/mechanisms.md, "Testing suggested changes"). At each look every
objective's paired interval is Pocock's repeated confidence interval (Tango's score interval at
the nominal level that keeps the chance of a false "significant" over all looks at 5%); a
change stops when, on every objective, the interval excludes 0 or lies within
``PRECISION`` of it (too small an effect to act on).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from statistics import NormalDist
from typing import Any

from drillsim import i18n
from drillsim.analysis.findings import Finding
from drillsim.analysis.messages import MESSAGES, short_name
from drillsim.analysis.stats import Interval, paired_share_difference
from drillsim.analysis.summary import ReplicationSummary
from drillsim.scenario.durations import clock
from drillsim.scenario.model import Link, LinkChange, Scenario, Variant
from drillsim.scenario.semantics import check_variant

Simulate = Callable[[Scenario, Sequence[Variant], range], dict[str, list[ReplicationSummary]]]
"""Runs the base and the given variants over the given replication indices, under common random
numbers (the experiment layer supplies it; analysis never simulates). The result maps ``base``
and each variant's id to its summaries."""

LOOKS = 4
"""Looks at the data per tested change: at 1/4, 2/4, 3/4 and all of the cap."""

POCOCK_Z = {1: 1.960, 2: 2.178, 3: 2.289, 4: 2.361, 5: 2.413}
"""Pocock's constant boundary for K equally spaced looks, two-sided overall 5% (Pocock 1977,
"Group sequential methods in the design and analysis of clinical trials", Biometrika 64(2);
Jennison & Turnbull 2000, Table 2.1)."""

PRECISION = 0.05
"""A change whose effect on an objective is known to lie within +-5 percentage points is
resolved there: too small to act on, so more replications would not change the plan."""


@dataclass(frozen=True, slots=True)
class ObjectiveEffect:
    """A suggested change's paired effect on one objective: the change in success share with
    Tango's score interval (``met_ci``; significant when it excludes 0) and the median change in
    time where both reached it."""

    objective: str
    met_diff: float
    met_ci: Interval
    median_diff: float | None
    significant: bool
    before: float | None = None  # success share of the base over the paired replications

    @property
    def after(self) -> float | None:
        """Success share with the change (base share plus the paired difference)."""
        return None if self.before is None else self.before + self.met_diff

    @property
    def better(self) -> bool:
        """Met significantly more often with the change."""
        return self.significant and self.met_diff > 0

    @property
    def worse(self) -> bool:
        """Met significantly less often with the change."""
        return self.significant and self.met_diff < 0


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A tested improvement and its effect on every objective, ranked by total gain.

    Attributes:
        variant: The change, as a variant of the scenario.
        finding: Title of the finding it answers.
        effects: Its paired effect on each objective.
        message: Key of the change's short label in :mod:`drillsim.analysis.messages`.
        params: The names and figures the label is filled with (already formatted).
        element: What the change acts on (:attr:`drillsim.analysis.findings.Finding.element`).
        owner: The agency that makes the change (the changed agency, or the sender of a changed or added link).
    """

    variant: Variant
    finding: str
    effects: tuple[ObjectiveEffect, ...]
    message: str = ""
    params: dict[str, str] = field(default_factory=dict)
    element: str = ""
    owner: str = ""
    replications: int = 0
    """Paired replications the change was tested over (it stops once its effect is resolved)."""

    @property
    def gain(self) -> float:
        """Sum over objectives of the change in success share."""
        return sum(e.met_diff for e in self.effects)

    @property
    def benefit(self) -> float:
        """Sum of the significant gains only: what the plan ranks by (0 when nothing measurably improves)."""
        return sum(e.met_diff for e in self.effects if e.better)

    @property
    def recommended(self) -> bool:
        """At least one objective is met significantly more often with the change."""
        return any(e.better for e in self.effects)


def split(suggestions: Sequence[Suggestion]) -> tuple[list[Suggestion], list[Suggestion]]:
    """(changes that measurably help, best first; the others: no significant gain on any objective).

    The improvement plan recommends only the first list; the second is reported as tested
    without measurable effect (and says which objectives got significantly worse, if any).
    """
    ranked = sorted(suggestions, key=lambda s: (-s.benefit, -s.gain, s.variant.id))
    return [s for s in ranked if s.recommended], [s for s in ranked if not s.recommended]


def from_json(entry: Mapping[str, Any]) -> Suggestion:
    """A suggestion as ``analysis.json`` stores it (older files lack element, owner and before)."""
    effects = tuple(
        ObjectiveEffect(
            e["objective"],
            float(e["met_diff"]),
            Interval((e.get("met_ci") or {}).get("low"), (e.get("met_ci") or {}).get("high")),
            e.get("median_diff"),
            bool(e.get("significant")),
            e.get("before"),
        )
        for e in entry.get("effects", [])
    )
    variant = Variant.model_validate(entry["variant"])
    return Suggestion(
        variant,
        str(entry.get("finding", "")),
        effects,
        str(entry.get("message") or ""),
        dict(entry.get("params") or {}),
        str(entry.get("element") or ""),
        str(entry.get("owner") or owner_of(variant)),
        int(entry.get("replications") or 0),
    )


def owner_of(variant: Variant) -> str:
    """Who makes a change: the changed agency, else the sender of the changed or added link."""
    if variant.change_agencies:
        return next(iter(variant.change_agencies))
    links: list[LinkChange | Link] = [*variant.change_links, *variant.add_links]
    return links[0].from_ if links else ""


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
                return "change_officers", {
                    "agency": _name(scenario, agency),
                    "officers": str(change.duty_officers),
                }
            if change.units is not None:
                return "change_units", {
                    "agency": _name(scenario, agency),
                    "units": str(change.units),
                }
        if added:
            return _direct(scenario, added[0].from_, added[0].to)
        c = changed[0] if changed else None
        if c is not None and c.reliability is not None:
            return "change_reliability", {
                "sender": _name(scenario, c.from_),
                "recipient": _name(scenario, c.to),
                "reliability": f"{c.reliability:.0%}",
            }
        if c is not None and c.delay is not None:
            return "change_delay", {
                "sender": _name(scenario, c.from_),
                "recipient": _name(scenario, c.to),
                "delay": clock(c.delay.mean()),
            }
    return "change_other", {"description": variant.description or variant.id}


def _direct(
    scenario: Scenario, sender: str, recipients: Sequence[str]
) -> tuple[str, dict[str, str]]:
    if len(recipients) >= MANY_RECIPIENTS:
        return "change_direct_many", {
            "sender": _name(scenario, sender),
            "count": str(len(recipients)),
        }
    return "change_direct", {
        "sender": _name(scenario, sender),
        "recipients": ", ".join(_name(scenario, r) for r in recipients),
    }


def suggestion_label(entry: Mapping[str, Any], lang: str) -> str:
    """The short label of a suggestion read from ``analysis.json``, in ``lang``.

    Suggestions written before labels existed (no ``message``) keep the variant's description.
    """
    key, params = entry.get("message"), entry.get("params") or {}
    if key and key in MESSAGES:
        return i18n.say(lang, MESSAGES[key]["label"], **params)
    variant = entry.get("variant") or {}
    return str(variant.get("description") or variant.get("id") or "")


def _median(values: list[float]) -> float | None:
    vals = sorted(values)
    if not vals:
        return None
    mid = len(vals) // 2
    return vals[mid] if len(vals) % 2 else (vals[mid - 1] + vals[mid]) / 2


def effects(
    scenario: Scenario,
    base: list[ReplicationSummary],
    other: list[ReplicationSummary],
    level: float = 0.95,
) -> tuple[ObjectiveEffect, ...]:
    """Paired effect of a variant on each objective, with intervals at ``level``."""
    by_rep = {s.replication: s for s in base}
    pairs = [(by_rep[s.replication], s) for s in other if s.replication in by_rep]
    out = []
    for k, obj in enumerate(scenario.objectives):
        d = paired_share_difference(
            [float(a.objectives[k].met) for a, _ in pairs],
            [float(b.objectives[k].met) for _, b in pairs],
            level,
        )
        both = [
            (a.objectives[k].time, b.objectives[k].time)
            for a, b in pairs
            if a.objectives[k].time is not None and b.objectives[k].time is not None
        ]
        med = _median([b - a for a, b in both]) if both else None  # type: ignore[operator]
        out.append(ObjectiveEffect(obj.id, d.mean, d.ci, med, d.significant))
    return tuple(out)


def with_before(
    effects_: tuple[ObjectiveEffect, ...],
    base: list[ReplicationSummary],
    other: list[ReplicationSummary],
) -> tuple[ObjectiveEffect, ...]:
    """The effects with the base's success share over the same paired replications filled in."""
    have = {s.replication for s in other}
    rows = [s for s in base if s.replication in have]
    if not rows:
        return effects_
    return tuple(
        replace(e, before=sum(r.objectives[k].met for r in rows) / len(rows))
        for k, e in enumerate(effects_)
    )


def candidates(
    findings: Sequence[Finding], limit: int = 6, scenario: Scenario | None = None
) -> list[tuple[Variant, Finding]]:
    """The distinct testable changes of the top findings (at most ``limit``), with the finding each answers.

    With ``scenario``, a change the scenario format would refuse there (checked as a variant in
    a file is, e.g. a unit count over the limit) is left out rather than simulated.
    """
    seen: set[str] = set()
    out = []
    for f in findings:
        for v in f.variants:
            if v.id not in seen and (scenario is None or _valid(scenario, v)):
                seen.add(v.id)
                out.append((v, f))
    return out[:limit]


def _valid(scenario: Scenario, variant: Variant) -> bool:
    return not any(p.severity == "error" for p in check_variant(scenario, variant))


def look_points(cap: int, looks: int = LOOKS) -> list[int]:
    """Replication counts at which the data are looked at: ``looks`` equal steps up to ``cap``."""
    return sorted({math.ceil(k * cap / looks) for k in range(1, looks + 1)} - {0})


def nominal_level(looks: int) -> float:
    """Confidence level of each look's interval so that all looks together err at most 5%."""
    z = POCOCK_Z.get(looks, POCOCK_Z[max(POCOCK_Z)])
    return 2 * NormalDist().cdf(z) - 1


def resolved(effects_: Sequence[ObjectiveEffect], precision: float = PRECISION) -> bool:
    """True when every objective's effect is significant or known to be within ``precision``."""
    return all(
        e.significant
        or (
            e.met_ci.low is not None
            and e.met_ci.high is not None
            and -precision <= e.met_ci.low
            and e.met_ci.high <= precision
        )
        for e in effects_
    )


@dataclass(frozen=True, slots=True)
class Tested:
    """What the sequential test of some changes saw: the base's summaries over the replications
    simulated, and per change its summaries and its effects at the look where it stopped."""

    base: list[ReplicationSummary]
    rows: dict[str, list[ReplicationSummary]]
    effects: dict[str, tuple[ObjectiveEffect, ...]]


def try_changes(
    scenario: Scenario, variants: Sequence[Variant], simulate: Simulate, replications: int
) -> Tested:
    """Simulate each change in ``LOOKS`` equal steps up to ``replications``, stopping it once
    its effect on every objective is resolved (see the module's docstring)."""
    points = look_points(replications)
    level = nominal_level(len(points))
    tested = Tested([], {v.id: [] for v in variants}, {})
    running, start = list(variants), 0
    for stop in points:
        runs = simulate(scenario, running, range(start, stop))
        tested.base.extend(runs["base"])
        for v in running:
            tested.rows[v.id].extend(runs[v.id])
            tested.effects[v.id] = effects(scenario, tested.base, tested.rows[v.id], level)
        running = [v for v in running if not resolved(tested.effects[v.id])]
        start = stop
        if not running:
            break
    return tested


def rank(
    scenario: Scenario,
    findings: Sequence[Finding],
    simulate: Simulate,
    limit: int = 6,
    replications: int = 300,
) -> list[Suggestion]:
    """Test the suggested changes, each until its effect is resolved or ``replications`` are
    reached, and rank them by how much they improve the objectives."""
    todo = candidates(findings, limit, scenario)
    if not todo or replications < 1:
        return []
    t = try_changes(scenario, [v for v, _ in todo], simulate, replications)
    tested = [
        Suggestion(
            v,
            f.title,
            with_before(t.effects[v.id], t.base, t.rows[v.id]),
            *describe_change(scenario, v),
            element=f.element,
            owner=owner_of(v),
            replications=len(t.rows[v.id]),
        )
        for v, f in todo
    ]
    good, rest = split(tested)
    return good + rest
