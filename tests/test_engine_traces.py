"""Hand-computed timelines (Ciw style): tiny scenarios with fixed durations and exact times.

Each test states its expected timeline in a table in its docstring, worked out by hand from the
mechanisms in docs/mechanisms.md, then asserts the record times exactly. Nothing here is
copied from an engine run.
"""

from __future__ import annotations

from typing import Any

from engine_strategies import inject, scenario

from drillsim.scenario.model import Scenario
from drillsim.sim.compile import compile_scenario
from drillsim.sim.engine import run_replication
from drillsim.sim.records import EventKind as K
from drillsim.sim.records import EventRecord, ReplicationResult
from drillsim.sim.rng import RandomStreams, stable_key


def run(s: Scenario, seed: int = 0) -> ReplicationResult:
    return run_replication(compile_scenario(s), seed)


def find(r: ReplicationResult, kind: K, **fields: Any) -> list[EventRecord]:
    return [
        x
        for x in r.records
        if x.kind is kind and all(getattr(x, k) == v for k, v in fields.items())
    ]


def at(r: ReplicationResult, kind: K, **fields: Any) -> float:
    """The time of the one record of this kind with these fields."""
    found = find(r, kind, **fields)
    assert len(found) == 1, (kind, fields, found)
    return found[0].time


def test_detection_hub_queue_activation_travel_and_prerequisite() -> None:
    """A hub with one duty officer relays to three agencies, one message after the other.

    hub: 1 duty officer, handling 60s. One link hub -> [pol, fire, ems], delay 30s.
    pol: activation 2m, travel 5m. fire: activation 1m, works from base. ems: activation 0, travel 100s.
    Tasks: cordon (pol, 10m); triage_area (ems, 200s, after cordon); fight (fire, 15m).

    | t (s) | record                                      | why                          |
    |------:|---------------------------------------------|------------------------------|
    |   100 | INJECT i                                    | at 100s                      |
    |   120 | DETECTED hub                                | detection 20s                |
    |   120 | HANDLING_STARTED hub->pol                   | desk free                    |
    |   180 | MESSAGE_SENT hub->pol; HANDLING hub->fire   | 60s handling; next in queue  |
    |   210 | ALERTED pol                                 | 180 + 30                     |
    |   240 | MESSAGE_SENT hub->fire; HANDLING hub->ems   |                              |
    |   270 | ALERTED fire                                |                              |
    |   300 | MESSAGE_SENT hub->ems                       |                              |
    |   330 | ALERTED ems; ACTIVATED pol, fire, ems       | 210+120; 270+60; 330+0       |
    |   330 | ON_SCENE fire (base); TASK_STARTED fight    |                              |
    |   430 | ON_SCENE ems                                | 330 + 100                    |
    |   630 | ON_SCENE pol; TASK_STARTED cordon           | 330 + 300                    |
    |  1230 | TASK_DONE cordon, fight; STARTED triage_area| 630+600; 330+900             |
    |  1430 | TASK_DONE triage_area                       | 1230 + 200                   |
    """
    s = scenario(
        [
            {"id": "hub", "duty_officers": 1, "handling": "60s"},
            {"id": "pol", "activation": "2m", "travel": "5m"},
            {"id": "fire", "activation": "1m"},
            {"id": "ems", "travel": "100s"},
        ],
        [
            {
                "id": "i",
                "at": "100s",
                "detected_by": "hub",
                "detection": "20s",
                "triggers": ["triage_area", "fight"],
            }
        ],
        links=[{"from": "hub", "to": ["pol", "fire", "ems"], "delay": "30s"}],
        tasks=[
            {"id": "cordon", "by": "pol", "duration": "10m"},
            {"id": "triage_area", "by": "ems", "duration": "200s", "after": "cordon"},
            {"id": "fight", "by": "fire", "duration": "15m"},
        ],
    )
    r = run(s)
    assert r.ended_by == "complete" and r.unfinished == ()
    assert at(r, K.INJECT) == 100
    assert at(r, K.DETECTED, agency="hub") == 120
    assert [(x.link, x.time) for x in find(r, K.HANDLING_STARTED)] == [
        ("hub->pol", 120),
        ("hub->fire", 180),
        ("hub->ems", 240),
    ]
    assert [(x.link, x.time) for x in find(r, K.MESSAGE_SENT)] == [
        ("hub->pol", 180),
        ("hub->fire", 240),
        ("hub->ems", 300),
    ]
    assert [(x.agency, x.time) for x in find(r, K.ALERTED)] == [
        ("pol", 210),
        ("fire", 270),
        ("ems", 330),
    ]
    assert {a: at(r, K.ACTIVATED, agency=a) for a in ("hub", "pol", "fire", "ems")} == {
        "hub": 120,
        "pol": 330,
        "fire": 330,
        "ems": 330,
    }
    assert {a: at(r, K.ON_SCENE, agency=a) for a in ("hub", "pol", "fire", "ems")} == {
        "hub": 120,
        "pol": 630,
        "fire": 330,
        "ems": 430,
    }
    assert at(r, K.TASK_STARTED, task="fight") == 330
    assert at(r, K.TASK_STARTED, task="cordon") == 630
    assert at(r, K.TASK_DONE, task="cordon") == 1230
    assert at(r, K.TASK_DONE, task="fight") == 1230
    assert at(r, K.TASK_READY, task="triage_area") == 1230
    assert at(r, K.TASK_STARTED, task="triage_area") == 1230
    assert at(r, K.TASK_DONE, task="triage_area") == 1430
    assert r.end_time == 1430
    # The causal chain behind the last task walks back through the slowest branch.
    chain, rid = [], find(r, K.TASK_DONE, task="triage_area")[0].id
    while rid is not None:
        chain.append((r.records[rid].kind, r.records[rid].agency or r.records[rid].task))
        rid = r.records[rid].cause
    assert (K.ON_SCENE, "pol") in chain and (K.ALERTED, "pol") in chain and chain[-1][0] is K.INJECT
    assert (K.ON_SCENE, "ems") not in chain  # ems was there at 430, long before cordon was done


