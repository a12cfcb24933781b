"""Edge cases: every one ends in a finished run with a finite log and a reason in plain words."""

from __future__ import annotations

from typing import Any

import pytest
from engine_strategies import scenario

from drillsim.scenario.model import Scenario
from drillsim.sim.compile import compile_scenario
from drillsim.sim.engine import run_replication
from drillsim.sim.records import EventKind as K
from drillsim.sim.records import ReplicationResult

TASK = [{"id": "t", "by": "b", "duration": "60s"}]
INC = [{"id": "i", "at": "0s", "detected_by": "a", "triggers": "t"}]


def two(
    links: list[dict[str, Any]] | None = None,
    *,
    horizon: float = 3600.0,
    incidents: list[dict[str, Any]] = INC,
    tasks: list[dict[str, Any]] = TASK,
    b_units: int = 1,
) -> Scenario:
    return scenario(
        [{"id": "a"}, {"id": "b", "units": b_units}],
        incidents,
        links=links,
        tasks=tasks,
        horizon=horizon,
    )


def run(s: Scenario, **kw: Any) -> ReplicationResult:
    r = run_replication(compile_scenario(s, **kw), 1)
    assert r.end_time <= s.scenario.horizon
    assert all(x.time <= s.scenario.horizon for x in r.records)
    return r


def only_reason(r: ReplicationResult) -> str:
    assert len(r.unfinished) == 1 and r.unfinished[0].task == "t"
    unf = [x for x in r.records if x.kind is K.UNFINISHED]
    assert [x.detail for x in unf] == [r.unfinished[0].reason]
    return r.unfinished[0].reason


def test_unreachable_agency() -> None:
    r = run(two())
    assert r.ended_by == "complete"
    assert "no path in the coordination graph from a to them" in only_reason(r)
    assert not [x for x in r.records if x.agency == "b"]


def test_dead_link_without_backup_retries_until_the_horizon() -> None:
    r = run(two([{"from": "a", "to": "b", "reliability": 0, "retry": "60s"}]))
    assert r.ended_by == "horizon" and r.end_time == 3600
    assert "the alert was still being retried on a->b" in only_reason(r)
    fails = [x for x in r.records if x.kind is K.TRY_FAILED]
    # One try a minute from 0 (delay 0); events at the horizon itself still happen: 0, 1m, ..., 60m.
    assert [x.time for x in fails] == [60.0 * k for k in range(61)]
    assert len(r.records) < 200


def test_dead_link_with_limited_tries_loses_the_alert() -> None:
    r = run(two([{"from": "a", "to": "b", "reliability": 0, "retry": "60s", "attempts": 3}]))
    assert r.ended_by == "complete" and r.end_time == 120
    assert "the alert was lost on a->b" in only_reason(r)
    lost = [x for x in r.records if x.kind is K.ALERT_LOST]
    assert len(lost) == 1 and lost[0].detail == "gave up after 3 tries on phone"


def test_dead_link_with_a_working_backup() -> None:
    r = run(
        two(
            [
                {
                    "from": "a",
                    "to": "b",
                    "reliability": 0,
                    "retry": "60s",
                    "backup": {"channel": "radio", "delay": "30s"},
                }
            ]
        )
    )
    assert r.ended_by == "complete" and r.unfinished == ()
    # 3 tries by default with a backup: fails at 0, 60, 120, then the radio gets through at 150.
    assert [x.time for x in r.records if x.kind is K.TRY_FAILED] == [0, 60, 120]
    assert [(x.time, x.detail) for x in r.records if x.kind is K.ALERTED] == [(150, "radio")]
    assert [x.time for x in r.records if x.kind is K.TASK_DONE] == [210]


def _without_units(s: Scenario, agency: str) -> Scenario:
    try:
        from drillsim.scenario.model import Variant
        from drillsim.scenario.variants import apply_variant  # type: ignore[import-not-found]
    except ImportError:
        agencies = tuple(
            a.model_copy(update={"units": 0}) if a.id == agency else a for a in s.agencies
        )
        return s.model_copy(update={"agencies": agencies})
    return apply_variant(
        s, Variant.model_validate({"id": "no_units", "change_agencies": {agency: {"units": 0}}})
    )


