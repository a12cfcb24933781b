"""Compile a validated scenario once: the coordination graph plus index tables the engine reads.

Done once per scenario (and per variant), never per replication. The NetworkX graph is frozen and
used by the analysis; the engine reads the precomputed tuples (reading NetworkX inside the hot
loop costs 5-13%, see shared/PERFORMANCE.md).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from drillsim.errors import LimitError
from drillsim.i18n import Msg
from drillsim.scenario import limits
from drillsim.scenario.durations import _Dist
from drillsim.scenario.gcpause import gc_paused
from drillsim.scenario.model import TRIAGE, Agency, Scenario, Task, ZoneTravel
from drillsim.scenario.resolve import (
    CapabilityIndex,
    capability_index,
    capable_agencies,
    prerequisite_closure,
    tasks_by_id,
)
from drillsim.scenario.rules import MIN_RETRY
from drillsim.sim.rng import stable_key

Sampler = float | Callable[[float], float]
"""A fixed value, or an inverse CDF taking one uniform draw."""

DEFAULT_MAX_EVENTS = 2_000_000
"""Events one replication may record before it is stopped (a protective limit)."""


def check_size(scenario: Scenario) -> None:
    """Refuse scenarios larger than the protective limits, saying how to raise them.

    The loader applies the same limits to the file (with each variant's additions), so a file
    that loads passes here; this guards scenarios built in code.
    """
    for limit, count in (
        (limits.AGENCIES, len(scenario.agencies)),
        (limits.LINKS, sum(len(link.to) for link in scenario.links)),
    ):
        if count > limit.value():
            raise LimitError(Msg("sim.over_limit", refusal=limit.refusal(count), setting=limit.env))


def sampler(dist: _Dist) -> Sampler:
    """The fastest form of a distribution for the engine: a float when it is fixed."""
    if dist.is_fixed:
        return float(dist.quantile(0.0))
    return dist.sample


@dataclass(frozen=True, slots=True)
class ChannelC:
    """One channel of a link (main or backup), ready for the engine."""

    name: str
    delay: Sampler
    reliability: float
    retry: float
    attempts: int | None  # None: until the horizon
    delay_key: int
    reliability_key: int

    def __post_init__(self) -> None:
        if (
            self.retry < MIN_RETRY
        ):  # the scenario rules refuse it first; a shorter retry could loop at one instant
            raise ValueError(
                f"channel {self.name}: retry {self.retry}s is below {MIN_RETRY}s (was the scenario "
                "validated?)"
            )


@dataclass(frozen=True, slots=True)
class EdgeC:
    """One directed link from an agency to one recipient."""

    index: int  # position among all edges, file order
    link_index: int  # the scenario link it came from
    source: int
    target: int
    label: str  # "from->to"
    channels: tuple[ChannelC, ...]  # main first, then the backup if any
    handling_key: int


@dataclass(frozen=True, slots=True)
class AgencyC:
    """An agency, with samplers for its delays and its outgoing edges in file order."""

    index: int
    id: str
    units: int
    duty_officers: int
    handling: Sampler
    activation: Sampler
    travel: dict[str, Sampler] | Sampler | None  # by zone, single, or does not deploy
    out_edges: tuple[EdgeC, ...]
    activation_key: int

    @property
    def deploys(self) -> bool:
        """Whether the agency travels to the scene."""
        return self.travel is not None

    def destination(self, zone: str | None) -> str:
        """Where it travels for an incident in ``zone`` (one place unless travel is by zone)."""
        return (zone or "") if isinstance(self.travel, dict) else ""


@dataclass(frozen=True, slots=True)
class TaskC:
    """A task with its capable agencies resolved (in order of preference)."""

    index: int
    id: str
    capable: tuple[int, ...]
    units: int
    duration: Sampler
    per_casualty: Sampler | None
    categories: tuple[str, ...]
    after: tuple[int, ...]
    key: int

    @property
    def is_per_casualty(self) -> bool:
        """Casualties flow through it one by one."""
        return self.per_casualty is not None


@dataclass(frozen=True, slots=True)
class IncidentC:
    """An inject with the task instances it brings in (closure over prerequisites)."""

    index: int
    id: str
    at: float
    zone: str | None
    detector: int | None  # None when the detecting agency was taken out by a variant
    detection: Sampler
    tasks: tuple[int, ...]  # triggered tasks and their prerequisites, in file order
    casualties: tuple[str, ...]  # casualty ids in triage order: red-1, red-2, yellow-1, ...
    key: int


@dataclass(frozen=True, slots=True)
class CompiledScenario:
    """Everything a replication needs, computed once.

    Attributes:
        scenario: The (variant-applied) scenario it was compiled from.
        graph: Frozen directed coordination graph: agencies as nodes, links as edges.
        scenario_hash: SHA-256 of the canonical scenario content.
        horizon: Scenario seconds a replication may run.
        max_events: Protective limit on records per replication.
    """

    scenario: Scenario
    graph: nx.DiGraph
    scenario_hash: str
    horizon: float
    max_events: int
    agencies: tuple[AgencyC, ...]
    agency_index: dict[str, int]
    edges: tuple[EdgeC, ...]
    tasks: tuple[TaskC, ...]
    task_index: dict[str, int]
    incidents: tuple[IncidentC, ...]  # in time order, file order among equal times

    @property
    def variant(self) -> str | None:
        """Always None here; the experiment layer tracks variant ids."""
        return None


def scenario_hash(scenario: Scenario) -> str:
    """Stable SHA-256 of the scenario's content (key order and formatting do not matter)."""
    return content_hash(scenario.model_dump(mode="json", by_alias=True))


def content_hash(data: Any) -> str:
    """SHA-256 of JSON data in canonical form: :func:`scenario_hash` of the scenario a run folder's
    ``scenario.json`` holds, computed from the file's own data, so a run written by an earlier
    drillsim (whose models had fewer fields) still proves to be the run its manifest names."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def compile_scenario(
    scenario: Scenario, *, max_events: int = DEFAULT_MAX_EVENTS
) -> CompiledScenario:
    """Build the coordination graph and the engine's tables from a validated scenario."""
    check_size(scenario)
    agency_index = {a.id: i for i, a in enumerate(scenario.agencies)}
    edges = _edges(scenario, agency_index)
    outgoing: list[list[EdgeC]] = [[] for _ in scenario.agencies]
    for e in edges:
        outgoing[e.source].append(e)
    agencies = tuple(_agency(i, a, tuple(outgoing[i])) for i, a in enumerate(scenario.agencies))
    task_index = {t.id: i for i, t in enumerate(scenario.tasks)}
    capable = capability_index(scenario.agencies)  # once, not a scan of every agency per task
    tasks = tuple(
        _task(i, t, capable, agency_index, task_index) for i, t in enumerate(scenario.tasks)
    )
    incidents = _incidents(scenario, agency_index, task_index)
    return CompiledScenario(
        scenario=scenario,
        graph=build_graph(scenario),
        scenario_hash=scenario_hash(scenario),
        horizon=scenario.scenario.horizon,
        max_events=max_events,
        agencies=agencies,
        agency_index=agency_index,
        edges=edges,
        tasks=tasks,
        task_index=task_index,
        incidents=incidents,
    )


def build_graph(scenario: Scenario) -> nx.DiGraph:
    """The coordination graph: node attributes from agencies, edge attributes from links."""
    with gc_paused():  # a dict per node and per edge, all kept: see drillsim.scenario.gcpause
        return _graph(scenario)


def _graph(scenario: Scenario) -> nx.DiGraph:
    g = nx.DiGraph(scenario=scenario.scenario.id)
    for a in scenario.agencies:
        g.add_node(
            a.id,
            label=a.label,
            kind=a.kind,
            sector=a.sector,
            units=a.units,
            duty_officers=a.duty_officers,
            handling=a.handling.mean(),
            activation=a.activation.mean(),
            deploys=a.deploys,
            capabilities=a.capabilities,
        )
    for i, link in enumerate(scenario.links):
        for to in link.to:
            if link.from_ in g and to in g:
                g.add_edge(
                    link.from_,
                    to,
                    link=i,
                    channel=link.channel,
                    delay=link.delay.mean(),
                    reliability=link.reliability,
                    retry=link.retry,
                    backup=link.backup.channel if link.backup else None,
                    expected_time=expected_link_time(
                        link.delay.mean(), link.reliability, link.retry
                    ),
                )
    return nx.freeze(g)


def expected_link_time(delay: float, reliability: float, retry: float) -> float:
    """Mean time to get through with unlimited tries: each failed try costs delay + retry.

    ``delay + (1 - p) / p * (delay + retry)``; infinite when ``p == 0``.
    """
    if reliability <= 0:
        return float("inf")
    return delay + (1 - reliability) / reliability * (delay + retry)


def _stream_name(label: str, n: int) -> str:
    """The streams' name of the ``n``-th link between one pair: ``from->to``, then ``from->to#n``.

    Two links between the same pair (a phone link and a radio link, say) must not share a
    stream: the k-th draw of a shared one goes to whichever message asks k-th, so a faster
    link would take the other's draw (a draw that shifts with timing breaks common random
    numbers). The first link keeps the plain name, so scenarios without such pairs draw as before.
    """
    return label if n == 1 else f"{label}#{n}"


def _edges(scenario: Scenario, agency_index: dict[str, int]) -> tuple[EdgeC, ...]:
    out: list[EdgeC] = []
    seen: dict[str, int] = {}
    for li, link in enumerate(scenario.links):
        if link.from_ not in agency_index:
            continue
        for to in link.to:
            if to not in agency_index:
                continue
            label = f"{link.from_}->{to}"
            seen[label] = seen.get(label, 0) + 1
            name = _stream_name(label, seen[label])
            chans = [
                ChannelC(
                    link.channel,
                    sampler(link.delay),
                    link.reliability,
                    link.retry,
                    link.main_attempts(),
                    stable_key("delay", name),
                    stable_key("reliability", name),
                )
            ]
            if link.backup is not None:
                b = link.backup
                chans.append(
                    ChannelC(
                        b.channel,
                        sampler(b.delay),
                        b.reliability,
                        b.retry,
                        b.attempts,
                        stable_key("backup-delay", name),
                        stable_key("backup-reliability", name),
                    )
                )
            out.append(
                EdgeC(
                    len(out),
                    li,
                    agency_index[link.from_],
                    agency_index[to],
                    label,
                    tuple(chans),
                    stable_key("handling", name),
                )
            )
    return tuple(out)


def _agency(i: int, a: Agency, out_edges: tuple[EdgeC, ...]) -> AgencyC:
    travel: dict[str, Sampler] | Sampler | None
    if a.travel is None:
        travel = None
    elif isinstance(a.travel, ZoneTravel):
        travel = {z: sampler(d) for z, d in a.travel.by_zone.items()}
    else:
        travel = sampler(a.travel)
    return AgencyC(
        i,
        a.id,
        a.units,
        a.duty_officers,
        sampler(a.handling),
        sampler(a.activation),
        travel,
        out_edges,
        stable_key("activation", a.id),
    )


def _task(
    i: int,
    t: Task,
    capable: CapabilityIndex,
    agency_index: dict[str, int],
    task_index: dict[str, int],
) -> TaskC:
    return TaskC(
        i,
        t.id,
        tuple(agency_index[a] for a in capable_agencies(t, capable)),
        t.units,
        sampler(t.duration),
        sampler(t.per_casualty) if t.per_casualty is not None else None,
        tuple(c for c in TRIAGE if c in t.categories),
        tuple(task_index[p] for p in t.after if p in task_index),
        stable_key("task", t.id),
    )


def _closure(
    start: tuple[str, ...], scenario: Scenario, task_index: dict[str, int]
) -> tuple[int, ...]:
    """The task instances an inject brings in, in file order."""
    return tuple(sorted(task_index[t] for t in prerequisite_closure(start, tasks_by_id(scenario))))


def _incidents(
    scenario: Scenario,
    agency_index: dict[str, int],
    task_index: dict[str, int],
) -> tuple[IncidentC, ...]:
    order = sorted(range(len(scenario.incidents)), key=lambda i: (scenario.incidents[i].at, i))
    out: list[IncidentC] = []
    for i in order:
        inc = scenario.incidents[i]
        casualties = tuple(
            f"{cat}-{n}" for cat, count in inc.casualties.by_category() for n in range(1, count + 1)
        )
        out.append(
            IncidentC(
                len(out),
                inc.id,
                inc.at,
                inc.zone,
                agency_index.get(inc.detected_by),
                sampler(inc.detection),
                _closure(inc.triggers, scenario, task_index),
                casualties,
                stable_key("incident", inc.id),
            )
        )
    return tuple(out)
