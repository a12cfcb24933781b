"""Priority at the moment of release: hand-computed traces, a documented anomaly, the border gate.

The rule (docs/mechanisms.md §5, "Same-instant hand-out"): units freed or asked for at time t
are handed out only after every request made at t is queued, so triage priority holds exactly
when a casualty's own next step asks for the unit its previous step frees.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from engine_strategies import inject, scenario
from test_engine_traces import at, find, run

from drillsim.analysis.summary import summarize
from drillsim.runs.experiment import compile_variants
from drillsim.scenario.loader import load_scenario
from drillsim.sim.engine import run_replication
from drillsim.sim.records import EventKind as K
from drillsim.sim.records import ReplicationResult

FIXTURE = Path(__file__).parent / "fixtures" / "border-gate.yaml"


def test_freed_unit_goes_to_the_red_casualty_not_the_waiting_yellow() -> None:
    """The unit red-1's triage frees goes to red-1's transport, made at that same instant.

    m: 1 unit, works from base. triage: 60s per casualty; transport: 100s, after triage.
    Incident j (t=0): yellow 1. Incident i (t=30s): red 1.

    | t (s) | started                      | why                                           |
    |------:|------------------------------|-----------------------------------------------|
    |     0 | triage j yellow-1            | the only request                              |
    |    30 | (triage i red-1 waits)       | the unit is busy                              |
    |    60 | triage i red-1               | red triage (1, triage) before yellow transport (2, transport) |
    |   120 | transport i red-1            | asked at 120 as red-1's triage frees the unit: ranks before |
    |       |                              | yellow-1's transport, waiting since 60        |
    |   220 | transport j yellow-1         |                                               |
    |   320 | (all done)                   |                                               |

    Handing the unit out as soon as it is freed (before red-1's transport asks) gives yellow-1
    the transport at 120 and red-1 at 220: the defect this rule removes.
    """
    s = scenario(
        [{"id": "m", "units": 1}],
        [
            inject("j", "0s", "transport", yellow=1),
            inject("i", "30s", "transport", red=1),
        ],
        tasks=[
            {"id": "triage", "by": "m", "per_casualty": "60s"},
            {"id": "transport", "by": "m", "per_casualty": "100s", "after": ["triage"]},
        ],
    )
    r = run(s)
    started = [(x.task, x.incident, x.casualty, x.time) for x in find(r, K.TASK_STARTED)]
    assert started == [
        ("triage", "j", "yellow-1", 0),
        ("triage", "i", "red-1", 60),
        ("transport", "i", "red-1", 120),
        ("transport", "j", "yellow-1", 220),
    ]
    assert at(r, K.TASK_READY, task="transport", casualty="yellow-1") == 60
    assert at(r, K.TASK_DONE, task="transport", incident="j") == 320


def test_requests_of_one_instant_are_ranked_before_a_free_unit_is_given() -> None:
    """Two incidents at the same instant: the red of the second overtakes the green of the first.

    m: 1 unit. treat: 60s per casualty. Incidents i (green 1) and j (red 1), both at t=0, in
    that file order, so the green asks first.

    | t (s) | started     | why                                                    |
    |------:|-------------|--------------------------------------------------------|
    |     0 | j red-1     | both asked at 0: ranked (red 1 < green 3) before the hand-out |
    |    60 | i green-1   |                                                        |
    """
    s = scenario(
        [{"id": "m", "units": 1}],
        [
            inject("i", "0s", "treat", green=1),
            inject("j", "0s", "treat", red=1),
        ],
        tasks=[{"id": "treat", "by": "m", "per_casualty": "60s"}],
    )
    r = run(s)
    assert [(x.incident, x.casualty, x.time) for x in find(r, K.TASK_STARTED)] == [
        ("j", "red-1", 0),
        ("i", "green-1", 60),
    ]


def test_whole_task_released_by_a_hand_over_beats_a_waiting_casualty() -> None:
    """A task released when its prerequisite frees the unit ranks with whole tasks (rank 0).

    m: 1 unit. setup: 100s (whole task); command_post: 50s, after setup (whole task);
    treat: 60s per casualty. Incident i (t=0): green 1, triggers all three.

    | t (s) | started        | why                                                   |
    |------:|----------------|-------------------------------------------------------|
    |     0 | setup          | whole tasks rank 0, before the green (rank 3)         |
    |   100 | command_post   | asked at 100 as setup frees the unit; rank 0 beats the green |
    |       |                | waiting since 0                                       |
    |   150 | treat green-1  |                                                       |
    """
    s = scenario(
        [{"id": "m", "units": 1}],
        [inject("i", "0s", ["setup", "command_post", "treat"], green=1)],
        tasks=[
            {"id": "setup", "by": "m", "duration": "100s"},
            {"id": "command_post", "by": "m", "duration": "50s", "after": ["setup"]},
            {"id": "treat", "by": "m", "per_casualty": "60s"},
        ],
    )
    r = run(s)
    assert [(x.task, x.time) for x in find(r, K.TASK_STARTED)] == [
        ("setup", 0),
        ("command_post", 100),
        ("treat", 150),
    ]


GRAHAM = [
    ("t1", 3, []),
    ("t2", 2, []),
    ("t3", 2, []),
    ("t4", 2, []),
    ("t5", 4, ["t4"]),
    ("t6", 4, ["t4"]),
    ("t7", 4, ["t4"]),
    ("t8", 4, ["t4"]),
    ("t9", 9, ["t1"]),
]


def _graham(units: int) -> ReplicationResult:
    tasks = [{"id": t, "by": "m", "duration": f"{d}m", "after": a} for t, d, a in GRAHAM]
    return run(
        scenario(
            [{"id": "m", "units": units}],
            [{"id": "i", "at": "0s", "detected_by": "m", "triggers": [t for t, _, _ in GRAHAM]}],
            tasks=tasks,
        )
    )


def test_more_units_can_finish_later_graham_anomaly() -> None:
    """A real queueing anomaly: with 4 units the last task ends later than with 3.

    Graham's list-scheduling example (R. L. Graham, "Bounds on multiprocessing timing
    anomalies", SIAM J. Appl. Math. 17(2), 1969): nine whole tasks of one agency, one unit each,
    minutes (3, 2, 2, 2, 4, 4, 4, 4, 9); t9 after t1; t5..t8 after t4. Free units go to ready
    tasks in file order (the unit priority's task order).

    3 units: 0 t1 t2 t3 | 2 t4 | 3 t9 (to 12) | 4 t5 t6 | 8 t7 t8 (to 12)      -> t9 done at 12m
    4 units: 0 t1 t2 t3 t4 | 2 t5 t6 t7 | 3 t8 (t9 not ready yet: t1 ends at 3, t8 is ahead)
             ... t9 waits for a free unit until 6 -> t9 done at 15m

    So "more units never make an objective later" is not a theorem once tasks have
    prerequisites; the metamorphic tests only claim it where it is one (tests/test_engine_metamorphic.py).
    """
    three, four = _graham(3), _graham(4)
    assert at(three, K.TASK_DONE, task="t9") == 12 * 60
    assert at(four, K.TASK_DONE, task="t9") == 15 * 60
    assert at(four, K.TASK_STARTED, task="t8") == 3 * 60
    assert at(four, K.TASK_STARTED, task="t9") == 6 * 60


# -- the border-gate case (issue 14) ------------------------------------------------------------
N = 200


@pytest.fixture(scope="module")
def border_gate() -> dict[str, list[ReplicationResult]]:
    """N replications of 2, 3 and 4 health units under common random numbers."""
    compiled = compile_variants(load_scenario(FIXTURE), ["base", "units-3", "units-4"])
    return {
        v: [run_replication(c, 7, replication=i) for i in range(N)] for v, c in compiled.items()
    }


def test_border_gate_more_ambulances_never_make_red_transport_later(
    border_gate: dict[str, list[ReplicationResult]],
) -> None:
    """With 2, 3, 4 units, red casualties are never transported later, replication by replication."""
    compiled = compile_variants(load_scenario(FIXTURE), ["base", "units-3", "units-4"])
    times = {
        v: [summarize(r, compiled[v]).objectives[0].time for r in rs]
        for v, rs in border_gate.items()
    }
    inf = float("inf")
    for i in range(N):
        two, three, four = (
            inf if times[v][i] is None else times[v][i] for v in ("base", "units-3", "units-4")
        )
        assert two >= three >= four, (i, two, three, four)
    met = {v: sum(t is not None and t <= 3600 for t in ts) for v, ts in times.items()}
    assert met["base"] <= met["units-3"] <= met["units-4"]
    assert met["units-4"] > met["base"]  # the extra units matter in this scenario


def _waiting_reds(r: ReplicationResult, t: float) -> list[str]:
    """Red casualties whose transport was ready at or before t and had not started by t."""
    ready = {x.casualty: x.time for x in find(r, K.TASK_READY, task="transport")}
    started = {x.casualty: x.time for x in find(r, K.TASK_STARTED, task="transport")}
    return [
        c
        for c, rt in ready.items()
        if c and c.startswith("red") and rt <= t < started.get(c, float("inf"))
    ]


def test_border_gate_log_shows_the_freed_unit_going_to_the_red_casualty(
    border_gate: dict[str, list[ReplicationResult]],
) -> None:
    """No yellow transport starts while a red one waits, and the case of the issue happens.

    The case: a red casualty's triage ends, and at that instant its own transport takes the
    unit the triage freed, while a yellow or green request for the same units has been waiting.
    """
    cases = 0
    for r in border_gate["base"]:
        for s in find(r, K.TASK_STARTED, task="transport"):
            if s.casualty.startswith("yellow"):
                assert not _waiting_reds(r, s.time), (r.replication, s)
        started = {(x.task, x.casualty): x.time for x in find(r, K.TASK_STARTED)}
        for f in find(r, K.TASK_FINISHED, task="triage"):
            if not f.casualty.startswith("red") or started.get(("transport", f.casualty)) != f.time:
                continue
            lower_waiting = [
                x
                for x in find(r, K.TASK_READY)
                if not x.casualty.startswith("red")
                and x.time < f.time < started.get((x.task, x.casualty), float("inf"))
            ]
            cases += bool(lower_waiting)
    assert cases > 0
