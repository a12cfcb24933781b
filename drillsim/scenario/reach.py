"""Lookups the semantic checks share, and whether each alert can reach the agencies that must act.

:class:`Index` computes once per check what the checks look up (agencies, tasks, capabilities,
the coordination graph). :func:`reachability` warns of a task whose capable agencies no chain of
links from the incident's detecting agency reaches, and says where the alerts stop.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property

import networkx as nx

from drillsim.errors import Problem
from drillsim.i18n import Msg, Msgn
from drillsim.scenario.model import Scenario, Task
from drillsim.scenario.resolve import capability_index, capable_agencies, prerequisite_closure
from drillsim.scenario.variant_refs import and_then


class Index:
    """Lookups computed once per check."""

    def __init__(self, s: Scenario) -> None:
        self.s = s
        self.agencies = {a.id: a for a in s.agencies}
        self.tasks = {t.id: t for t in s.tasks}
        self.incidents = {i.id: i for i in s.incidents}
        self.capabilities = {c for a in s.agencies for c in a.capabilities}
        self.capable_index = capability_index(s.agencies)

    def capable(self, task: Task) -> list[str]:
        """Agencies able to do the task: named directly or having a named capability."""
        return capable_agencies(task, self.capable_index)

    def closure(self, triggers: Iterable[str]) -> list[str]:
        """Triggered tasks and, transitively, their prerequisites (the engine brings them in too)."""
        return prerequisite_closure(triggers, self.tasks)

    @cached_property
    def task_index(self) -> dict[str, int]:
        """Task id -> its place in the file."""
        return {t: i for i, t in enumerate(self.tasks)}

    @cached_property
    def triggered_by(self) -> dict[str, list[str]]:
        """Task id -> incidents that bring it in."""
        out: dict[str, list[str]] = {}
        for inc in self.s.incidents:
            for t in self.closure(inc.triggers):
                out.setdefault(t, []).append(inc.id)
        return out

    @cached_property
    def graph(self) -> nx.DiGraph:
        """Coordination graph between existing agencies."""
        g = nx.DiGraph()
        g.add_nodes_from(self.agencies)
        g.add_edges_from(
            (f, t) for f, t, _ in self.s.edges() if f in self.agencies and t in self.agencies
        )
        return g


def reachability(ix: Index) -> list[Problem]:
    """A warning for each task an incident brings in that no alert can reach (once per detector)."""
    out: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for inc in ix.s.incidents:
        d = inc.detected_by
        if d not in ix.agencies:
            continue
        reach = nx.descendants(ix.graph, d) | {d}
        for t in ix.closure(inc.triggers):
            capable = ix.capable(ix.tasks[t])
            if not capable or reach & set(capable) or (t, d) in seen:
                continue
            seen.add((t, d))
            out.append(
                Problem(
                    _no_path(ix, d, inc.id, t, capable, reach),
                    severity="warning",
                    keys=("tasks", ix.task_index[t], "by"),
                    hint=Msg("semantics.no_path_hint"),
                )
            )
    return sorted(out, key=lambda p: p.keys[1])  # the task index, as the file orders them


def _no_path(
    ix: Index, detector: str, incident: str, task: str, capable: list[str], reach: set[str]
) -> str:
    """Say which path is missing: the agency with no incoming link, or where the alerts stop."""
    text: Msg
    if len(capable) == 1:
        text = Msg(
            "semantics.no_path", task=task, agency=capable[0], detector=detector, incident=incident
        )
    else:
        text = Msg(
            "semantics.no_path_to_any",
            task=task,
            agencies=", ".join(capable),
            detector=detector,
            incident=incident,
        )
    orphans = [c for c in capable if ix.graph.in_degree(c) == 0]
    if len(orphans) == len(capable):
        return and_then(
            text,
            Msgn(
                "semantics.no_incoming_link",
                "semantics.no_incoming_links",
                len(orphans),
                agencies=", ".join(orphans),
            ),
        )
    senders = sorted({p for c in capable for p in ix.graph.predecessors(c)} - set(capable))
    if len(capable) == 1 and senders:
        text = and_then(
            text, Msg("semantics.alerted_only_by", agency=capable[0], senders=", ".join(senders))
        )
    return and_then(text, Msg("semantics.alerts_stop_at", agencies=_nearest(ix, capable, reach)))


def _nearest(ix: Index, capable: list[str], reach: set[str]) -> str:
    """The reached agency closest (ignoring direction) to the agencies the alert should reach."""
    undirected = ix.graph.to_undirected(as_view=True)
    best: tuple[int, str] | None = None
    for c in capable:
        lengths = nx.single_source_shortest_path_length(undirected, c)
        for r in reach:
            if r in lengths and (best is None or (lengths[r], r) < best):
                best = (lengths[r], r)
    if best is not None:
        return best[1]
    sinks = [r for r in ix.agencies if r in reach and ix.graph.out_degree(r) == 0]
    return ", ".join(sinks or sorted(reach))
