"""The coordination graph's structure: plain NetworkX functions over the compiled graph.

Who is reachable from the detecting agencies and in how many hops, the slowest alert path,
the hubs every alert must cross (betweenness), single points of failure, redundant paths and
links with no backup (shared/domain-reference.md §4.2).

Single points of failure are found on the directed graph, where alerts flow: an agency or link
whose loss leaves some agency with no alert path from any detecting agency. The undirected
articulation points and bridges used for social networks miss them as soon as a reply link
closes a cycle (police -> hospital and hospital -> police make no undirected bridge, yet losing
the first still leaves the hospital unalerted). They are the dominators of the flow graph
(Lengauer-Tarjan, as ``nx.immediate_dominators``), with each link split by a node of its own so
that links dominate too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from drillsim.analysis.centrality import sampled_betweenness, sampled_sources
from drillsim.scenario.gcpause import gc_paused
from drillsim.scenario.model import Scenario


@dataclass(frozen=True, slots=True)
class CutOff:
    """An agency or link whose loss leaves agencies with no alert path from any detecting agency."""

    element: str
    cut_off: tuple[str, ...]


@dataclass(frozen=True)
class GraphStructure:
    """Structural findings about the coordination graph (all plain data)."""

    sources: tuple[str, ...]
    hops: dict[str, int]
    unreachable: tuple[str, ...]
    alert_time: dict[str, float]
    slowest_path: tuple[str, ...]
    slowest_time: float
    betweenness: dict[str, float]
    betweenness_by_latency: dict[str, float]
    articulation_points: tuple[CutOff, ...]
    bridges: tuple[CutOff, ...]
    redundant: dict[str, int]
    no_backup: tuple[str, ...]
    density: float
    degree_centralization: float
    needed: tuple[str, ...] = field(default=())
    betweenness_sample: dict[str, int] = field(
        default_factory=dict, metadata={"omit_if_empty": True}
    )
    """Empty when betweenness is exact; else the sampled sources' count and seed (written to the
    analysis only then, so small scenarios' analysis is as before)."""


def sources(scenario: Scenario) -> tuple[str, ...]:
    """The detecting agencies, in file order."""
    agencies = {a.id for a in scenario.agencies}
    return tuple(
        dict.fromkeys(i.detected_by for i in scenario.incidents if i.detected_by in agencies)
    )


def reachable(graph: nx.DiGraph, starts: tuple[str, ...]) -> set[str]:
    """Agencies an alert can reach from any of ``starts`` (including them)."""
    seen: set[str] = set()
    for s in starts:
        if s in graph and s not in seen:
            seen |= nx.descendants(graph, s) | {s}
    return seen


def _latency_graph(graph: nx.DiGraph) -> nx.DiGraph:
    """Edge weight = the sender's mean handling time + the link's expected time (with retries)."""
    g = nx.DiGraph()
    g.add_nodes_from(graph.nodes)
    for u, v, d in graph.edges(data=True):
        g.add_edge(u, v, weight=graph.nodes[u]["handling"] + d["expected_time"])
    return g


def degree_centralization(graph: nx.Graph) -> float:
    """Freeman degree centralization: sum(d_max - d_i) / ((n-1)(n-2)) on the undirected graph."""
    n = graph.number_of_nodes()
    if n < 3:
        return 0.0
    degrees = [d for _, d in graph.degree()]
    top = max(degrees)
    return sum(top - d for d in degrees) / ((n - 1) * (n - 2))


_ROOT = ("root",)
"""Virtual node before every detecting agency: dominators are computed from it."""


def single_points_of_failure(
    graph: nx.DiGraph, starts: tuple[str, ...]
) -> tuple[tuple[CutOff, ...], tuple[CutOff, ...]]:
    """Agencies and links (``from->to``) whose loss cuts agencies off, with whom they cut off.

    Each link u->v becomes u -> (u, v) -> v; an element cuts off exactly the agencies it
    dominates (every alert path from a detecting agency to them crosses it).
    """
    flow = nx.DiGraph()
    flow.add_edges_from((_ROOT, s) for s in starts if s in graph)
    for u, v in graph.edges:
        flow.add_edges_from(((u, (u, v)), ((u, v), v)))
    if not starts:
        return (), ()
    idom = nx.immediate_dominators(flow, _ROOT)
    children: dict[object, list[object]] = {}
    for node, parent in idom.items():
        if node != parent:
            children.setdefault(parent, []).append(node)

    def cut_off(node: object) -> tuple[str, ...]:
        below, todo = [], list(children.get(node, ()))
        while todo:
            n = todo.pop()
            todo.extend(children.get(n, ()))
            if isinstance(n, str):
                below.append(n)
        return tuple(sorted(below))

    agencies = sorted(n for n in idom if isinstance(n, str))
    links = sorted(n for n in idom if isinstance(n, tuple) and n != _ROOT)
    return (
        tuple(CutOff(a, c) for a in agencies if (c := cut_off(a))),
        tuple(CutOff(f"{u}->{v}", c) for u, v in links if (c := cut_off((u, v)))),
    )


