"""Metamorphic tests: where theory guarantees a direction, the engine follows it.

Under common random numbers (every draw comes from a stream named by its source, and a duration
is drawn by inverse CDF from one uniform), replication i of a scenario and of its changed copy
see the same uniforms, and each goes to the same step: every link has its own streams, even two
links between one pair, so a link made faster cannot take another's draw (docs/mechanisms.md
§9; hypothesis found that case when the pair shared one stream). Then:

* With no queueing anywhere (units and duty officers beyond what can be asked at once), every
  time in the log is built from sums, maxima (prerequisites, activation then travel) and minima
  (first alert wins, first ready agency) of durations. These are monotone, so a shorter duration,
  a faster link or a more reliable one never makes anything later.
* One first-come-first-served unit pool whose requests arrive independently of it (one task kind,
  one triage category, one unit each): a c-server FIFO queue with service times attached to the
  customers, whose every start is non-increasing in c (the Kiefer-Wolfowitz workload recursion is
  monotone in the number of servers; see R. W. Wolff, "Stochastic Modeling and the Theory of
  Queues", 1989, ch. 5). So more units never make any casualty later.
* One duty desk relaying one incident: the messages are a FIFO queue with all arrivals at once,
  so more duty officers never make a message, or anything after it, later.
* Strict priority, top class: red casualties are never delayed by more units when they are the
  only class that can be waiting (see the border-gate test for the mixed case).

Where a direction is not a theorem, the anomaly is shown by hand in
tests/test_engine_priority.py::test_more_units_can_finish_later_graham_anomaly.
"""

from __future__ import annotations

from typing import Any

import pytest
from engine_strategies import continuous_dists, dists, scenario, scenarios, sec
from hypothesis import given, settings
from hypothesis import strategies as st

from drillsim.scenario.durations import (
    Empirical,
    Exponential,
    Fixed,
    LogNormal,
    Triangular,
    Uniform,
)
from drillsim.scenario.model import Scenario
from drillsim.sim.compile import compile_scenario
from drillsim.sim.engine import run_replication
from drillsim.sim.records import EventKind as K
from drillsim.sim.records import ReplicationResult

# slow: hundreds of paired simulations per property; the engine's traces stay in the fast run
pytestmark = pytest.mark.slow

INF = float("inf")
TIMED = (
    K.ALERTED,
    K.ACTIVATED,
    K.ON_SCENE,
    K.TASK_READY,
    K.TASK_STARTED,
    K.TASK_FINISHED,
    K.TASK_DONE,
)


def first_times(r: ReplicationResult) -> dict[tuple[Any, ...], float]:
    """The first time of each milestone; task records are keyed without the agency that did them."""
    out: dict[tuple[Any, ...], float] = {}
    for x in r.records:
        if x.kind not in TIMED:
            continue
        if x.kind is K.ACTIVATED:
            key: tuple[Any, ...] = (x.kind, x.agency)
        elif x.task is not None:
            key = (x.kind, x.task, x.incident, x.casualty)
        else:
            key = (x.kind, x.agency, x.incident)
        out.setdefault(key, x.time)
    return out


def assert_no_later(base: Scenario, changed: Scenario, seeds: range = range(3)) -> None:
    """Every milestone of ``base`` happens in ``changed`` too, and no later (same seed, CRN)."""
    cb, cc = compile_scenario(base), compile_scenario(changed)
    for seed in seeds:
        before = first_times(run_replication(cb, seed))
        after = first_times(run_replication(cc, seed))
        for key, t in before.items():
            assert after.get(key, INF) <= t + 1e-6, (seed, key, t, after.get(key))


# -- changing one element ---------------------------------------------------------------------
def scaled(d: Any, f: float) -> Any:
    """The distribution with every quantile multiplied by ``f`` (same shape, same stream use)."""

    def s(x: float) -> str:
        return sec(round(x * f, 6))

    if isinstance(d, Fixed):
        return Fixed.model_validate({"fixed": s(d.fixed)})
    if isinstance(d, Uniform):
        return Uniform.model_validate({"uniform": [s(v) for v in d.uniform]})
    if isinstance(d, Triangular):
        return Triangular.model_validate({"triangular": [s(v) for v in d.triangular]})
    if isinstance(d, Exponential):
        return Exponential.model_validate({"exponential": s(d.exponential)})
    if isinstance(d, LogNormal):
        return LogNormal.model_validate(
            {"lognormal": {"median": s(d.lognormal.median), "p90": s(d.lognormal.p90)}}
        )
    assert isinstance(d, Empirical)
    return Empirical.model_validate({"empirical": [s(v) for v in d.empirical]})


