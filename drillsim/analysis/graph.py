"""The coordination graph's structure: plain NetworkX functions over the compiled graph.

Who is reachable from the detecting agencies and in how many hops, the slowest alert path,
the hubs every alert must cross (betweenness), single points of failure (articulation points
and bridges, computed on the undirected graph as is usual, then checked on the directed graph
for who actually loses every alert path), redundant paths and links with no backup
(shared/domain-reference.md §4.2).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from drillsim.scenario import Scenario


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


def sources(scenario: Scenario) -> tuple[str, ...]:
    """The detecting agencies, in file order."""
    agencies = {a.id for a in scenario.agencies}
    return tuple(dict.fromkeys(i.detected_by for i in scenario.incidents if i.detected_by in agencies))


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


def _cut_effect(graph: nx.DiGraph, starts: tuple[str, ...], before: set[str], remove_node: str | None = None,
                remove_edge: tuple[str, str] | None = None) -> tuple[str, ...]:
    g = graph.copy()
    if remove_node is not None:
        g.remove_node(remove_node)
    if remove_edge is not None and g.has_edge(*remove_edge):
        g.remove_edge(*remove_edge)
    after = reachable(g, tuple(s for s in starts if s in g))
    return tuple(sorted(before - after - ({remove_node} if remove_node else set())))


def needed_agencies(scenario: Scenario) -> tuple[str, ...]:
    """Agencies able to do some task (by id or capability)."""
    out = []
    for t in scenario.tasks:
        for name in t.by:
            for a in scenario.agencies:
                if (a.id == name or name in a.capabilities) and a.id not in out:
                    out.append(a.id)
    return tuple(out)


def structure(graph: nx.DiGraph, scenario: Scenario) -> GraphStructure:
    """Every structural metric the findings and the report use."""
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
        times, paths = nx.multi_source_dijkstra(lat, set(starts))
    far = max(times, key=lambda n: (times[n], n), default=None)
    undirected = graph.to_undirected(as_view=False)
    arts = tuple(c for c in (CutOff(p, _cut_effect(graph, starts, reach, remove_node=p))
                             for p in sorted(nx.articulation_points(undirected))) if c.cut_off)
    bridges = []
    for u, v in sorted(tuple(sorted(e)) for e in nx.bridges(undirected)):
        for a, b in ((u, v), (v, u)):
            if graph.has_edge(a, b):
                effect = _cut_effect(graph, starts, reach, remove_edge=(a, b))
                if effect:
                    bridges.append(CutOff(f"{a}->{b}", effect))
    redundant = {n: k for n in graph.nodes
                 if (k := sum(1 for p in graph.predecessors(n) if p in reach)) > 1 and n in reach}
    no_backup = tuple(f"{u}->{v}" for u, v, d in graph.edges(data=True) if not d.get("backup"))
    return GraphStructure(
        sources=starts, hops=hops, unreachable=tuple(n for n in graph.nodes if n not in reach),
        alert_time=dict(times), slowest_path=tuple(paths.get(far, ())) if far else (),
        slowest_time=times.get(far, 0.0) if far else 0.0,
        betweenness=nx.betweenness_centrality(graph),
        betweenness_by_latency=nx.betweenness_centrality(lat, weight="weight"),
        articulation_points=arts, bridges=tuple(bridges), redundant=redundant, no_backup=no_backup,
        density=nx.density(graph), degree_centralization=degree_centralization(undirected),
        needed=needed_agencies(scenario),
    )