def test_unit_contention_head_of_line() -> None:
    """Three tasks share an agency of 2 units; a waiting request is never overtaken.

    u: 2 units, on site at once. a: 1 unit, 100s. b: 2 units, 100s. c: 1 unit, 50s (file order).

    | t (s) | record                 | units in use | why                                     |
    |------:|------------------------|-------------:|-----------------------------------------|
    |     0 | TASK_STARTED a         | 1            | first in file order                     |
    |     0 | TASK_READY b           | 1            | needs 2, only 1 free: waits             |
    |     0 | TASK_READY c           | 1            | 1 free, but b is ahead: waits           |
    |   100 | TASK_DONE a; STARTED b | 2            |                                         |
    |   200 | TASK_DONE b; STARTED c | 1            |                                         |
    |   250 | TASK_DONE c            | 0            |                                         |
    """
    s = scenario(
        [{"id": "u", "units": 2}],
        [{"id": "i", "at": "0s", "detected_by": "u", "triggers": ["a", "b", "c"]}],
        tasks=[
            {"id": "a", "by": "u", "units": 1, "duration": "100s"},
            {"id": "b", "by": "u", "units": 2, "duration": "100s"},
            {"id": "c", "by": "u", "units": 1, "duration": "50s"},
        ],
    )
    r = run(s)
    assert {t: at(r, K.TASK_READY, task=t) for t in "abc"} == {"a": 0, "b": 0, "c": 0}
    assert {t: at(r, K.TASK_STARTED, task=t) for t in "abc"} == {"a": 0, "b": 100, "c": 200}
    assert {t: at(r, K.TASK_DONE, task=t) for t in "abc"} == {"a": 100, "b": 200, "c": 250}


def test_two_tasks_contend_for_one_unit() -> None:
    """Two incidents' tasks need the only unit of one agency: the first inject's task goes first.

    | t (s) | record                    |
    |------:|---------------------------|
    |     0 | TASK_STARTED fix (i1)     |
    |    10 | TASK_READY fix (i2)       |
    |   300 | TASK_DONE (i1); STARTED (i2) |
    |   600 | TASK_DONE (i2)            |
    """
    s = scenario(
        [{"id": "u", "units": 1}],
        [
            {"id": "i1", "at": "0s", "detected_by": "u", "triggers": "fix"},
            {"id": "i2", "at": "10s", "detected_by": "u", "triggers": "fix"},
        ],
        tasks=[{"id": "fix", "by": "u", "duration": "5m"}],
    )
    r = run(s)
    assert at(r, K.TASK_STARTED, incident="i1") == 0
    assert at(r, K.TASK_READY, incident="i2") == 10
    assert at(r, K.TASK_STARTED, incident="i2") == 300
    assert at(r, K.TASK_DONE, incident="i2") == 600