def faster(s: Scenario, element: int, f: float) -> Scenario:
    """``s`` with the durations of one element (by index over all elements) scaled by ``f``."""
    elements: list[tuple[str, int]] = (
        [("incident", i) for i in range(len(s.incidents))]
        + [("agency", i) for i in range(len(s.agencies))]
        + [("link", i) for i in range(len(s.links))]
        + [("task", i) for i in range(len(s.tasks))]
    )
    kind, i = elements[element % len(elements)]
    if kind == "incident":
        inc = s.incidents[i]
        items = list(s.incidents)
        items[i] = inc.model_copy(update={"detection": scaled(inc.detection, f)})
        return s.model_copy(update={"incidents": tuple(items)})
    if kind == "agency":
        a = s.agencies[i]
        travel = a.travel
        if travel is not None and hasattr(travel, "by_zone"):
            travel = travel.model_copy(
                update={"by_zone": {z: scaled(d, f) for z, d in travel.by_zone.items()}}
            )
        elif travel is not None:
            travel = scaled(travel, f)
        items = list(s.agencies)
        items[i] = a.model_copy(
            update={
                "handling": scaled(a.handling, f),
                "activation": scaled(a.activation, f),
                "travel": travel,
            }
        )
        return s.model_copy(update={"agencies": tuple(items)})
    if kind == "link":
        link = s.links[i]
        backup = link.backup and link.backup.model_copy(
            update={"delay": scaled(link.backup.delay, f)}
        )
        links = list(s.links)
        links[i] = link.model_copy(update={"delay": scaled(link.delay, f), "backup": backup})
        return s.model_copy(update={"links": tuple(links)})
    t = s.tasks[i]
    tasks = list(s.tasks)
    per = t.per_casualty and scaled(t.per_casualty, f)
    tasks[i] = t.model_copy(update={"duration": scaled(t.duration, f), "per_casualty": per})
    return s.model_copy(update={"tasks": tuple(tasks)})


def more_reliable(s: Scenario, index: int, r: float) -> Scenario:
    """``s`` with one link's (and its backup's) reliability raised a share ``r`` of the way to 1."""
    i = index % len(s.links)
    link = s.links[i]
    up = link.reliability + (1 - link.reliability) * r
    backup = link.backup and link.backup.model_copy(
        update={"reliability": link.backup.reliability + (1 - link.backup.reliability) * r}
    )
    links = list(s.links)
    links[i] = link.model_copy(update={"reliability": up, "backup": backup})
    return s.model_copy(update={"links": tuple(links)})


def ample(s: Scenario) -> Scenario:
    """``s`` with no queueing: units beyond any demand, an officer for every message in flight."""
    out = {a.id: 0 for a in s.agencies}
    for link in s.links:
        out[link.from_] += len(link.to)
    agencies = tuple(
        a.model_copy(
            update={
                "units": 10_000,
                "duty_officers": max(1, min(1_000, out[a.id] * len(s.incidents))),
            }
        )
        for a in s.agencies
    )
    return s.model_copy(update={"agencies": agencies})


@settings(deadline=None)
@given(scenarios(), st.integers(0, 10_000), st.sampled_from([0.25, 0.5, 0.8]))
def test_a_shorter_duration_never_makes_anything_later(s: Scenario, element: int, f: float) -> None:
    """No queueing: scaling one element's durations down (detection, desk, activation, travel,
    link delay, task) makes no alert, arrival or task later."""
    base = ample(s)
    assert_no_later(base, faster(base, element, f))


