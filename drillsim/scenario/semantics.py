"""Phase 2 of validation: cross-references and structure of a parsed scenario.

``check(scenario)`` returns every problem at once; it never raises and never reads files. Each
problem carries its field's path as keys and indexes (``Problem.keys``, such as
``("tasks", 3, "after", 0)``; ``from`` for the ``from_`` field) so that the loader can find the
line it came from.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable
from functools import cached_property

import networkx as nx

from drillsim.errors import FieldPath, Problem, Severity, dotted
from drillsim.scenario.durations import format_duration
from drillsim.scenario.gcpause import gc_paused
from drillsim.scenario.model import TASK_MEASURES, Objective, Scenario, Task, Variant, ZoneTravel
from drillsim.scenario.resolve import capability_index, capable_agencies, prerequisite_closure
from drillsim.scenario.variants import try_variant, variant_problems

CLOCK_STARTS = ("trigger", "first_inject", "exercise_start")


def check(scenario: Scenario) -> list[Problem]:
    """Every semantic problem of the scenario and of each of its variants (errors and warnings)."""
    with gc_paused():  # lookups and a graph that stay alive: see drillsim.scenario.gcpause
        base = base_problems(scenario)
        return base + [
            p
            for i, v in enumerate(scenario.variants)
            for p in check_variant(scenario, v, ("variants", i), base)
        ]


def base_problems(scenario: Scenario, *, what_if: bool = False) -> list[Problem]:
    """Problems of the scenario itself, ignoring its variants.

    With ``what_if`` (a variant applied), gaps a what-if may create on purpose, such as a task no
    remaining agency can do, are warnings: the engine reports them as unfinished work.
    """
    ix = _Index(scenario)
    gap: Severity = "warning" if what_if else "error"
    return [
        *_duplicates(scenario),
        *_links(ix),
        *_incidents(ix),
        *_tasks(ix, gap),
        *_cycles(scenario),
        *_objectives(ix, gap),
        *_reachability(ix),
        *_liaisons(ix),
    ]


def check_variant(
    scenario: Scenario, variant: Variant, at: FieldPath = (), base: list[Problem] | None = None
) -> list[Problem]:
    """Every problem of one variant, with paths at the variant (under ``at``, e.g. ``("variants", 2)``).

    In turn: references to things that do not exist; else the changed scenario's field and model
    rules (as a file's); else what the changed scenario newly breaks, moved to the variant entry
    it comes from. ``base`` is the base scenario's own problems, when already known.
    """
    own = variant_problems(scenario, variant, at)
    if any(p.severity == "error" for p in own):
        return own
    applied = try_variant(scenario, variant, at)
    if applied.scenario is None:
        return own + list(applied.problems)
    known = {p.message for p in (base_problems(scenario) if base is None else base)}
    derived = [
        applied.relocate(p)
        for p in base_problems(applied.scenario, what_if=True)
        if p.message not in known
    ]
    return own + derived


class _Index:
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


def _suggest(name: str, known: Iterable[str]) -> str:
    known = sorted(set(known))
    close = difflib.get_close_matches(name, known, n=1)
    if close:
        return f"did you mean {close[0]!r}?"
    return f"known: {', '.join(known)}" if known else ""


def _ref(name: str, known: Collection[str], path: FieldPath, what: str) -> list[Problem]:
    if name in known:  # NOTE: not copied: a dict or set here (or the few zones), O(1) lookups
        return []
    return [
        Problem(
            f"unknown {what} {name!r}", keys=path, hint=_suggest(name, known), unknown_name=True
        )
    ]


def _duplicates(s: Scenario) -> list[Problem]:
    groups = {
        "agencies": [a.id for a in s.agencies],
        "tasks": [t.id for t in s.tasks],
        "incidents": [i.id for i in s.incidents],
        "objectives": [o.id for o in s.objectives],
        "variants": [v.id for v in s.variants],
    }
    out = []
    for section, ids in groups.items():
        out += _repeats(ids, (section,), ("id",))
    out += _repeats(list(s.target.zones), ("target", "zones"), ())
    return out


def _repeats(ids: list[str], section: FieldPath, suffix: FieldPath) -> list[Problem]:
    first: dict[str, int] = {}
    out = []
    for i, name in enumerate(ids):
        if name in first:
            out.append(
                Problem(
                    f"duplicate id {name!r}; {dotted(section)}[{first[name]}] already uses it",
                    keys=(*section, i, *suffix),
                    hint="every id must be unique in its section",
                )
            )
        first.setdefault(name, i)
    return out


def _links(ix: _Index) -> list[Problem]:
    out = []
    for i, link in enumerate(ix.s.links):
        out += _ref(link.from_, ix.agencies, ("links", i, "from"), "agency")
        for j, to in enumerate(link.to):
            out += _ref(to, ix.agencies, ("links", i, "to", j), "agency")
            if to == link.from_:
                out.append(
                    Problem(
                        f"{to} links to itself",
                        keys=("links", i, "to", j),
                        hint="a link goes from one agency to another",
                    )
                )
    return out


def _liaisons(ix: _Index) -> list[Problem]:
    """Every liaison names an own agency other than itself; an external agency has a liaison (named or default)."""
    out = []
    for i, a in enumerate(ix.s.agencies):
        at: FieldPath = ("agencies", i, "liaison")
        if a.liaison is not None:
            if a.liaison not in ix.agencies:
                out += _ref(a.liaison, ix.agencies, at, "agency")
            elif a.liaison == a.id:
                out.append(
                    Problem(
                        f"{a.id} is its own liaison",
                        keys=at,
                        hint="the liaison is the own agency that coordinates with it",
                    )
                )
            elif ix.agencies[a.liaison].external:
                out.append(
                    Problem(
                        f"the liaison {a.liaison} of {a.id} is itself external",
                        keys=at,
                        hint="name an agency under the sponsor's authority (authority: own)",
                    )
                )
        elif a.external and ix.s.liaison_of(a.id) is None:
            out.append(
                Problem(
                    f"the external agency {a.id} has no liaison",
                    keys=("agencies", i, "authority"),
                    hint="add liaison: <id of the own agency that coordinates with it>, or a link "
                    "between it and an own agency",
                )
            )
    return out


def _incidents(ix: _Index) -> list[Problem]:
    zones = ix.s.target.zones
    out = []
    for i, inc in enumerate(ix.s.incidents):
        at: FieldPath = ("incidents", i)
        out += _ref(inc.detected_by, ix.agencies, (*at, "detected_by"), "agency")
        if inc.zone is not None and zones:
            out += _ref(inc.zone, zones, (*at, "zone"), "zone (not in target.zones)")
        for j, t in enumerate(inc.triggers):
            out += _ref(t, ix.tasks, (*at, "triggers", j), "task")
        out += _casualty_flow(ix, i)
        out += _zone_travel(ix, i)
    for i, a in enumerate(ix.s.agencies):
        if isinstance(a.travel, ZoneTravel):
            for zone in a.travel.by_zone:
                if zone not in zones:
                    out.append(
                        Problem(
                            f"unknown zone {zone!r} in travel times",
                            keys=("agencies", i, "travel", "by_zone", zone),
                            hint=_suggest(zone, zones) or "declare the zones in target.zones",
                            unknown_name=True,
                        )
                    )
    return out


def _casualty_flow(ix: _Index, i: int) -> list[Problem]:
    inc = ix.s.incidents[i]
    out = []
    for t in ix.closure(inc.triggers):
        task = ix.tasks[t]
        if task.is_per_casualty and sum(getattr(inc.casualties, c) for c in task.categories) == 0:
            cats = ", ".join(task.categories)
            out.append(
                Problem(
                    f"incident {inc.id} triggers the per-casualty task {t} but has no casualties "
                    f"({cats}), so {t} has nothing to do",
                    keys=("incidents", i, "triggers"),
                    severity="warning",
                    hint="add casualties to the incident, or do not trigger it",
                )
            )
    return out


def _zone_travel(ix: _Index, i: int) -> list[Problem]:
    inc = ix.s.incidents[i]
    out = []
    for t in ix.closure(inc.triggers):
        for a in ix.capable(ix.tasks[t]):
            travel = ix.agencies[a].travel
            if isinstance(travel, ZoneTravel) and (inc.zone or "") not in travel.by_zone:
                where = f"zone {inc.zone}" if inc.zone else "no zone"
                out.append(
                    Problem(
                        f"{a} has no travel time for {where} (incident {inc.id}); the slowest of its "
                        "zones is used",
                        keys=("incidents", i, "zone"),
                        severity="warning",
                    )
                )
    return list(dict.fromkeys(out))


def _tasks(ix: _Index, gap: Severity) -> list[Problem]:
    known = dict.fromkeys([*ix.agencies, *sorted(ix.capabilities)])  # ordered, O(1) lookups
    out = []
    for i, task in enumerate(ix.s.tasks):
        at: FieldPath = ("tasks", i)
        unknown = [
            p
            for j, name in enumerate(task.by)
            for p in _ref(name, known, (*at, "by", j), "agency or capability")
        ]
        out += unknown
        for j, p in enumerate(task.after):
            out += _ref(p, ix.tasks, (*at, "after", j), "task")
        capable = ix.capable(task)
        if not capable and not unknown:
            out.append(
                Problem(
                    f"no agency can do task {task.id}",
                    keys=(*at, "by"),
                    severity=gap,
                    hint="name an agency id, or a capability some agency lists",
                )
            )
        elif capable:
            best = max(capable, key=lambda a: ix.agencies[a].units)
            if ix.agencies[best].units < task.units:
                out.append(
                    Problem(
                        f"task {task.id} needs {task.units} units at once but the most any capable agency has is "
                        f"{ix.agencies[best].units} ({best})",
                        keys=(*at, "units"),
                        severity=gap,
                        hint="lower the task's units or give an agency more units",
                    )
                )
    return out


def _cycles(s: Scenario) -> list[Problem]:
    order = {t.id: i for i, t in enumerate(s.tasks)}
    g = nx.DiGraph()
    g.add_edges_from((p, t.id) for t in s.tasks for p in t.after if p in order)
    out = []
    for component in nx.strongly_connected_components(g):
        if len(component) == 1 and not any(g.has_edge(n, n) for n in component):
            continue
        start = min(component, key=order.__getitem__)
        cycle = nx.find_cycle(g.subgraph(component), source=start)
        names = [u for u, _ in cycle] + [cycle[0][0]]
        out.append(
            Problem(
                "the prerequisites form a loop: " + " -> ".join(names),
                keys=("tasks", order[start], "after"),
                hint="a task cannot (indirectly) wait for itself; remove one of these `after` entries",
            )
        )
    return sorted(out, key=lambda p: p.path)


def _objectives(ix: _Index, gap: Severity) -> list[Problem]:
    out = []
    for i, obj in enumerate(ix.s.objectives):
        out += _objective(ix, i, obj, gap)
    return out


def _objective(ix: _Index, i: int, obj: Objective, gap: Severity) -> list[Problem]:
    at: FieldPath = ("objectives", i)
    m = obj.measure
    kind, target = m.kind, m.target
    out: list[Problem] = []
    if m.incident is not None:
        out += _ref(m.incident, ix.incidents, (*at, "measure", "incident"), "incident")
    if obj.from_ not in CLOCK_STARTS and obj.from_ not in ix.incidents:
        out.append(
            Problem(
                f"unknown clock start {obj.from_!r}",
                keys=(*at, "from"),
                hint="use trigger, first_inject, exercise_start or an incident id",
                unknown_name=True,
            )
        )
    horizon = ix.s.scenario.horizon
    if obj.within > horizon:
        out.append(
            Problem(
                f"the target {format_duration(obj.within)} is longer than the horizon "
                f"{format_duration(horizon)}, so a miss is never seen",
                keys=(*at, "within"),
                severity="warning",
                hint="raise scenario.horizon or shorten the target",
            )
        )
    if kind not in TASK_MEASURES:
        if target not in ix.agencies:
            return out + _ref(target, ix.agencies, (*at, "measure", kind), "agency")
        return out + _alertable(ix, target, (*at, "measure", kind), gap)
    if target not in ix.tasks:
        return out + _ref(target, ix.tasks, (*at, "measure", kind), "task")
    return out + _measurable_task(ix, obj, kind, target, at, gap)


def _alertable(ix: _Index, agency: str, path: FieldPath, gap: Severity) -> list[Problem]:
    detectors = {inc.detected_by for inc in ix.s.incidents}
    if agency in detectors or ix.graph.in_degree(agency) > 0:
        return []
    return [
        Problem(
            f"{agency} can never be alerted: no link leads to it and it detects no incident",
            keys=path,
            severity=gap,
            hint=f"add a link to {agency}",
        )
    ]


def _measurable_task(
    ix: _Index, obj: Objective, kind: str, task_id: str, at: FieldPath, gap: Severity
) -> list[Problem]:
    incidents = ix.triggered_by.get(task_id, [])
    incident = obj.measure.incident
    path: FieldPath = (*at, "measure", kind)
    if not incidents or (incident in ix.incidents and incident not in incidents):
        which = f"incident {incident}" if incident in ix.incidents else "any incident"
        return [
            Problem(
                f"task {task_id} is never triggered by {which}, so this objective can never be measured",
                keys=path,
                severity=gap,
                hint=f"add {task_id} to the incident's triggers",
            )
        ]
    if kind != "casualties_through":
        return []
    task = ix.tasks[task_id]
    if not task.is_per_casualty:
        return [
            Problem(
                f"casualties_through needs a per-casualty task; {task_id} has no per_casualty time",
                keys=path,
                hint=f"measure task_done: {task_id}, or give it per_casualty",
            )
        ]
    category = obj.measure.category
    if category is not None and category not in task.categories:
        return [
            Problem(
                f"{category} casualties do not go through {task_id} (its categories: "
                f"{', '.join(task.categories)})",
                keys=(*at, "measure", "category"),
            )
        ]
    cats = (category,) if category else task.categories
    pool = [incident] if incident in ix.incidents else incidents
    if not any(getattr(ix.incidents[i].casualties, c) for i in pool for c in cats):
        return [
            Problem(
                f"no incident that triggers {task_id} has {'/'.join(cats)} casualties, so this objective "
                "can never be measured",
                keys=path,
                severity=gap,
                hint="add casualties to the incident that triggers the task",
            )
        ]
    return []


def _reachability(ix: _Index) -> list[Problem]:
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
                    keys=("tasks", list(ix.tasks).index(t), "by"),
                    hint="add a link (or a backup channel) so that the alert can reach them",
                )
            )
    return sorted(out, key=lambda p: p.keys[1])  # the task index, as the file orders them


def _no_path(
    ix: _Index, detector: str, incident: str, task: str, capable: list[str], reach: set[str]
) -> str:
    """Say which path is missing: the agency with no incoming link, or where the alerts stop."""
    if len(capable) == 1:
        text = f"task {task} needs {capable[0]}, but there is no path from {detector} (detects {incident}) to {capable[0]}"
    else:
        text = (
            f"task {task} needs one of {', '.join(capable)}, but there is no path from {detector} "
            f"(detects {incident}) to any of them"
        )
    orphans = [c for c in capable if ix.graph.in_degree(c) == 0]
    if len(orphans) == len(capable):
        return (
            text
            + "; "
            + ", ".join(orphans)
            + (" has" if len(orphans) == 1 else " have")
            + " no incoming link"
        )
    senders = sorted({p for c in capable for p in ix.graph.predecessors(c)} - set(capable))
    if len(capable) == 1 and senders:
        text += f"; {capable[0]} is alerted only by {', '.join(senders)}"
    return text + f"; the alerts stop at {_nearest(ix, capable, reach)}"


def _nearest(ix: _Index, capable: list[str], reach: set[str]) -> str:
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
