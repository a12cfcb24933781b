"""Hypothesis strategies that generate valid scenarios, for the loader and the engine tests.

``scenario_dicts()`` gives the YAML-like dict a trainer would write (durations as strings,
``from`` spelled as in files); ``scenarios()`` gives the validated :class:`Scenario`. Generated
scenarios are small (1-8 agencies, a few tasks) and pass both validation phases: every id
exists, prerequisites are acyclic, every task has a capable agency with enough units and every
objective can be measured. Warnings (for example an agency no link reaches) may occur.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from drillsim.scenario.durations import format_duration
from drillsim.scenario.model import CORE_CAPABILITIES, TRIAGE, Scenario

ZONES = ("north", "south")


def durations(top: int = 3600) -> st.SearchStrategy[str]:
    """A duration string in the canonical form, up to ``top`` seconds."""
    return st.integers(0, top).map(format_duration)


@st.composite
def dists(draw: st.DrawFn, top: int = 1800) -> Any:
    """Any distribution shape, as written in a file."""
    shape = draw(
        st.sampled_from(
            ["plain", "fixed", "uniform", "triangular", "exponential", "lognormal", "empirical"]
        )
    )
    if shape == "plain":
        return draw(durations(top))
    if shape == "fixed":
        return {"fixed": draw(durations(top))}
    if shape in ("uniform", "triangular"):
        values = sorted(
            draw(
                st.lists(
                    st.integers(0, top),
                    min_size=2 if shape == "uniform" else 3,
                    max_size=2 if shape == "uniform" else 3,
                )
            )
        )
        return {shape: [format_duration(v) for v in values]}
    if shape == "exponential":
        return {"exponential": format_duration(draw(st.integers(1, top)))}
    if shape == "lognormal":
        median = draw(st.integers(1, top))
        return {
            "lognormal": {
                "median": format_duration(median),
                "p90": format_duration(median + draw(st.integers(1, min(top, 999 * median)))),
            }
        }
    return {"empirical": draw(st.lists(durations(top), min_size=1, max_size=4))}


@st.composite
def scenario_dicts(draw: st.DrawFn, max_agencies: int = 8, max_tasks: int = 5) -> dict[str, Any]:
    """A valid scenario as the plain dict a YAML file would hold."""
    n = draw(st.integers(1, max_agencies))
    ids = [f"a{i}" for i in range(n)]
    agencies = [_agency(draw, a) for a in ids]
    links = _links(draw, ids)
    tasks = _tasks(draw, ids, agencies, draw(st.integers(1, max_tasks)))
    incidents = _incidents(draw, ids, [t["id"] for t in tasks])
    triggered = {t for inc in incidents for t in inc["triggers"]}
    data: dict[str, Any] = {
        "scenario": {
            "id": "gen",
            "title": draw(st.sampled_from(["Drill", "Diễn tập", "演练"])),
            "horizon": draw(st.sampled_from(["2h", "4h", "1d"])),
        },
        "target": {"name": "Target", "kind": "other", "zones": list(ZONES)},
        "agencies": agencies,
        "links": links,
        "incidents": incidents,
        "tasks": tasks,
        "objectives": _objectives(draw, [t for t in tasks if t["id"] in triggered], ids, incidents),
    }
    if draw(st.booleans()):
        data["variants"] = [{"id": "more-units", "change_agencies": {ids[0]: {"units": 5}}}]
    return data


def scenarios(max_agencies: int = 8, max_tasks: int = 5) -> st.SearchStrategy[Scenario]:
    """Valid Scenario objects (see :func:`scenario_dicts`)."""
    return scenario_dicts(max_agencies, max_tasks).map(Scenario.model_validate)


def _agency(draw: st.DrawFn, agency_id: str) -> dict[str, Any]:
    a: dict[str, Any] = {"id": agency_id, "units": draw(st.integers(1, 4))}
    if draw(st.booleans()):
        a["activation"] = draw(dists(900))
    travel = draw(st.sampled_from(["none", "plain", "zones"]))
    if travel == "plain":
        a["travel"] = draw(dists(1800))
    elif travel == "zones":
        a["travel"] = {"by_zone": {z: draw(durations(1800)) for z in ZONES}}
    if draw(st.booleans()):
        a["capabilities"] = ["cap_x"]
    return a


def _links(draw: st.DrawFn, ids: list[str]) -> list[dict[str, Any]]:
    pairs = [(f, t) for f in ids for t in ids if f != t]
    chosen = (
        draw(st.lists(st.sampled_from(pairs), unique=True, max_size=min(len(pairs), 12)))
        if pairs
        else []
    )
    links = []
    for f, t in chosen:
        link: dict[str, Any] = {"from": f, "to": t}
        if draw(st.booleans()):
            link.update(
                delay=draw(dists(600)),
                reliability=draw(st.sampled_from([1.0, 0.9, 0.5])),
                retry=draw(st.sampled_from(["30s", "2m"])),
            )
        links.append(link)
    return links


def _tasks(
    draw: st.DrawFn, ids: list[str], agencies: list[dict[str, Any]], n: int
) -> list[dict[str, Any]]:
    has_cap = [a for a in agencies if "cap_x" in a.get("capabilities", [])]
    tasks = []
    for i in range(n):
        direct = st.lists(st.sampled_from(ids), min_size=1, max_size=2, unique=True)
        by = draw(st.just("cap_x") | direct if has_cap else direct)
        capable = has_cap if by == "cap_x" else [a for a in agencies if a["id"] in by]
        task: dict[str, Any] = {
            "id": f"t{i}",
            "by": by,
            "units": draw(st.integers(1, max(a["units"] for a in capable))),
        }
        task["after"] = (
            draw(st.lists(st.sampled_from([f"t{j}" for j in range(i)]), unique=True, max_size=2))
            if i
            else []
        )
        if draw(st.integers(0, 3)) == 0:
            task["per_casualty"] = draw(dists(600))
        else:
            task["duration"] = draw(dists(1800))
        tasks.append(task)
    return tasks


def _incidents(draw: st.DrawFn, ids: list[str], tasks: list[str]) -> list[dict[str, Any]]:
    n = draw(st.integers(1, 3))
    return [
        {
            "id": f"i{k}",
            "at": draw(durations(1800)),
            "zone": draw(st.sampled_from(ZONES)),
            "detected_by": draw(st.sampled_from(ids)),
            "casualties": {c: draw(st.integers(0, 3)) for c in TRIAGE[:2]},
            "triggers": draw(st.lists(st.sampled_from(tasks), unique=True, max_size=3)),
        }
        for k in range(n)
    ]


def _objectives(
    draw: st.DrawFn,
    triggered: list[dict[str, Any]],
    ids: list[str],
    incidents: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    out = []
    if triggered:
        task = draw(st.sampled_from(triggered))
        out.append(
            {
                "id": "o-task",
                "measure": {"task_done": task["id"]},
                "within": "1h",
                "core_capability": draw(st.sampled_from(CORE_CAPABILITIES)),
            }
        )
    detectors = sorted({inc["detected_by"] for inc in incidents})
    out.append(
        {
            "id": "o-alerted",
            "measure": {"alerted": draw(st.sampled_from(detectors))},
            "within": "30m",
            "from": draw(
                st.sampled_from(["trigger", "first_inject", "exercise_start", incidents[0]["id"]])
            ),
            "core_capability": "Operational Communications",
        }
    )
    return out
