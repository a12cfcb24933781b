"""A scenario's injects as MSEL rows, with the simulated expected times of the objectives they open."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from drillsim.analysis.measure import triggering_incidents
from drillsim.msel.columns import COLUMNS, PLANNER_COLUMNS
from drillsim.msel.times import format_time
from drillsim.scenario.durations import format_duration
from drillsim.scenario.model import (
    Incident,
    MselEntry,
    Objective,
    Scenario,
)
from drillsim.scenario.yamltext import flow

# -- export ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Expected:
    """Simulated time of an objective from its clock start: median and 90th percentile (None: not reached)."""

    median: float | None
    p90: float | None


@dataclass(frozen=True, slots=True)
class Sheet:
    """A table to write: headers, rows of cell values, widths, header comments and notes."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str | int, ...], ...]
    widths: tuple[int, ...]
    planner_columns: int
    comments: Mapping[str, str]
    notes: tuple[str, ...]


def in_time_order(incidents: Sequence[Incident]) -> list[Incident]:
    """Injects by scenario time, ties in file order (the engine's own tie-break)."""
    return sorted(incidents, key=lambda inc: inc.at)  # sorted() is stable


def export_sheet(scenario: Scenario, expected: Mapping[str, Expected] | None, about: str) -> Sheet:
    """The MSEL of a scenario; ``expected`` maps objective ids to simulated times (None: not simulated)."""
    ordered = in_time_order(scenario.incidents)
    tied = objectives_by_incident(scenario)
    rows = tuple(
        _export_row(scenario, inc, k, tied.get(inc.id, []), expected)
        for k, inc in enumerate(ordered, 1)
    )
    expected_note = (
        f"Expected by (median) and (p90): simulated time from each objective's clock start (the "
        f"inject that triggers it, unless the line says 'after ...') to the measured event; {about}. "
        "'not reached': the event did not happen in over half (median) or over a tenth (p90) "
        "of the replications."
    )
    notes = (
        f"MSEL of {scenario.scenario.title} ({scenario.scenario.id}).",
        (
            "Rows: the injects in scenario-time order (ties in file order). Scenario time: H+hours:minutes "
            "since the exercise start."
        ),
        (
            "Objective, Core capability, Expected by: one line per objective the inject addresses, aligned "
            "line by line across the columns."
        ),
        expected_note,
        (
            "The columns from 'Incident id' on are drillsim's: keep them to import the MSEL back exactly "
            "(drillsim msel import MSEL --scenario SCENARIO)."
        ),
    )
    return Sheet(
        tuple(c.header for c in COLUMNS),
        rows,
        tuple(c.width for c in COLUMNS),
        PLANNER_COLUMNS,
        {"Expected by (median)": expected_note, "Expected by (p90)": expected_note},
        notes,
    )


def objectives_by_incident(scenario: Scenario) -> dict[str, list[Objective]]:
    """Incident id -> the objectives its inject addresses, in objective order."""
    out: dict[str, list[Objective]] = {}
    for obj in scenario.objectives:
        for inc in tied_incidents(scenario, obj):
            out.setdefault(inc, []).append(obj)
    return out


def tied_incidents(scenario: Scenario, objective: Objective) -> list[str]:
    """The injects an objective belongs to: its clock's or measure's incident, else those bringing its task in.

    An on-scene or alerted measure without an incident belongs to the first inject.
    """
    ids = [i.id for i in scenario.incidents]
    named = getattr(objective.measure, "incident", None)
    if objective.from_ in ids:
        return [objective.from_]
    if named:
        return [named]
    m = objective.measure
    task = (
        getattr(m, "task_done", None)
        or getattr(m, "task_started", None)
        or getattr(m, "casualties_through", None)
    )
    found = triggering_incidents(scenario, task) if task else []
    return found or [in_time_order(scenario.incidents)[0].id]


def _export_row(
    sc: Scenario,
    inc: Incident,
    position: int,
    objectives: list[Objective],
    expected: Mapping[str, Expected] | None,
) -> tuple[str | int, ...]:
    m = inc.msel or _NO_MSEL
    to = (
        m.to if inc.msel else sc.agency_label(inc.detected_by)
    )  # an inject without MSEL columns goes to its detector
    times = [
        [_expected_text(expected, o, inc, median) for o in objectives]
        if expected is not None
        else []
        for median in (True, False)
    ]
    planner = (
        position if m.number is None else m.number,
        format_time(inc.at),
        m.synopsis or inc.description,
        m.inject,
        m.from_,
        to,
        m.method,
        m.controller,
        m.expected_action,
        "\n".join(map(_objective_line, objectives)),
        "\n".join(o.core_capability for o in objectives),
        "\n".join(times[0]),
        "\n".join(times[1]),
    )
    cas = inc.casualties
    return (
        *planner,
        inc.id,
        inc.zone or "",
        inc.detected_by,
        dist_text(inc.detection),
        cas.red,
        cas.yellow,
        cas.green,
        cas.black,
        ", ".join(inc.triggers),
        inc.description,
    )


_NO_MSEL = MselEntry.model_validate({})


def _objective_line(o: Objective) -> str:
    text = " ".join(o.description.split())  # one line per objective keeps the columns aligned
    return f"{o.id}: {text}" if text else o.id


def _expected_text(
    expected: Mapping[str, Expected], o: Objective, inc: Incident, median: bool
) -> str:
    got = expected.get(o.id)
    value = None if got is None else (got.median if median else got.p90)
    text = "not reached" if value is None else format_duration(float(round(value)))
    origins = {"exercise_start": "exercise start", "first_inject": "the first inject"}
    origin = origins.get(o.from_) or (o.from_ if o.from_ not in ("trigger", inc.id) else "")
    return f"{text} after {origin}" if origin and value is not None else text


def dist_text(dist: Any) -> str:
    """A distribution as a scenario writes it: ``5m`` for a fixed one, else its flow mapping."""
    data = dist.model_dump(mode="json")
    return str(data["fixed"]) if "fixed" in data else flow(data)