def needed_agencies(scenario: Scenario) -> tuple[str, ...]:
    """Agencies able to do some task (by id or capability), in the order tasks first need them.

    One pass over the agencies builds the lookup, then one per task: linear in agencies plus
    tasks (it was a scan of every agency for every name of every task).
    """
    by_name: dict[str, dict[str, None]] = {}
    for a in scenario.agencies:
        for name in (a.id, *a.capabilities):
            by_name.setdefault(name, {})[a.id] = None
    out: dict[str, None] = {}
    for t in scenario.tasks:
        for name in t.by:
            for a_id in by_name.get(name, ()):
                out.setdefault(a_id, None)
    return tuple(out)


BETWEENNESS_PIVOTS = 100
"""Agencies up to which betweenness is exact; above, estimated from this many sampled sources."""

BETWEENNESS_SEED = 2007
"""Seed of the sampled sources (fixed, so the same scenario always gets the same estimate)."""


def betweenness(
    graph: nx.DiGraph, latency: nx.DiGraph, pivots: int = BETWEENNESS_PIVOTS
) -> tuple[dict[str, float], dict[str, float], dict[str, int]]:
    """Betweenness by hops and by expected latency, and how it was computed.

    Exact (Brandes 2001, O(agencies x links)) up to ``pivots`` agencies; above, both are estimated
    from the same ``pivots`` sources drawn with :data:`BETWEENNESS_SEED` (Brandes & Pich 2007,
    "Centrality estimation in large networks"; :mod:`drillsim.analysis.centrality`, NetworkX's
    figures for those sources), so the cost grows with the links alone. The third value is empty
    when exact, else ``{"pivots": k, "seed": s}``, recorded in the analysis.
    """
    if graph.number_of_nodes() <= pivots:
        return (
            nx.betweenness_centrality(graph),
            nx.betweenness_centrality(latency, weight="weight"),
            {},
        )
    sources: list[str] = sampled_sources(graph, pivots, BETWEENNESS_SEED)
    return (
        sampled_betweenness(graph, sources),
        sampled_betweenness(latency, sources, weight="weight"),
        {"pivots": pivots, "seed": BETWEENNESS_SEED},
    )


def structure(graph: nx.DiGraph, scenario: Scenario) -> GraphStructure:
    """Every structural metric the findings and the report use."""
    with gc_paused():  # searches that keep large dicts alive: see drillsim.scenario.gcpause
        return _structure(graph, scenario)


def _structure(graph: nx.DiGraph, scenario: Scenario) -> GraphStructure:
    starts = sources(scenario)
    reach = reachable(graph, starts)
    hops: dict[str, int] = {}
    for s in starts:
        for n, h in nx.single_source_shortest_path_length(graph, s).items():
            hops[n] = min(h, hops.get(n, h))
    lat = _latency_graph(graph)
    times: dict[str, float] = {}
    paths: dict[str, list[str]] = {}
    if starts:
        # NOTE: sources in file order, not a set: with equal times the first source wins, and a
        # set of strings iterates in a different order in every interpreter.
        times, paths = nx.multi_source_dijkstra(lat, starts)
    far = max(times, key=lambda n: (times[n], n), default=None)
    undirected = graph.to_undirected(as_view=False)
    arts, bridges = single_points_of_failure(graph, starts)
    redundant = {
        n: k
        for n in graph.nodes
        if (k := sum(1 for p in graph.predecessors(n) if p in reach)) > 1 and n in reach
    }
    no_backup = tuple(f"{u}->{v}" for u, v, d in graph.edges(data=True) if not d.get("backup"))
    by_hops, by_latency, sample = betweenness(graph, lat)
    return GraphStructure(
        sources=starts,
        hops=hops,
        unreachable=tuple(n for n in graph.nodes if n not in reach),
        alert_time=dict(times),
        slowest_path=tuple(paths.get(far, ())) if far else (),
        slowest_time=times.get(far, 0.0) if far else 0.0,
        betweenness=by_hops,
        betweenness_by_latency=by_latency,
        articulation_points=arts,
        bridges=bridges,
        redundant=redundant,
        no_backup=no_backup,
        density=nx.density(graph),
        degree_centralization=degree_centralization(undirected),
        needed=needed_agencies(scenario),
        betweenness_sample=sample,
    )
