"""Measure objectives and milestones on one replication's event log (plain functions, no SimPy).

An objective is first *prepared* once per scenario (:func:`prepare`: its clock, the incidents
it waits for, the casualties it expects), then measured on each replication's :class:`LogIndex`
(the log's records grouped by kind, read once), so that measuring many objectives over many
replications reads each log once instead of once per objective.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from drillsim.scenario.model import Objective, Scenario
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


class LogIndex:
    """One replication's records grouped by kind, each group in log order; read once."""

    __slots__ = ("by_kind", "injects", "records")

    def __init__(self, records: Sequence[EventRecord]) -> None:
        by_kind: dict[EventKind, list[EventRecord]] = {k: [] for k in EventKind}
        for r in records:
            by_kind[r.kind].append(r)
        self.records = records
        self.by_kind = by_kind
        self.injects = {r.incident: (r.time, r.id) for r in by_kind[K.INJECT] if r.incident}


def inject_times(records: Sequence[EventRecord]) -> dict[str, tuple[float, int]]:
    """Incident id -> (time, record id) of its INJECT record."""
    return {r.incident: (r.time, r.id) for r in records if r.kind is K.INJECT and r.incident}


@dataclass(frozen=True, slots=True)
class Prepared:
    """An objective with what does not depend on the replication worked out once.

    Attributes:
        objective: The objective, its measure bound to its clock's incident when it has one.
        wanted: Incidents whose TASK_DONE the measure needs (task_done and casualties_through
            without a category); empty otherwise.
        incidents: Incidents whose casualties count (casualties_through with a category).
        expected: How many casualties of the category those incidents bring.
        first_inject: Time of the earliest inject in the scenario, the first_inject clock's
            start when no inject fired.
    """

    objective: Objective
    wanted: tuple[str, ...] = ()
    incidents: tuple[str, ...] = ()
    expected: int = 0
    first_inject: float = 0.0


def prepare(objective: Objective, scenario: Scenario) -> Prepared:
    """Work out once what measuring ``objective`` needs beyond a replication's log.

    An objective timed from an incident measures what happens for that incident (unless its
    measure names another), so the time can never be negative.
    """
    special = ("trigger", "first_inject", "exercise_start")
    if objective.from_ not in special and getattr(objective.measure, "incident", None) is None:
        objective = objective.model_copy(
            update={"measure": objective.measure.model_copy(update={"incident": objective.from_})}
        )
    m = objective.measure
    first = min(i.at for i in scenario.incidents) if objective.from_ == "first_inject" else 0.0
    if m.kind == "casualties_through" and m.category is not None:
        incidents = [m.incident] if m.incident else triggering_incidents(scenario, m.target)
        expected = sum(
            getattr(i.casualties, m.category) for i in scenario.incidents if i.id in incidents
        )
        return Prepared(
            objective, incidents=tuple(incidents), expected=expected, first_inject=first
        )
    if m.kind in ("task_done", "casualties_through"):
        wanted = [m.incident] if m.incident else triggering_incidents(scenario, m.target)
        return Prepared(objective, wanted=tuple(wanted), first_inject=first)
    return Prepared(objective, first_inject=first)


def measure(
    records: Sequence[EventRecord], objective: Objective, scenario: Scenario
) -> Measurement:
    """The objective's time in this replication, from its clock start (see ``Objective.from_``)."""
    return measure_prepared(LogIndex(records), prepare(objective, scenario))


def measure_prepared(log: LogIndex, prepared: Prepared) -> Measurement:
    """:func:`measure` of an objective prepared once, on a replication's indexed log."""
    objective = prepared.objective
    end = _end_record(log, prepared)
    start = _clock_start(objective, end, log.injects, prepared.first_inject)
    if end is None or start is None:
        return Measurement(None, None, start or 0.0, False)
    time = end.time - start
    return Measurement(time, end.id, start, time <= objective.within)


def _clock_start(
    objective: Objective,
    end: EventRecord | None,
    injects: dict[str, tuple[float, int]],
    first_inject: float,
) -> float | None:
    origin = objective.from_
    if origin == "exercise_start":
        return 0.0
    if origin == "first_inject":
        return min((t for t, _ in injects.values()), default=first_inject)
    if origin == "trigger":
        if end is None or end.incident not in injects:
            return None
        return injects[end.incident][0]
    return injects[origin][0] if origin in injects else None


def _end_record(log: LogIndex, prepared: Prepared) -> EventRecord | None:
    m = prepared.objective.measure
    by_kind = log.by_kind
    incident = m.incident
    if m.kind == "casualties_through" and m.category is not None:
        return _casualties_through(by_kind[K.TASK_FINISHED], m.target, m.category, prepared)
    if m.kind in ("task_done", "casualties_through"):
        return _all_done(by_kind[K.TASK_DONE], m.target, prepared.wanted)
    if m.kind == "task_started":
        return _first(by_kind[K.TASK_STARTED], "task", m.target, incident)
    if m.kind == "on_scene":
        return _first(by_kind[K.ON_SCENE], "agency", m.target, incident)
    alerted = _first(by_kind[K.ALERTED], "agency", m.target, incident)
    detected = _first(by_kind[K.DETECTED], "agency", m.target, incident)
    if alerted is None or detected is None:
        return alerted or detected
    return alerted if alerted.id < detected.id else detected  # the first in the log


def _first(
    records: list[EventRecord], field: str, value: str, incident: str | None
) -> EventRecord | None:
    """The first record whose ``field`` is ``value`` (for ``incident``, when one is given)."""
    for r in records:
        if getattr(r, field) == value and (incident is None or r.incident == incident):
            return r
    return None


def triggering_incidents(scenario: Scenario, task_id: str) -> list[str]:
    """Incidents that bring in a task (directly or as a prerequisite of what they trigger)."""
    tasks = tasks_by_id(scenario)
    return [i.id for i in scenario.incidents if task_id in prerequisite_closure(i.triggers, tasks)]


def _all_done(
    done_records: list[EventRecord], task: str, wanted: tuple[str, ...]
) -> EventRecord | None:
    """The last TASK_DONE of the task, provided every incident that brings it in has it done."""
    done = {r.incident: r for r in done_records if r.task == task}
    if not wanted or any(i not in done for i in wanted):
        return None
    return max((done[i] for i in wanted), key=lambda r: (r.time, r.id))


def _casualties_through(
    finished: list[EventRecord], task: str, category: str, prepared: Prepared
) -> EventRecord | None:
    prefix = f"{category}-"
    incidents = prepared.incidents
    through = [
        r
        for r in finished
        if r.task == task
        and r.casualty is not None
        and r.casualty.startswith(prefix)
        and r.incident in incidents
    ]
    if prepared.expected == 0 or len(through) < prepared.expected:
        return None
    return max(through, key=lambda r: (r.time, r.id))
