"""A large coordination graph summarised the way people read large networks (no matplotlib).

A diagram of a few dozen agencies can show every agency and link; one of a province (hundreds
or thousands of agencies) cannot: the boxes shrink to dots and the links to a grey mat. Above
``DETAIL_LIMIT`` agencies the diagram keeps in full what the reader came for, the bottleneck
(the agencies and links the analysis flagged, else the most connected agency) with its
neighbours and the detecting agencies, and draws every other agency as part of a group node
(its sector, say) with a count. Every link of the bottleneck and of the detecting agencies is
drawn, and the links among the agencies drawn in full; the links between two groups or between
a neighbour and a group are left to the table. Links between the same two drawn nodes become one
link with their count and mean time. The groups' figures go into a table (``GroupRow``).

This is the "focus + context" reading of a network (Furnas, "Generalized fisheye views", CHI
1986) with node aggregation by attribute (Wattenberg, "Visual exploration of multivariate graphs",
CHI 2006). Every step is one pass over the nodes or the edges: linear in their number.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from drillsim.charts.data import GraphEdge, GraphNode

DETAIL_LIMIT = 40
"""A graph with more agencies than this is summarised (the six example scenarios have 9-13)."""
FOCUS_LIMIT = 24
"""Agencies drawn one by one in a summary: the bottleneck, its neighbours, the detecting ones."""
GROUP_PREFIX = "group:"


@dataclass(frozen=True, slots=True)
class GroupRow:
    """What one group node of a summarised diagram stands for (a row of the report's table).

    Attributes:
        group: The group's name (a sector, a kind, a hub).
        agencies: Agencies in it (those not drawn one by one).
        links_in: Links from agencies outside the group into it.
        links_out: Links from it to agencies outside.
        links_within: Links between two of its agencies.
        mean_delay: Mean duty-desk queueing delay of its agencies with data, seconds.
        slowest: Name of its agency with the longest desk delay ("" when none has data).
        slowest_delay: That delay, seconds.
    """

    group: str
    agencies: int
    links_in: int
    links_out: int
    links_within: int
    mean_delay: float | None
    slowest: str
    slowest_delay: float | None


@dataclass(frozen=True, slots=True)
class GraphSummary:
    """The nodes and edges to draw for a large graph, and what the group nodes stand for."""

    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]
    groups: tuple[GroupRow, ...]
    shown: int
    """Agencies drawn one by one."""
    total: int
    """Agencies in the whole graph."""


def _neighbours(edges: Sequence[GraphEdge]) -> dict[str, list[str]]:
    """Each node's neighbours (both directions), in edge order."""
    out: dict[str, list[str]] = {}
    for e in edges:
        out.setdefault(e.source, []).append(e.target)
        out.setdefault(e.target, []).append(e.source)
    return out


def centre(nodes: Sequence[GraphNode], edges: Sequence[GraphEdge]) -> list[str]:
    """The bottleneck, then the detecting agencies: the ids whose every link is drawn.

    The bottleneck is the highlighted agencies and the ends of highlighted links; when nothing
    is highlighted, the agency with the most links (the first of equals).
    """
    seeds = [n.id for n in nodes if n.highlighted]
    seeds += [end for e in edges if e.highlighted for end in (e.source, e.target)]
    if not seeds and nodes:
        degree = {n.id: 0 for n in nodes}
        for e in edges:
            degree[e.source] = degree.get(e.source, 0) + 1
            degree[e.target] = degree.get(e.target, 0) + 1
        best = max(degree.values())
        seeds = [next(n.id for n in nodes if degree[n.id] == best)]
    return list(dict.fromkeys(seeds + [n.id for n in nodes if n.detecting]))


def focus(nodes: Sequence[GraphNode], edges: Sequence[GraphEdge], limit: int) -> list[str]:
    """The ids drawn in full: the ``centre``, then the bottleneck's neighbours, at most ``limit``."""
    chosen = dict.fromkeys(centre(nodes, edges)[:limit])
    bottleneck = {n.id for n in nodes if n.highlighted}
    bottleneck |= {end for e in edges if e.highlighted for end in (e.source, e.target)}
    bottleneck = bottleneck or set(list(chosen)[:1])
    for e in edges:
        if len(chosen) >= limit:
            break
        if e.source in bottleneck:
            chosen.setdefault(e.target)
        elif e.target in bottleneck:
            chosen.setdefault(e.source)
    return list(chosen)


def _group_id(group: str, taken: set[str]) -> str:
    gid = GROUP_PREFIX + group
    while gid in taken:
        gid += "'"
    return gid


def _rows(
    members: Mapping[str, list[GraphNode]],
    edges: Sequence[GraphEdge],
    group_of: Mapping[str, str],
) -> list[GroupRow]:
    """The table rows: for each group, its size, its links and its desk delays."""
    links = {g: [0, 0, 0] for g in members}  # in, out, within
    for e in edges:
        gs, gt = group_of.get(e.source), group_of.get(e.target)
        if gs is not None and gs == gt:
            links[gs][2] += 1
            continue
        if gs is not None:
            links[gs][1] += 1
        if gt is not None:
            links[gt][0] += 1
    rows = []
    for g, group in members.items():
        timed = [n for n in group if n.delay is not None]
        slowest = max(timed, key=lambda n: n.delay or 0.0, default=None)
        into, out, within = links[g]
        rows.append(
            GroupRow(
                g,
                len(group),
                into,
                out,
                within,
                sum(n.delay or 0.0 for n in timed) / len(timed) if timed else None,
                slowest.label if slowest else "",
                slowest.delay if slowest else None,
            )
        )
    return rows


def _merged(bucket: Sequence[GraphEdge], source: str, target: str) -> GraphEdge:
    """Several links between two drawn nodes as one: their count and mean time."""
    return GraphEdge(
        source,
        target,
        sum(e.time for e in bucket) / len(bucket),
        any(e.highlighted for e in bucket),
        all(e.backup for e in bucket),
        any(e.simulated for e in bucket),
        sum(e.count for e in bucket),
    )


def summarise(
    nodes: Sequence[GraphNode],
    edges: Sequence[GraphEdge],
    *,
    label: Callable[[str, int], str] = lambda group, n: f"{group} ({n})",
    limit: int = FOCUS_LIMIT,
) -> GraphSummary:
    """The bottleneck's neighbourhood in full, every other agency in a group node.

    Args:
        nodes: Agencies; ``group`` says where each goes when it is not drawn in full.
        edges: Links between node ids.
        label: The text of a group node, from the group's name and its number of agencies.
        limit: Agencies drawn one by one.
    """
    kept = set(focus(nodes, edges, limit))
    middle = set(centre(nodes, edges)) & kept
    taken = {n.id for n in nodes}
    members: dict[str, list[GraphNode]] = {}
    for n in nodes:
        if n.id not in kept:
            members.setdefault(n.group, []).append(n)
    gids = {g: _group_id(g, taken) for g in members}
    group_of = {n.id: n.group for group in members.values() for n in group}
    rows = _rows(members, edges, group_of)
    drawn = [n for n in nodes if n.id in kept] + [
        GraphNode(
            gids[r.group],
            label(r.group, r.agencies),
            r.mean_delay,
            group=r.group,
            members=r.agencies,
        )
        for r in rows
    ]
    buckets: dict[tuple[str, str], list[GraphEdge]] = {}
    for e in edges:
        if (e.source in group_of or e.target in group_of) and not {e.source, e.target} & middle:
            continue  # between groups, or a neighbour's link to a group: in the table
        ends = tuple(gids[group_of[x]] if x in group_of else x for x in (e.source, e.target))
        if ends[0] != ends[1]:
            buckets.setdefault((ends[0], ends[1]), []).append(e)
    lines = [
        b[0] if len(b) == 1 and b[0].source == s and b[0].target == t else _merged(b, s, t)
        for (s, t), b in buckets.items()
    ]
    return GraphSummary(tuple(drawn), tuple(lines), tuple(rows), len(kept), len(nodes))