def test_casualty_queue_in_triage_order() -> None:
    """Casualties of one incident queue for one medic in triage order, whatever the file says.

    m: 1 unit. treat: per casualty 60s. Incident i (t=0): green 2, yellow 1, red 1.
    Incident j (t=90s): red 1; it overtakes the waiting greens of i but not the one being treated.

    | t (s) | started         | finished        |
    |------:|-----------------|-----------------|
    |     0 | i red-1         |                 |
    |    60 | i yellow-1      | i red-1         |
    |   120 | j red-1         | i yellow-1      |
    |   180 | i green-1       | j red-1  (j done) |
    |   240 | i green-2       | i green-1       |
    |   300 |                 | i green-2 (i done) |
    """
    s = scenario(
        [{"id": "m", "units": 1}],
        [
            inject("i", "0s", "treat", green=2, yellow=1, red=1),
            inject("j", "90s", "treat", red=1),
        ],
        tasks=[{"id": "treat", "by": "m", "per_casualty": "60s"}],
    )
    r = run(s)
    started = [(x.incident, x.casualty, x.time) for x in find(r, K.TASK_STARTED)]
    assert started == [
        ("i", "red-1", 0),
        ("i", "yellow-1", 60),
        ("j", "red-1", 120),
        ("i", "green-1", 180),
        ("i", "green-2", 240),
    ]
    finished = [(x.incident, x.casualty, x.time) for x in find(r, K.TASK_FINISHED)]
    assert finished == [
        ("i", "red-1", 60),
        ("i", "yellow-1", 120),
        ("j", "red-1", 180),
        ("i", "green-1", 240),
        ("i", "green-2", 300),
    ]
    assert at(r, K.TASK_DONE, incident="j") == 180
    assert at(r, K.TASK_DONE, incident="i") == 300
    assert find(r, K.TASK_DONE, incident="i")[0].detail == "4 casualties"


def test_failed_tries_then_backup_channel() -> None:
    """A phone link that never gets through (reliability 0), then the radio backup.

    a -> b: phone, delay 10s, reliability 0, retry 60s, 2 attempts; backup radio, delay 5s.

    | t (s) | record                          |
    |------:|---------------------------------|
    |     0 | DETECTED a; MESSAGE_SENT a->b   |
    |    10 | TRY_FAILED (phone try 1)        |
    |    70 | RETRY_SENT (phone try 2)        |
    |    80 | TRY_FAILED (phone try 2); RETRY_SENT (radio try 1) |
    |    85 | ALERTED b (radio)               |
    """
    s = scenario(
        [{"id": "a"}, {"id": "b"}],
        [{"id": "i", "at": "0s", "detected_by": "a", "triggers": "t"}],
        links=[
            {
                "from": "a",
                "to": "b",
                "channel": "phone",
                "delay": "10s",
                "reliability": 0,
                "retry": "60s",
                "attempts": 2,
                "backup": {"channel": "radio", "delay": "5s"},
            }
        ],
        tasks=[{"id": "t", "by": "b", "duration": "15s"}],
    )
    r = run(s)
    assert at(r, K.MESSAGE_SENT, link="a->b") == 0
    assert [(x.time, x.detail) for x in find(r, K.TRY_FAILED)] == [
        (10, "phone try 1"),
        (80, "phone try 2"),
    ]
    assert [(x.time, x.detail) for x in find(r, K.RETRY_SENT)] == [
        (70, "phone try 2"),
        (80, "radio try 1"),
    ]
    alert = find(r, K.ALERTED, agency="b")
    assert [(x.time, x.detail) for x in alert] == [(85, "radio")]
    assert r.records[r.records[alert[0].cause].cause].kind is K.TRY_FAILED
    assert at(r, K.TASK_DONE, task="t") == 100
    assert not find(r, K.ALERT_LOST)


def test_travel_by_zone_with_two_incidents() -> None:
    """One fire team, travel by zone; incidents in two zones and a third back in the first.

    f: activation 60s; travel z1 100s, z2 400s. i1 (z1, t=0), i2 (z2, t=30), i3 (z1, t=200).

    | t (s) | record                      | why                                       |
    |------:|-----------------------------|-------------------------------------------|
    |     0 | DETECTED f (i1)             | activation starts once, for any incident  |
    |    30 | DETECTED f (i2)             | waits for the same activation             |
    |    60 | ACTIVATED f (incident i1)   |                                           |
    |   160 | ON_SCENE f i1 (z1)          | 60 + 100                                  |
    |   200 | ON_SCENE f i3 (z1)          | already in z1: no second trip             |
    |   460 | ON_SCENE f i2 (z2)          | 60 + 400, travelling in parallel          |
    """
    s = scenario(
        [
            {
                "id": "f",
                "activation": "60s",
                "units": 3,
                "travel": {"by_zone": {"z1": "100s", "z2": "400s"}},
            }
        ],
        [
            {"id": "i1", "at": "0s", "zone": "z1", "detected_by": "f", "triggers": "t"},
            {"id": "i2", "at": "30s", "zone": "z2", "detected_by": "f", "triggers": "t"},
            {"id": "i3", "at": "200s", "zone": "z1", "detected_by": "f", "triggers": "t"},
        ],
        tasks=[{"id": "t", "by": "f", "duration": "50s"}],
    )
    r = run(s)
    assert [(x.time, x.incident) for x in find(r, K.ACTIVATED)] == [(60, "i1")]
    assert {i: at(r, K.ON_SCENE, incident=i) for i in ("i1", "i2", "i3")} == {
        "i1": 160,
        "i2": 460,
        "i3": 200,
    }
    assert {i: at(r, K.TASK_DONE, incident=i) for i in ("i1", "i2", "i3")} == {
        "i1": 210,
        "i2": 510,
        "i3": 250,
    }
    assert [x.detail for x in find(r, K.ON_SCENE)] == ["z1", "z1", "z2"]


