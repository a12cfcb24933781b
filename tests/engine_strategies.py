"""Scenario builders and hypothesis strategies for the engine tests.

Scenarios are built as plain dicts and validated with ``Scenario.model_validate``, so every
generated scenario passes phase-1 validation exactly as a file would. These strategies are the
engine tests' own; ``tests/strategies.py`` (the loader's) is kept apart on purpose.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from drillsim.scenario.model import TRIAGE, Scenario

CAPABILITIES = ("cap_x", "cap_y")
ZONES = ("z1", "z2")


def sec(x: float) -> str:
    """A duration string for ``x`` seconds (no exponent, as the format wants)."""
    return f"{x:.6f}s" if x != int(x) else f"{int(x)}s"


def scenario(
    agencies: list[dict[str, Any]],
    incidents: list[dict[str, Any]],
    *,
    links: list[dict[str, Any]] | None = None,
    tasks: list[dict[str, Any]] | None = None,
    horizon: float = 4 * 3600.0,
    zones: tuple[str, ...] = ZONES,
    sid: str = "gen",
) -> Scenario:
    """A validated scenario from its parts (the boilerplate filled in)."""
    return Scenario.model_validate(
        {
            "scenario": {"id": sid, "title": sid, "horizon": sec(horizon)},
            "target": {"name": "target", "kind": "other", "zones": list(zones)},
            "agencies": agencies,
            "links": links or [],
            "incidents": incidents,
            "tasks": tasks or [],
        }
    )


def inject(
    iid: str, at: str, triggers: str | list[str], by: str = "m", **casualties: int
) -> dict[str, Any]:
    """An incident that ``by`` detects (the one-line inject of a hand-computed trace)."""
    out: dict[str, Any] = {"id": iid, "at": at, "detected_by": by, "triggers": triggers}
    return {**out, "casualties": casualties} if casualties else out


def recipients(ids: list[str], sender: str) -> st.SearchStrategy[Any]:
    """A link's ``to``: one agency id other than the sender (validate refuses a link to oneself),
    or a list of one to three."""
    others = [i for i in ids if i != sender]
    return st.one_of(
        st.sampled_from(others),
        st.lists(st.sampled_from(others), min_size=1, max_size=3, unique=True),
    )


def task_dicts(
    draw: st.DrawFn,
    by: st.SearchStrategy[Any],
    units: st.SearchStrategy[int],
    dist: Callable[[int], st.SearchStrategy[Any]],
    *,
    max_after: int,
) -> list[dict[str, Any]]:
    """One to six tasks t0, t1, ...: each may wait for earlier ones (so no loop), about a third
    are per-casualty; ``dist(top)`` draws a duration of at most ``top`` seconds."""
    tids = [f"t{i}" for i in range(draw(st.integers(1, 6)))]
    tasks = []
    for i, tid in enumerate(tids):
        task: dict[str, Any] = {
            "id": tid,
            "by": draw(by),
            "units": draw(units),
            "duration": draw(dist(600)),
            "after": draw(st.lists(st.sampled_from(tids[:i]), max_size=max_after, unique=True))
            if i
            else [],
        }
        if draw(st.integers(0, 2)) == 0:
            task["per_casualty"] = draw(dist(300))
            task["categories"] = draw(
                st.lists(st.sampled_from(TRIAGE), min_size=1, max_size=4, unique=True)
            )
        tasks.append(task)
    return tasks


# -- distributions ---------------------------------------------------------------------------
small = st.integers(0, 120).map(float)


@st.composite
def fixed_dists(draw: st.DrawFn, top: int = 120) -> Any:
    """A fixed duration, written in one of its two forms."""
    v = draw(st.integers(0, top))
    return draw(st.sampled_from([sec(v), {"fixed": sec(v)}]))


@st.composite
def dists(draw: st.DrawFn, top: int = 120) -> Any:
    """A distribution of any shape, bounded or with a small mean (so runs stay short)."""
    shape = draw(
        st.sampled_from(["fixed", "uniform", "triangular", "exponential", "lognormal", "empirical"])
    )
    if shape == "fixed":
        return draw(fixed_dists(top))
    if shape == "uniform":
        a, b = sorted(draw(st.lists(st.integers(0, top), min_size=2, max_size=2)))
        return {"uniform": [sec(a), sec(b)]}
    if shape == "triangular":
        a, m, b = sorted(draw(st.lists(st.integers(0, top), min_size=3, max_size=3)))
        return {"triangular": [sec(a), sec(m), sec(b)]}
    if shape == "exponential":
        return {"exponential": sec(draw(st.integers(1, max(top // 2, 1))))}
    if shape == "lognormal":
        med = draw(st.integers(1, max(top // 2, 1)))
        return {"lognormal": {"median": sec(med), "p90": sec(med + draw(st.integers(1, top)))}}
    return {
        "empirical": [sec(v) for v in draw(st.lists(st.integers(0, top), min_size=1, max_size=4))]
    }


@st.composite
def continuous_dists(draw: st.DrawFn, top: int = 120) -> Any:
    """A distribution whose every draw differs with probability 1 (for the seed check)."""
    shape = draw(st.sampled_from(["uniform", "triangular", "exponential", "lognormal"]))
    if shape == "uniform":
        a = draw(st.integers(0, top - 1))
        return {"uniform": [sec(a), sec(draw(st.integers(a + 1, top)))]}
    if shape == "triangular":
        a = draw(st.integers(0, top - 2))
        b = draw(st.integers(a + 2, top))
        return {"triangular": [sec(a), sec(draw(st.integers(a, b))), sec(b)]}
    if shape == "exponential":
        return {"exponential": sec(draw(st.integers(1, top // 2)))}
    med = draw(st.integers(1, top // 2))
    return {"lognormal": {"median": sec(med), "p90": sec(med + draw(st.integers(1, top)))}}


# -- whole scenarios -------------------------------------------------------------------------
@st.composite
def travels(draw: st.DrawFn, dist: Any) -> Any:
    """No travel, one travel time, or travel by zone."""
    kind = draw(st.sampled_from(["none", "one", "zone"]))
    if kind == "none":
        return None
    if kind == "one":
        return draw(dist)
    return {
        "by_zone": {
            z: draw(dist)
            for z in draw(st.lists(st.sampled_from(ZONES), min_size=1, max_size=2, unique=True))
        }
    }


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    """Small random scenarios exercising every engine mechanism (queues, retries, backups, units).

    Incident 0 has a continuous detection distribution when the scenario is stochastic, so that
    two seeds give two logs with probability 1; ``Scenario.scenario.description`` says which.
    """
    n = draw(st.integers(2, 10))
    ids = [f"a{i}" for i in range(n)]
    agencies = []
    for aid in ids:
        ag: dict[str, Any] = {
            "id": aid,
            "units": draw(st.integers(1, 3)),
            "duty_officers": draw(st.integers(1, 3)),
            "handling": draw(dists(60)),
            "activation": draw(dists(120)),
            "capabilities": draw(st.lists(st.sampled_from(CAPABILITIES), max_size=2, unique=True)),
        }
        tr = draw(travels(dists(300)))
        if tr is not None:
            ag["travel"] = tr
        agencies.append(ag)
    links = []
    for _ in range(draw(st.integers(0, 2 * n))):
        sender = draw(st.sampled_from(ids))
        link: dict[str, Any] = {
            "from": sender,
            "to": draw(recipients(ids, sender)),
            "delay": draw(dists(60)),
            "reliability": draw(st.sampled_from([1.0, 1.0, 0.9, 0.5, 0.0])),
            "retry": sec(draw(st.integers(30, 600))),
        }
        if draw(st.booleans()):
            link["attempts"] = draw(st.integers(1, 4))
        if draw(st.booleans()):
            link["backup"] = {
                "channel": "radio",
                "delay": draw(dists(60)),
                "reliability": draw(st.sampled_from([1.0, 0.7, 0.0])),
                "retry": sec(draw(st.integers(30, 600))),
                **({"attempts": draw(st.integers(1, 3))} if draw(st.booleans()) else {}),
            }
        links.append(link)
    tasks = task_dicts(
        draw,
        st.lists(st.sampled_from([*ids, *CAPABILITIES]), min_size=1, max_size=3, unique=True),
        st.sampled_from([1, 1, 1, 2, 3, 4]),
        dists,
        max_after=2,
    )
    tids = [t["id"] for t in tasks]
    stochastic = draw(st.booleans())
    incidents = []
    for k in range(draw(st.integers(1, 3))):
        inc: dict[str, Any] = {
            "id": f"i{k}",
            "at": sec(draw(st.integers(0, 900))),
            "detected_by": draw(st.sampled_from(ids)),
            "detection": draw(continuous_dists(120))
            if (k == 0 and stochastic)
            else draw(fixed_dists(120)),
            "triggers": draw(st.lists(st.sampled_from(tids), min_size=1, max_size=3, unique=True)),
        }
        if draw(st.booleans()):
            inc["zone"] = draw(st.sampled_from(ZONES))
        if draw(st.booleans()):
            inc["casualties"] = {c: draw(st.integers(0, 3)) for c in TRIAGE}
        incidents.append(inc)
    horizon = draw(st.sampled_from([1800.0, 3600.0, 4 * 3600.0]))
    s = scenario(agencies, incidents, links=links, tasks=tasks, horizon=horizon)
    return s.model_copy(
        update={
            "scenario": s.scenario.model_copy(
                update={"description": "stochastic" if stochastic else "fixed-detection"}
            )
        }
    )


@st.composite
def deterministic_scenarios(draw: st.DrawFn) -> Scenario:
    """Fixed durations, reliability 1, one capable agency per task and nothing that ever queues.

    Desks have as many duty officers as the agency can have messages in flight (out-degree times
    incidents) and agencies have more units than all their work needs at once, so every time in
    the log is a longest path through alerts, travel and prerequisites.
    """
    n = draw(st.integers(2, 8))
    ids = [f"a{i}" for i in range(n)]
    raw_links = []
    for _ in range(draw(st.integers(0, 3 * n))):
        sender = draw(st.sampled_from(ids))
        raw_links.append(
            {
                "from": sender,
                "to": draw(recipients(ids, sender)),
                "delay": draw(fixed_dists(90)),
            }
        )
    n_inc = draw(st.integers(1, 3))
    out_degree = {a: 0 for a in ids}
    for link in raw_links:
        out_degree[link["from"]] += 1 if isinstance(link["to"], str) else len(link["to"])
    agencies = []
    for aid in ids:
        ag: dict[str, Any] = {
            "id": aid,
            "units": 1000,
            "duty_officers": max(1, out_degree[aid] * n_inc),
            "handling": draw(fixed_dists(60)),
            "activation": draw(fixed_dists(120)),
        }
        kind = draw(st.sampled_from(["none", "one", "zone"]))
        if kind == "one":
            ag["travel"] = draw(fixed_dists(300))
        elif kind == "zone":
            ag["travel"] = {"by_zone": {z: draw(fixed_dists(300)) for z in ZONES}}
        agencies.append(ag)
    tasks = task_dicts(draw, st.sampled_from(ids), st.integers(1, 3), fixed_dists, max_after=3)
    tids = [t["id"] for t in tasks]
    incidents = []
    for k in range(n_inc):
        inc: dict[str, Any] = {
            "id": f"i{k}",
            "at": sec(draw(st.integers(0, 900))),
            "zone": draw(st.sampled_from(ZONES)),
            "detected_by": draw(st.sampled_from(ids)),
            "detection": draw(fixed_dists(120)),
            "triggers": draw(st.lists(st.sampled_from(tids), min_size=1, max_size=3, unique=True)),
        }
        if draw(st.booleans()):
            inc["casualties"] = {c: draw(st.integers(0, 2)) for c in TRIAGE}
        incidents.append(inc)
    return scenario(agencies, incidents, links=raw_links, tasks=tasks, horizon=10 * 3600.0)


def triggered(s: Scenario) -> set[tuple[str, str]]:
    """(task, incident) pairs an incident brings in: its triggers and their prerequisites."""
    by_id = {t.id: t for t in s.tasks}
    out: set[tuple[str, str]] = set()
    for inc in s.incidents:
        stack = [t for t in inc.triggers if t in by_id]
        while stack:
            t = stack.pop()
            if (t, inc.id) not in out:
                out.add((t, inc.id))
                stack.extend(p for p in by_id[t].after if p in by_id)
    return out
