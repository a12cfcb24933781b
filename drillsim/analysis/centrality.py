"""Sampled betweenness over plain integer adjacency lists: what ``analysis.graph`` uses above its
threshold, where NetworkX's per-edge dictionary views cost more than the search itself.

Brandes's algorithm (Brandes 2001, "A faster algorithm for betweenness centrality") run from ``k``
sampled sources (Brandes & Pich 2007, "Centrality estimation in large networks"): each source
costs one breadth-first search (by hops) or one Dijkstra search (by weight) plus the dependency
accumulation, so ``k`` sources cost O(k (agencies + links)) (times log agencies with weights).
It follows ``networkx.betweenness_centrality(G, k=k, seed=seed)`` step for step (the same sources,
the same order of search and accumulation, the same normalisation of a directed graph without
endpoints), so it gives NetworkX's figures (tests/test_scale.py compares them).
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Hashable, Sequence
from heapq import heappop, heappush
from itertools import count
from typing import TypeVar

import networkx as nx

N = TypeVar("N", bound=Hashable)
"""A node of the graph (an agency id in drillsim)."""


def sampled_sources(graph: nx.DiGraph, k: int, seed: int) -> list[N]:
    """The ``k`` sources NetworkX would sample with the integer ``seed``."""
    return random.Random(seed).sample(list(graph.nodes()), k)


def sampled_betweenness(
    graph: nx.DiGraph, sources: Sequence[N], weight: str | None = None
) -> dict[N, float]:
    """Normalised betweenness of every node estimated from ``sources`` (directed, no endpoints)."""
    nodes: list[N] = list(graph.nodes())
    index = {v: i for i, v in enumerate(nodes)}
    adj = [[index[w] for w in graph.adj[v]] for v in nodes]
    costs = (
        [[float(d.get(weight, 1)) for d in graph.adj[v].values()] for v in nodes]
        if weight is not None
        else None
    )
    bc = [0.0] * len(nodes)
    picked = [index[s] for s in sources]
    for s in picked:
        order, preds, sigma = _by_hops(adj, s) if costs is None else _by_cost(adj, costs, s)
        _accumulate(bc, order, preds, sigma, s)
    return _rescale(nodes, bc, set(picked))


def _by_hops(adj: list[list[int]], s: int) -> tuple[list[int], dict[int, list[int]], list[float]]:
    """Nodes in the order reached from ``s``, their predecessors on shortest paths, path counts."""
    sigma = [0.0] * len(adj)
    dist = [-1] * len(adj)
    preds: dict[int, list[int]] = {s: []}
    sigma[s], dist[s] = 1.0, 0
    order: list[int] = []
    queue = deque([s])
    while queue:
        v = queue.popleft()
        order.append(v)
        dv, sv = dist[v], sigma[v]
        for w in adj[v]:
            if dist[w] < 0:
                queue.append(w)
                dist[w] = dv + 1
                preds[w] = []
            if dist[w] == dv + 1:
                sigma[w] += sv
                preds[w].append(v)
    return order, preds, sigma


def _by_cost(
    adj: list[list[int]], costs: list[list[float]], s: int
) -> tuple[list[int], dict[int, list[int]], list[float]]:
    """As :func:`_by_hops` with Dijkstra's search, ties broken by push order as NetworkX does."""
    sigma = [0.0] * len(adj)
    preds: dict[int, list[int]] = {s: []}
    sigma[s] = 1.0
    done: dict[int, float] = {}
    seen = {s: 0.0}
    tick = count()
    heap: list[tuple[float, int, int, int]] = [(0.0, next(tick), s, s)]
    order: list[int] = []
    while heap:
        dist, _, pred, v = heappop(heap)
        if v in done:
            continue
        sigma[v] += sigma[pred]
        order.append(v)
        done[v] = dist
        for w, cost in zip(adj[v], costs[v], strict=True):
            vw = dist + cost
            if w not in done and (w not in seen or vw < seen[w]):
                seen[w] = vw
                heappush(heap, (vw, next(tick), v, w))
                sigma[w] = 0.0
                preds[w] = [v]
            elif vw == seen[w]:
                sigma[w] += sigma[v]
                preds[w].append(v)
    return order, preds, sigma


def _accumulate(
    bc: list[float], order: list[int], preds: dict[int, list[int]], sigma: list[float], s: int
) -> None:
    """Add each node's dependency on the source ``s`` (Brandes's back-propagation)."""
    delta = dict.fromkeys(order, 0.0)
    while order:
        w = order.pop()
        coeff = (1 + delta[w]) / sigma[w]
        for v in preds[w]:
            delta[v] += sigma[v] * coeff
        if w != s:
            bc[w] += delta[w]


def _rescale(nodes: list[N], bc: list[float], picked: set[int]) -> dict[N, float]:
    """Normalise as NetworkX does for a sample without endpoints: a source cannot lie on its own
    paths, so its sum is over one source fewer."""
    k, pairs = len(picked), len(nodes) - 1
    if pairs < 2:
        return dict(zip(nodes, bc, strict=True))
    source = 1 / ((k - 1) * (pairs - 1)) if k > 1 else float("nan")
    other = 1 / (k * (pairs - 1))
    return {
        v: b * (source if i in picked else other)
        for i, (v, b) in enumerate(zip(nodes, bc, strict=True))
    }