@settings(deadline=None)
@given(scenarios(), st.integers(0, 10_000), st.sampled_from([0.3, 0.7, 1.0]))
def test_a_more_reliable_link_never_makes_anything_later(s: Scenario, index: int, r: float) -> None:
    """No queueing: a link that gets through more often (the same tries, more of them succeed)."""
    base = ample(s)
    if base.links:
        assert_no_later(base, more_reliable(base, index, r))


# -- one FIFO pool, one desk ------------------------------------------------------------------
@st.composite
def fifo_pool(draw: st.DrawFn, category: str = "green") -> tuple[Scenario, int]:
    """Injects detected by a hub and sent to one agency whose units treat one triage category."""
    incidents = [
        {
            "id": f"i{k}",
            "at": sec(draw(st.integers(0, 1800))),
            "detected_by": "hub",
            "detection": draw(dists(120)),
            "triggers": "treat",
            "casualties": {category: draw(st.integers(1, 6))},
        }
        for k in range(draw(st.integers(1, 4)))
    ]
    s = scenario(
        [
            {"id": "hub", "duty_officers": len(incidents)},
            {
                "id": "unit",
                "units": draw(st.integers(1, 3)),
                "activation": draw(dists(300)),
                "travel": draw(dists(600)),
            },
        ],
        incidents,
        links=[
            {
                "from": "hub",
                "to": "unit",
                "delay": draw(dists(120)),
                "reliability": draw(st.sampled_from([1.0, 0.8])),
                "retry": "60s",
            }
        ],
        tasks=[
            {
                "id": "treat",
                "by": "unit",
                "per_casualty": draw(continuous_dists(900)),
                "categories": [category],
            }
        ],
        horizon=12 * 3600.0,
    )
    return s, draw(st.integers(1, 3))


def with_units(s: Scenario, agency: str, units: int) -> Scenario:
    """``s`` with ``agency`` holding ``units`` units."""
    return s.model_copy(
        update={
            "agencies": tuple(
                a.model_copy(update={"units": units}) if a.id == agency else a for a in s.agencies
            )
        }
    )


@settings(deadline=None)
@given(fifo_pool())
def test_more_units_never_delay_a_fifo_pool(case: tuple[Scenario, int]) -> None:
    """One FIFO pool (one task, one category, one unit a casualty): more units, no casualty later."""
    s, extra = case
    units = s.agencies[1].units
    assert_no_later(s, with_units(s, "unit", units + extra))


@settings(deadline=None)
@given(fifo_pool(category="red"))
def test_more_units_never_delay_the_top_class(case: tuple[Scenario, int]) -> None:
    """Red casualties only (the top class, nothing can overtake it): more units, no red later."""
    s, extra = case
    assert_no_later(s, with_units(s, "unit", s.agencies[1].units + extra))


@st.composite
def one_desk(draw: st.DrawFn) -> tuple[Scenario, int]:
    """One incident; its detecting agency relays to several agencies through one duty desk."""
    m = draw(st.integers(1, 6))
    others = [
        {"id": f"a{k}", "activation": draw(dists(120)), "travel": draw(dists(300))}
        for k in range(m)
    ]
    links = [{"from": "hub", "to": [f"a{k}" for k in range(m)], "delay": draw(dists(60))}]
    tasks = [{"id": f"t{k}", "by": f"a{k}", "duration": draw(dists(600))} for k in range(m)]
    s = scenario(
        [
            {
                "id": "hub",
                "duty_officers": draw(st.integers(1, 3)),
                "handling": draw(continuous_dists(120)),
            },
            *others,
        ],
        [
            {
                "id": "i",
                "at": "0s",
                "detected_by": "hub",
                "detection": draw(dists(60)),
                "triggers": [t["id"] for t in tasks],
            }
        ],
        links=links,
        tasks=tasks,
    )
    return s, draw(st.integers(1, 3))


@settings(deadline=None)
@given(one_desk())
def test_more_duty_officers_never_delay_a_desk(case: tuple[Scenario, int]) -> None:
    """More officers at the relaying desk: no message sent later, no agency or task later."""
    s, extra = case
    hub = s.agencies[0]
    more = s.model_copy(
        update={
            "agencies": (
                hub.model_copy(update={"duty_officers": hub.duty_officers + extra}),
                *s.agencies[1:],
            )
        }
    )
    assert_no_later(s, more)
