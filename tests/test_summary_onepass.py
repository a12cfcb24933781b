"""The one-pass summary gives what rescanning the log per agency and per task gives.

``summarize`` reads a log once, grouping its records by kind (it used to rescan every record for
every agency, O(agencies x records)). Here each per-agency and per-task figure is recomputed the
slow, obvious way on generated scenarios and on the example scenarios, and must be equal.
"""

from __future__ import annotations

from pathlib import Path

from engine_strategies import scenarios
from hypothesis import HealthCheck, given, settings

from drillsim.analysis.measure import measure
from drillsim.analysis.paths import by_part, critical_path, path_parts
from drillsim.analysis.summary import ReplicationSummary, Summarizer, summarize
from drillsim.scenario.loader import load_scenario
from drillsim.scenario.model import Scenario
from drillsim.sim.compile import CompiledScenario, compile_scenario
from drillsim.sim.engine import run_replication
from drillsim.sim.records import EventKind as K
from drillsim.sim.records import ReplicationResult

ROOT = Path(__file__).resolve().parent.parent


def check_against_rescans(r: ReplicationResult, c: CompiledScenario, s: ReplicationSummary) -> None:
    recs = r.records
    agencies = [a.id for a in c.scenario.agencies]
    tasks = [t.id for t in c.scenario.tasks]

    def first(kinds: tuple[K, ...], agency: str) -> float | None:
        return next((x.time for x in recs if x.kind in kinds and x.agency == agency), None)

    assert s.alerted == tuple(first((K.DETECTED, K.ALERTED), a) for a in agencies)
    assert s.activated == tuple(first((K.ACTIVATED,), a) for a in agencies)
    assert s.on_scene == tuple(first((K.ON_SCENE,), a) for a in agencies)
    assert s.duplicates == tuple(
        sum(1 for x in recs if x.kind is K.DUPLICATE_ALERT and x.agency == a) for a in agencies
    )
    assert s.task_start == tuple(
        next((x.time for x in recs if x.kind is K.TASK_STARTED and x.task == t), None)
        for t in tasks
    )
    assert s.task_done == tuple(
        next((x.time for x in reversed(recs) if x.kind is K.TASK_DONE and x.task == t), None)
        for t in tasks
    )
    assert s.alerts_lost == sum(1 for x in recs if x.kind is K.ALERT_LOST)
    assert s.failed_tries == sum(1 for x in recs if x.kind is K.TRY_FAILED)
    for a, desk in zip(agencies, s.desks, strict=True):
        handled = [x for x in recs if x.kind is K.HANDLING_STARTED and x.agency == a]
        assert desk.served == len(handled)
        waits = [x.time - recs[x.cause].time for x in handled if x.cause is not None]
        assert sorted(w for w in waits if w > 0) == list(desk.waits)
    for a, pool in zip(agencies, s.units, strict=True):
        assert pool.served == sum(1 for x in recs if x.kind is K.TASK_STARTED and x.agency == a)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(scenarios())
def test_one_pass_summary_equals_the_rescans(s: Scenario) -> None:
    c = compile_scenario(s)
    for replication in range(2):
        r = run_replication(c, 11, replication)
        summary = summarize(r, c)
        check_against_rescans(r, c, summary)
        assert Summarizer(c)(r) == summary


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(scenarios())
def test_path_parts_are_the_critical_paths_split(s: Scenario) -> None:
    """The summaries' shortcut gives the segments' sums, float for float, from every record,
    from clock starts before, at and after the inject, for a measured task or none."""
    r = run_replication(compile_scenario(s), 11)
    tasks = [None, *{x.task for x in r.records if x.task}]
    for end in r.records:
        if end.kind is K.UNFINISHED:
            continue
        for start in (0.0, end.time / 2, end.time):
            for task in tasks[:3]:
                expected = by_part(critical_path(r.records, end.id, start, task))
                got = path_parts(r.records, end.id, start, task)
                assert list(got.items()) == list(expected.items())


def test_example_objectives_are_measured_as_the_log_says() -> None:
    """A summary's objective times are ``measure``'s, itself checked by the digests, and a
    Summarizer reused over replications gives each replication's own summary."""
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        c = compile_scenario(load_scenario(path))
        summarizer = Summarizer(c)
        for replication in range(3):
            r = run_replication(c, 5, replication)
            s = summarizer(r)
            assert s == summarize(r, c)
            check_against_rescans(r, c, s)
            for o, got in zip(c.scenario.objectives, s.objectives, strict=True):
                m = measure(r.records, o, c.scenario)
                assert (got.time, got.met) == (m.time, m.met), (path.name, o.id)
