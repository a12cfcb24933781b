"""Why a triggered task did not finish: plain words for the timeline and the report."""

from __future__ import annotations

from typing import TYPE_CHECKING

import networkx as nx

from drillsim.scenario.durations import clock
from drillsim.sim.engine.taskstate import (
    AWAITING_AGENCY,
    AwaitingPrerequisite,
    AwaitingUnits,
    CannotStart,
    CasualtiesUnderway,
    TaskState,
    Working,
)
from drillsim.sim.records import EventKind, Unfinished

if TYPE_CHECKING:
    from drillsim.sim.compile import IncidentC, TaskC
    from drillsim.sim.engine.model import DrillModel


def unfinished_reasons(model: DrillModel) -> list[Unfinished]:
    """Every triggered task instance that is not done at the end of the run, with its reason."""
    out: list[Unfinished] = []
    c = model.c
    for inc in c.incidents:
        for t in inc.tasks:
            task = c.tasks[t]
            if model.fired[inc.index] is None:
                out.append(
                    Unfinished(
                        task.id,
                        inc.id,
                        f"the inject at {clock(inc.at)} comes after the "
                        f"horizon ({clock(c.horizon)})",
                    )
                )
            elif not model.done[(inc.index, t)].triggered:
                out.append(_reason(model, inc, task))
    return out


def _reason(model: DrillModel, inc: IncidentC, task: TaskC) -> Unfinished:
    key = (inc.index, task.index)
    state = model.state.get(key, AWAITING_AGENCY)
    if isinstance(state, CasualtiesUnderway):
        steps = [
            (inc.index, task.index, cas)
            for cas in inc.casualties
            if (inc.index, task.index, cas) in model.done
        ]
        left = [s for s in steps if not model.done[s].triggered]
        first = model.state.get(left[0], AWAITING_AGENCY) if left else AWAITING_AGENCY
        text = _state_text(model, inc, task, first)
        return Unfinished(
            task.id,
            inc.id,
            f"{len(left)} of {len(steps)} casualties not through: {text}",
            casualties=len(left),
        )
    return Unfinished(task.id, inc.id, _state_text(model, inc, task, state))


def _state_text(model: DrillModel, inc: IncidentC, task: TaskC, state: TaskState) -> str:
    agencies = model.c.agencies
    match state:
        case AwaitingPrerequisite(prerequisite):
            return f"waiting for prerequisite {prerequisite}"
        case Working(agency):
            return f"in progress by {agencies[agency].id} at the end of the run"
        case AwaitingUnits(agency):
            pool = model.pools[agency]
            return (
                f"waiting for units of {agencies[agency].id} ({task.units} needed, "
                f"{pool.level if pool else 0} of {pool.capacity if pool else 0} free)"
            )
        case CannotStart():
            if not task.capable:
                return "no agency able to do it is in play"
            names = ", ".join(f"{agencies[a].id} ({agencies[a].units} units)" for a in task.capable)
            return f"needs {task.units} units at once but no capable agency has that many: {names}"
    return _agency_text(model, inc, task)


def _agency_text(model: DrillModel, inc: IncidentC, task: TaskC) -> str:
    """No capable agency was ready: say whether it was never alerted, and why."""
    c = model.c
    names = [c.agencies[a].id for a in task.capable]
    alerted = [a for a in task.capable if (a, inc.index) in model.alerts]
    if alerted:
        a = c.agencies[alerted[0]]
        step = "activating" if model.activated[a.index] is None else "travelling"
        return f"{a.id} was alerted but is not ready yet ({step})"
    if inc.detector is None:
        return f"no agency detects incident {inc.id} (its detecting agency is out of play)"
    source = c.agencies[inc.detector].id
    reachable = [n for n in names if n in c.graph and nx.has_path(c.graph, source, n)]
    if not reachable:
        return (
            f"none of the agencies able to do it ({', '.join(names)}) was alerted: "
            f"no path in the coordination graph from {source} to them"
        )
    lost = sorted(
        {
            r.link
            for r in model.records
            if r.kind is EventKind.ALERT_LOST and r.incident == inc.id and r.link is not None
        }
    )
    retrying = sorted(
        {
            r.link
            for r in model.records
            if r.kind is EventKind.TRY_FAILED
            and r.incident == inc.id
            and r.link is not None
            and r.link not in lost
            and (c.agency_index[r.link.rsplit("->", 1)[1]], inc.index) not in model.alerts
        }
    )
    parts = ([f"the alert was lost on {', '.join(lost)}"] if lost else []) + (
        [f"the alert was still being retried on {', '.join(retrying)}"] if retrying else []
    )
    if parts:
        return f"none of the agencies able to do it ({', '.join(names)}) was alerted: " + "; ".join(
            parts
        )
    return (
        f"none of the agencies able to do it ({', '.join(names)}) was alerted before the end "
        "(the alert was still on its way)"
    )