def test_redundant_path_gives_a_duplicate_alert() -> None:
    """The first alert wins; a later copy over another path is logged as a duplicate.

    a -> b (10s), a -> c (5s), c -> b (1s); handling 0 everywhere.

    | t (s) | record                         |
    |------:|--------------------------------|
    |     5 | ALERTED c (via a->c)           |
    |     6 | ALERTED b (via c->b)           |
    |    10 | DUPLICATE_ALERT b (via a->b)   |
    """
    s = scenario(
        [{"id": "a", "duty_officers": 2}, {"id": "b"}, {"id": "c"}],
        [{"id": "i", "at": "0s", "detected_by": "a"}],
        links=[
            {"from": "a", "to": "b", "delay": "10s"},
            {"from": "a", "to": "c", "delay": "5s"},
            {"from": "c", "to": "b", "delay": "1s"},
        ],
    )
    r = run(s)
    assert [(x.agency, x.link, x.time) for x in find(r, K.ALERTED)] == [
        ("c", "a->c", 5),
        ("b", "c->b", 6),
    ]
    assert [(x.agency, x.link, x.time) for x in find(r, K.DUPLICATE_ALERT)] == [("b", "a->b", 10)]


def test_two_links_between_one_pair_draw_from_their_own_streams() -> None:
    """A faster link never takes the draw of another link between the same pair.

    m (2 duty officers, handling 0) detects i at 0s. Two links m -> b, in this order: radio,
    delay 20s, reliability 0, 1 try; phone, delay D, reliability 0.5, 1 try. Seed 0: the radio's
    reliability stream (``m->b``) draws u = 0.632, 0.188; the phone's own stream (``m->b#2``)
    draws u = 0.248 < 0.5, so the phone gets through whenever it arrives.

    | D   | t (s) | record                                   |
    |----:|------:|------------------------------------------|
    | 30s |    20 | TRY_FAILED radio; ALERT_LOST              |
    |     |    30 | ALERTED b (phone)                         |
    | 10s |    10 | ALERTED b (phone)                         |
    |     |    20 | TRY_FAILED radio; ALERT_LOST              |

    With one stream for the pair (the old naming) the k-th draw went to the k-th arrival: at
    D = 10s the phone arrived first, took u = 0.632 and failed, and b was never alerted, so
    a faster link made the alert never come.
    """
    inc_key = stable_key("incident", "i")
    for name, u in (("m->b", 0.6319744733144451), ("m->b#2", 0.2478996485080458)):
        assert RandomStreams(0, 0).stream(stable_key("reliability", name) ^ inc_key).uniform() == u

    def alerts(delay: str) -> list[tuple[float, K, str]]:
        s = scenario(
            [{"id": "m", "duty_officers": 2}, {"id": "b"}],
            [inject("i", "0s", "t")],
            links=[
                {"from": "m", "to": "b", "channel": "radio", "delay": "20s", "reliability": 0.0}
                | {"attempts": 1},
                {"from": "m", "to": "b", "channel": "phone", "delay": delay, "reliability": 0.5}
                | {"attempts": 1},
            ],
            tasks=[{"id": "t", "by": "b", "duration": "1m"}],
        )
        kinds = (K.TRY_FAILED, K.ALERT_LOST, K.ALERTED, K.DUPLICATE_ALERT)
        return [(x.time, x.kind, x.detail) for x in run(s).records if x.kind in kinds]

    assert alerts("30s") == [
        (20.0, K.TRY_FAILED, "radio try 1"),
        (20.0, K.ALERT_LOST, "gave up after 1 tries on radio"),
        (30.0, K.ALERTED, "phone"),
    ]
    assert alerts("10s") == [
        (10.0, K.ALERTED, "phone"),
        (20.0, K.TRY_FAILED, "radio try 1"),
        (20.0, K.ALERT_LOST, "gave up after 1 tries on radio"),
    ]