def test_agency_with_zero_units() -> None:
    s = _without_units(two([{"from": "a", "to": "b"}]), "b")
    assert s.agency("b").units == 0
    r = run(s)
    assert r.ended_by == "complete"
    assert (
        only_reason(r) == "needs 1 units at once but no capable agency has that many: b (0 units)"
    )
    assert [x.kind for x in r.records if x.agency == "b"] == [K.ALERTED, K.ACTIVATED, K.ON_SCENE]


def test_horizon_before_the_first_inject() -> None:
    r = run(two([{"from": "a", "to": "b"}], incidents=[{**INC[0], "at": "2h"}]))
    assert r.ended_by == "horizon" and r.end_time == 3600.0 and isinstance(r.end_time, float)
    assert [x.kind for x in r.records] == [K.UNFINISHED]
    assert "comes after the horizon (1:00:00)" in only_reason(r)


def test_detecting_agency_removed() -> None:
    s = two([{"from": "a", "to": "b"}])
    s = s.model_copy(update={"agencies": (s.agency("b"),), "links": ()})
    r = run(s)
    assert r.ended_by == "complete"
    assert [x.kind for x in r.records] == [K.INJECT, K.UNFINISHED]
    assert "no agency detects incident i (its detecting agency is out of play)" in only_reason(r)


def test_task_needs_more_units_than_any_agency_has() -> None:
    r = run(two([{"from": "a", "to": "b"}], tasks=[{"id": "t", "by": "b", "units": 4}], b_units=3))
    assert r.ended_by == "complete"
    assert (
        only_reason(r) == "needs 4 units at once but no capable agency has that many: b (3 units)"
    )


def test_no_capable_agency_in_play() -> None:
    r = run(two(tasks=[{"id": "t", "by": "nobody_has_this"}]))
    assert only_reason(r) == "no agency able to do it is in play"


def test_waiting_for_units_and_for_a_prerequisite_at_the_horizon() -> None:
    s = two(
        [{"from": "a", "to": "b"}],
        horizon=100.0,
        tasks=[
            {"id": "long", "by": "b", "duration": "1h"},
            {"id": "t", "by": "b", "after": "long"},
            {"id": "other", "by": "b", "duration": "1m"},
        ],
        incidents=[{"id": "i", "at": "0s", "detected_by": "a", "triggers": ["t", "other"]}],
    )
    r = run(s)
    assert r.ended_by == "horizon"
    reasons = {u.task: u.reason for u in r.unfinished}
    assert reasons == {
        "long": "in progress by b at the end of the run",
        "t": "waiting for prerequisite long",
        "other": "waiting for units of b (1 needed, 0 of 1 free)",
    }


@pytest.mark.parametrize(
    ("slow", "doing"), [("activation", "activating"), ("travel", "travelling")]
)
def test_alerted_but_not_ready_at_the_horizon(slow: str, doing: str) -> None:
    s = scenario(
        [{"id": "a"}, {"id": "b", slow: "2h"}],
        INC,
        links=[{"from": "a", "to": "b"}],
        tasks=TASK,
        horizon=3600,
    )
    assert only_reason(run(s)) == f"b was alerted but is not ready yet ({doing})"


def test_casualties_not_through() -> None:
    s = scenario(
        [{"id": "a", "units": 1}],
        [{"id": "i", "at": "0s", "detected_by": "a", "triggers": "t", "casualties": {"red": 3}}],
        tasks=[{"id": "t", "by": "a", "per_casualty": "20m"}],
        horizon=1800,
    )
    r = run(s)
    assert r.unfinished[0].casualties == 2
    assert only_reason(r).startswith("2 of 3 casualties not through: in progress by a")


@pytest.mark.parametrize("limit", [1, 50, 500])
def test_event_limit(limit: int) -> None:
    s = two([{"from": "a", "to": "b", "reliability": 0, "retry": "60s"}], horizon=30 * 24 * 3600.0)
    r = run(s, max_events=limit)
    assert r.ended_by == "event_limit"
    assert sum(1 for x in r.records if x.kind not in (K.LIMIT, K.UNFINISHED)) == limit
    limit_rec = [x for x in r.records if x.kind is K.LIMIT]
    assert len(limit_rec) == 1 and f"stopped after {limit} events" in limit_rec[0].detail
    assert limit_rec[0].time == r.end_time
    assert [x.kind for x in r.records[limit:]] == [K.LIMIT, K.UNFINISHED]
    assert r.unfinished and all(u.reason for u in r.unfinished)
