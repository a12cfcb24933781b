"""Measure objectives and milestones on one replication's event log (plain functions, no SimPy)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from drillsim.scenario.model import BaseMeasure, Objective, Scenario
from drillsim.scenario.resolve import prerequisite_closure, tasks_by_id
from drillsim.sim.records import EventKind, EventRecord

K = EventKind


@dataclass(frozen=True, slots=True)
class Measurement:
    """An objective measured on one replication.

    Attributes:
        time: Seconds from the clock start to the measured event; None if it never happened.
        end: Id of the record that marks the measured event (the end of its critical path).
        clock_start: Scenario time the clock started from.
        met: Whether ``time`` is within the objective's target.
    """

    time: float | None
    end: int | None
    clock_start: float
    met: bool


def inject_times(records: Sequence[EventRecord]) -> dict[str, tuple[float, int]]:
    """Incident id -> (time, record id) of its INJECT record."""
    return {r.incident: (r.time, r.id) for r in records if r.kind is K.INJECT and r.incident}


def measure(
    records: Sequence[EventRecord], objective: Objective, scenario: Scenario
) -> Measurement:
    """The objective's time in this replication, from its clock start (see ``Objective.from_``).

    An objective timed from an incident measures what happens for that incident (unless its
    measure names another), so the time can never be negative.
    """
    special = ("trigger", "first_inject", "exercise_start")
    if objective.from_ not in special and getattr(objective.measure, "incident", None) is None:
        objective = objective.model_copy(
            update={"measure": objective.measure.model_copy(update={"incident": objective.from_})}
        )
    end = _end_record(records, objective, scenario)
    injects = inject_times(records)
    start = _clock_start(objective, end, injects, scenario)
    if end is None or start is None:
        return Measurement(None, None, start or 0.0, False)
    time = end.time - start
    return Measurement(time, end.id, start, time <= objective.within)


def _clock_start(
    objective: Objective,
    end: EventRecord | None,
    injects: dict[str, tuple[float, int]],
    scenario: Scenario,
) -> float | None:
    origin = objective.from_
    if origin == "exercise_start":
        return 0.0
    if origin == "first_inject":
        return min((t for t, _ in injects.values()), default=min(i.at for i in scenario.incidents))
    if origin == "trigger":
        if end is None or end.incident not in injects:
            return None
        return injects[end.incident][0]
    return injects[origin][0] if origin in injects else None


def _match(r: EventRecord, incident: str | None) -> bool:
    return incident is None or r.incident == incident


def _end_record(
    records: Sequence[EventRecord], objective: Objective, scenario: Scenario
) -> EventRecord | None:
    m = objective.measure
    if m.kind == "task_done":
        return _all_done(records, m.target, m.incident, scenario)
    if m.kind == "casualties_through":
        return _casualties_through(records, m, scenario)
    if m.kind == "task_started":
        return _first(
            records, (K.TASK_STARTED,), lambda r: r.task == m.target and _match(r, m.incident)
        )
    kinds = (K.ON_SCENE,) if m.kind == "on_scene" else (K.ALERTED, K.DETECTED)
    return _first(records, kinds, lambda r: r.agency == m.target and _match(r, m.incident))


def _first(
    records: Sequence[EventRecord], kinds: tuple[EventKind, ...], pred: object
) -> EventRecord | None:
    for r in records:
        if r.kind in kinds and pred(r):  # type: ignore[operator]
            return r
    return None


def triggering_incidents(scenario: Scenario, task_id: str) -> list[str]:
    """Incidents that bring in a task (directly or as a prerequisite of what they trigger)."""
    tasks = tasks_by_id(scenario)
    return [i.id for i in scenario.incidents if task_id in prerequisite_closure(i.triggers, tasks)]


def _all_done(
    records: Sequence[EventRecord], task: str, incident: str | None, scenario: Scenario
) -> EventRecord | None:
    """The last TASK_DONE of the task, provided every incident that brings it in has it done."""
    wanted = [incident] if incident else triggering_incidents(scenario, task)
    done = {r.incident: r for r in records if r.kind is K.TASK_DONE and r.task == task}
    if not wanted or any(i not in done for i in wanted):
        return None
    return max((done[i] for i in wanted), key=lambda r: (r.time, r.id))


def _casualties_through(
    records: Sequence[EventRecord], m: BaseMeasure, scenario: Scenario
) -> EventRecord | None:
    if m.category is None:
        return _all_done(records, m.target, m.incident, scenario)
    incidents = [m.incident] if m.incident else triggering_incidents(scenario, m.target)
    expected = sum(
        getattr(i.casualties, m.category) for i in scenario.incidents if i.id in incidents
    )
    prefix = f"{m.category}-"
    through = [
        r
        for r in records
        if r.kind is K.TASK_FINISHED
        and r.task == m.target
        and r.casualty is not None
        and r.casualty.startswith(prefix)
        and r.incident in incidents
    ]
    if expected == 0 or len(through) < expected:
        return None
    return max(through, key=lambda r: (r.time, r.id))
