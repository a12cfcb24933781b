"""Phase 2 of validation: cross-references and structure of a parsed scenario.

``check(scenario)`` returns every problem at once; it never raises and never reads files. Each
problem carries its field's path as keys and indexes (``Problem.keys``, such as
``("tasks", 3, "after", 0)``; ``from`` for the ``from_`` field) so that the loader can find the
line it came from.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable

import networkx as nx

from drillsim.errors import FieldPath, Problem, Severity, dotted
from drillsim.i18n import Msg
from drillsim.scenario.durations import format_duration
from drillsim.scenario.gcpause import gc_paused
from drillsim.scenario.model import TASK_MEASURES, Objective, Scenario, Variant, ZoneTravel
from drillsim.scenario.reach import Index, reachability
from drillsim.scenario.variant_refs import unknown, variant_problems
from drillsim.scenario.variants import try_variant

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
    ix = Index(scenario)
    gap: Severity = "warning" if what_if else "error"
    return [
        *_duplicates(scenario),
        *_links(ix),
        *_incidents(ix),
        *_tasks(ix, gap),
        *_cycles(scenario),
        *_objectives(ix, gap),
        *reachability(ix),
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


def _suggest(name: str, known: Iterable[str]) -> str:
    known = sorted(set(known))
    close = difflib.get_close_matches(name, known, n=1)
    if close:
        return Msg("semantics.did_you_mean", name=repr(close[0]))
    return Msg("semantics.known", names=", ".join(known)) if known else ""


def _ref(name: str, known: Collection[str], path: FieldPath, what: str) -> list[Problem]:
    """An unknown name of the kind ``what`` (a key of ``variant_refs.UNKNOWN``), or nothing."""
    if name in known:  # NOTE: not copied: a dict or set here (or the few zones), O(1) lookups
        return []
    return [Problem(unknown(what, name), keys=path, hint=_suggest(name, known), unknown_name=True)]


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
                    Msg(
                        "semantics.duplicate_id",
                        id=repr(name),
                        entry=dotted((*section, first[name])),
                    ),
                    keys=(*section, i, *suffix),
                    hint=Msg("semantics.duplicate_id_hint"),
                )
            )
        first.setdefault(name, i)
    return out


def _links(ix: Index) -> list[Problem]:
    out = []
    for i, link in enumerate(ix.s.links):
        out += _ref(link.from_, ix.agencies, ("links", i, "from"), "agency")
        for j, to in enumerate(link.to):
            out += _ref(to, ix.agencies, ("links", i, "to", j), "agency")
            if to == link.from_:
                out.append(
                    Problem(
                        Msg("semantics.self_link", agency=to),
                        keys=("links", i, "to", j),
                        hint=Msg("semantics.self_link_hint"),
                    )
                )
    return out


def _liaisons(ix: Index) -> list[Problem]:
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
                        Msg("semantics.own_liaison", agency=a.id),
                        keys=at,
                        hint=Msg("semantics.own_liaison_hint"),
                    )
                )
            elif ix.agencies[a.liaison].external:
                out.append(
                    Problem(
                        Msg("semantics.external_liaison", liaison=a.liaison, agency=a.id),
                        keys=at,
                        hint=Msg("semantics.external_liaison_hint"),
                    )
                )
        elif a.external and ix.s.liaison_of(a.id) is None:
            out.append(
                Problem(
                    Msg("semantics.no_liaison", agency=a.id),
                    keys=("agencies", i, "authority"),
                    hint=Msg("semantics.no_liaison_hint"),
                )
            )
    return out


def _incidents(ix: Index) -> list[Problem]:
    zones = ix.s.target.zones
    out = []
    for i, inc in enumerate(ix.s.incidents):
        at: FieldPath = ("incidents", i)
        out += _ref(inc.detected_by, ix.agencies, (*at, "detected_by"), "agency")
        if inc.zone is not None and zones:
            out += _ref(inc.zone, zones, (*at, "zone"), "zone")
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
                            Msg("semantics.unknown_travel_zone", zone=repr(zone)),
                            keys=("agencies", i, "travel", "by_zone", zone),
                            hint=_suggest(zone, zones) or Msg("semantics.declare_zones"),
                            unknown_name=True,
                        )
                    )
    return out


def _casualty_flow(ix: Index, i: int) -> list[Problem]:
    inc = ix.s.incidents[i]
    out = []
    for t in ix.closure(inc.triggers):
        task = ix.tasks[t]
        if task.is_per_casualty and sum(getattr(inc.casualties, c) for c in task.categories) == 0:
            cats = ", ".join(task.categories)
            out.append(
                Problem(
                    Msg("semantics.no_casualties", incident=inc.id, task=t, categories=cats),
                    keys=("incidents", i, "triggers"),
                    severity="warning",
                    hint=Msg("semantics.no_casualties_hint"),
                )
            )
    return out


def _zone_travel(ix: Index, i: int) -> list[Problem]:
    inc = ix.s.incidents[i]
    out = []
    for t in ix.closure(inc.triggers):
        for a in ix.capable(ix.tasks[t]):
            travel = ix.agencies[a].travel
            if isinstance(travel, ZoneTravel) and (inc.zone or "") not in travel.by_zone:
                message = (
                    Msg("semantics.no_zone_travel", agency=a, zone=inc.zone, incident=inc.id)
                    if inc.zone
                    else Msg("semantics.no_travel_without_zone", agency=a, incident=inc.id)
                )
                out.append(Problem(message, keys=("incidents", i, "zone"), severity="warning"))
    return list(dict.fromkeys(out))


def _tasks(ix: Index, gap: Severity) -> list[Problem]:
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
                    Msg("semantics.nobody_can_do", task=task.id),
                    keys=(*at, "by"),
                    severity=gap,
                    hint=Msg("semantics.nobody_can_do_hint"),
                )
            )
        elif capable:
            best = max(capable, key=lambda a: ix.agencies[a].units)
            if ix.agencies[best].units < task.units:
                out.append(
                    Problem(
                        Msg(
                            "semantics.too_few_units",
                            task=task.id,
                            units=task.units,
                            most=ix.agencies[best].units,
                            agency=best,
                        ),
                        keys=(*at, "units"),
                        severity=gap,
                        hint=Msg("semantics.too_few_units_hint"),
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
                Msg("semantics.loop", tasks=" -> ".join(names)),
                keys=("tasks", order[start], "after"),
                hint=Msg("semantics.loop_hint"),
            )
        )
    return sorted(out, key=lambda p: p.path)


def _objectives(ix: Index, gap: Severity) -> list[Problem]:
    out = []
    for i, obj in enumerate(ix.s.objectives):
        out += _objective(ix, i, obj, gap)
    return out


def _objective(ix: Index, i: int, obj: Objective, gap: Severity) -> list[Problem]:
    at: FieldPath = ("objectives", i)
    m = obj.measure
    kind, target = m.kind, m.target
    out: list[Problem] = []
    if m.incident is not None:
        out += _ref(m.incident, ix.incidents, (*at, "measure", "incident"), "incident")
    if obj.from_ not in CLOCK_STARTS and obj.from_ not in ix.incidents:
        out.append(
            Problem(
                Msg("semantics.unknown_clock_start", name=repr(obj.from_)),
                keys=(*at, "from"),
                hint=Msg("semantics.unknown_clock_start_hint"),
                unknown_name=True,
            )
        )
    horizon = ix.s.scenario.horizon
    if obj.within > horizon:
        out.append(
            Problem(
                Msg(
                    "semantics.target_beyond_horizon",
                    target=format_duration(obj.within),
                    horizon=format_duration(horizon),
                ),
                keys=(*at, "within"),
                severity="warning",
                hint=Msg("semantics.target_beyond_horizon_hint"),
            )
        )
    if kind not in TASK_MEASURES:
        if target not in ix.agencies:
            return out + _ref(target, ix.agencies, (*at, "measure", kind), "agency")
        return out + _alertable(ix, target, (*at, "measure", kind), gap)
    if target not in ix.tasks:
        return out + _ref(target, ix.tasks, (*at, "measure", kind), "task")
    return out + _measurable_task(ix, obj, kind, target, at, gap)


def _alertable(ix: Index, agency: str, path: FieldPath, gap: Severity) -> list[Problem]:
    detectors = {inc.detected_by for inc in ix.s.incidents}
    if agency in detectors or ix.graph.in_degree(agency) > 0:
        return []
    return [
        Problem(
            Msg("semantics.never_alerted", agency=agency),
            keys=path,
            severity=gap,
            hint=Msg("semantics.never_alerted_hint", agency=agency),
        )
    ]


def _measurable_task(
    ix: Index, obj: Objective, kind: str, task_id: str, at: FieldPath, gap: Severity
) -> list[Problem]:
    incidents = ix.triggered_by.get(task_id, [])
    incident = obj.measure.incident
    path: FieldPath = (*at, "measure", kind)
    if not incidents or (incident in ix.incidents and incident not in incidents):
        message = (
            Msg("semantics.never_triggered_by", task=task_id, incident=incident)
            if incident in ix.incidents
            else Msg("semantics.never_triggered", task=task_id)
        )
        return [
            Problem(
                message,
                keys=path,
                severity=gap,
                hint=Msg("semantics.never_triggered_hint", task=task_id),
            )
        ]
    if kind != "casualties_through":
        return []
    task = ix.tasks[task_id]
    if not task.is_per_casualty:
        return [
            Problem(
                Msg("semantics.not_per_casualty", task=task_id),
                keys=path,
                hint=Msg("semantics.not_per_casualty_hint", task=task_id),
            )
        ]
    category = obj.measure.category
    if category is not None and category not in task.categories:
        return [
            Problem(
                Msg(
                    "semantics.category_not_in_task",
                    category=category,
                    task=task_id,
                    categories=", ".join(task.categories),
                ),
                keys=(*at, "measure", "category"),
            )
        ]
    cats = (category,) if category else task.categories
    pool = [incident] if incident in ix.incidents else incidents
    if not any(getattr(ix.incidents[i].casualties, c) for i in pool for c in cats):
        return [
            Problem(
                Msg("semantics.no_casualties_to_measure", task=task_id, categories="/".join(cats)),
                keys=path,
                severity=gap,
                hint=Msg("semantics.no_casualties_to_measure_hint"),
            )
        ]
    return []
