"""Compiling a scenario: the coordination graph, the engine tables and the scenario hash."""

from __future__ import annotations

import math

import networkx as nx
import pytest
from engine_strategies import scenario

from drillsim.scenario.model import Scenario
from drillsim.sim.compile import compile_scenario, expected_link_time, scenario_hash


def _dict() -> dict:
    return {
        "scenario": {"id": "c", "title": "Compile", "horizon": "2h"},
        "target": {"name": "Dam", "kind": "hydropower_plant", "zones": ["z1", "z2"]},
        "agencies": [
            {
                "id": "hq",
                "name": "Police HQ",
                "kind": "police",
                "sector": "security",
                "units": 2,
                "duty_officers": 3,
                "handling": {"uniform": ["1m", "3m"]},
                "activation": "30s",
            },
            {
                "id": "swat",
                "kind": "swat",
                "units": 4,
                "travel": {"by_zone": {"z1": "10m", "z2": "20m"}},
                "capabilities": ["assault"],
            },
            {"id": "ems", "travel": "8m", "capabilities": ["triage"]},
        ],
        "links": [
            {
                "from": "hq",
                "to": ["swat", "ems"],
                "channel": "hotline",
                "delay": "1m",
                "reliability": 0.9,
                "retry": "2m",
                "backup": {"channel": "radio", "delay": "30s"},
            },
            {"from": "swat", "to": "hq", "channel": "radio", "delay": {"exponential": "40s"}},
            {"from": "ems", "to": "ghost"},
        ],
        "incidents": [
            {"id": "late", "at": "10m", "detected_by": "hq", "triggers": "assault"},
            {
                "id": "first",
                "at": "1m",
                "zone": "z1",
                "detected_by": "hq",
                "triggers": ["treat"],
                "casualties": {"red": 2, "green": 1},
            },
        ],
        "tasks": [
            {"id": "secure", "by": ["triage", "swat"], "units": 2, "duration": "5m"},
            {"id": "assault", "by": "assault", "after": "secure"},
            {"id": "treat", "by": "ems", "per_casualty": "4m", "categories": ["green", "red"]},
        ],
    }


@pytest.fixture()
def compiled():  # type: ignore[no-untyped-def]
    return compile_scenario(Scenario.model_validate(_dict()))


def test_graph_nodes_and_edges_match_the_scenario(compiled) -> None:  # type: ignore[no-untyped-def]
    g = compiled.graph
    assert list(g.nodes) == ["hq", "swat", "ems"]
    assert g.graph["scenario"] == "c"
    hq = g.nodes["hq"]
    assert (hq["label"], hq["kind"], hq["sector"], hq["units"], hq["duty_officers"]) == (
        "Police HQ",
        "police",
        "security",
        2,
        3,
    )
    assert hq["handling"] == 120.0 and hq["activation"] == 30.0 and hq["deploys"] is False
    assert g.nodes["swat"]["deploys"] is True and g.nodes["swat"]["capabilities"] == ("assault",)
    assert g.nodes["ems"]["label"] == "ems"
    # Multi-`to` links expand into one edge per recipient; a link to an unknown agency is dropped.
    assert sorted(g.edges) == [("hq", "ems"), ("hq", "swat"), ("swat", "hq")]
    e = g.edges["hq", "ems"]
    assert (e["link"], e["channel"], e["delay"], e["reliability"], e["retry"], e["backup"]) == (
        0,
        "hotline",
        60.0,
        0.9,
        120.0,
        "radio",
    )
    assert math.isclose(e["expected_time"], 60 + 0.1 / 0.9 * 180)
    assert g.edges["swat", "hq"]["delay"] == 40.0 and g.edges["swat", "hq"]["backup"] is None


def test_graph_is_frozen(compiled) -> None:  # type: ignore[no-untyped-def]
    assert nx.is_frozen(compiled.graph)
    with pytest.raises(nx.NetworkXError):
        compiled.graph.add_edge("ems", "hq")
    with pytest.raises(nx.NetworkXError):
        compiled.graph.remove_node("hq")


def test_engine_tables(compiled) -> None:  # type: ignore[no-untyped-def]
    c = compiled
    assert c.horizon == 7200.0 and c.agency_index == {"hq": 0, "swat": 1, "ems": 2}
    assert [(e.label, e.link_index, e.source, e.target) for e in c.edges] == [
        ("hq->swat", 0, 0, 1),
        ("hq->ems", 0, 0, 2),
        ("swat->hq", 1, 1, 0),
    ]
    main, backup = c.edges[0].channels
    assert (main.name, main.delay, main.reliability, main.retry, main.attempts) == (
        "hotline",
        60.0,
        0.9,
        120.0,
        3,
    )
    assert (backup.name, backup.delay, backup.attempts) == ("radio", 30.0, None)
    assert c.edges[2].channels[0].attempts is None  # no backup: tries until the horizon
    assert callable(c.edges[2].channels[0].delay)  # a random delay is a sampler
    assert [e.label for e in c.agencies[0].out_edges] == ["hq->swat", "hq->ems"]
    assert c.agencies[1].travel == {"z1": 600.0, "z2": 1200.0} and c.agencies[0].travel is None
    assert c.agencies[1].destination("z2") == "z2" and c.agencies[2].destination("z2") == ""
    # Capable agencies in the task's order of preference: a capability, then an agency id.
    assert c.tasks[0].capable == (2, 1) and c.tasks[1].capable == (1,) and c.tasks[1].after == (0,)
    assert c.tasks[2].categories == ("red", "green")  # triage order, whatever the file order
    # Incidents in time order; tasks are the triggers plus their prerequisites.
    assert [i.id for i in c.incidents] == ["first", "late"]
    assert c.incidents[0].casualties == ("red-1", "red-2", "green-1")
    assert c.incidents[1].tasks == (0, 1)


def test_scenario_hash_is_stable_under_key_order_and_sensitive_to_values() -> None:
    d = _dict()
    h = scenario_hash(Scenario.model_validate(d))
    assert len(h) == 64 and int(h, 16) >= 0
    reordered = dict(reversed(list(d.items())))
    reordered["agencies"] = [dict(reversed(list(a.items()))) for a in d["agencies"]]
    assert scenario_hash(Scenario.model_validate(reordered)) == h
    # The same value written another way (5m vs 300s) is the same scenario.
    d2 = _dict()
    d2["tasks"][0]["duration"] = "300s"
    assert scenario_hash(Scenario.model_validate(d2)) == h
    d3 = _dict()
    d3["links"][0]["reliability"] = 0.91
    assert scenario_hash(Scenario.model_validate(d3)) != h
    d4 = _dict()
    d4["agencies"][1]["travel"]["by_zone"]["z2"] = "21m"
    assert scenario_hash(Scenario.model_validate(d4)) != h
    assert compile_scenario(Scenario.model_validate(d)).scenario_hash == h


def test_expected_link_time() -> None:
    assert expected_link_time(10, 1.0, 60) == 10
    assert math.isclose(expected_link_time(10, 0.5, 50), 70)
    assert expected_link_time(10, 0.0, 50) == math.inf


def test_compile_does_not_touch_its_input() -> None:
    s = scenario([{"id": "a"}], [{"id": "i", "at": "0s", "detected_by": "a"}])
    before = s.model_dump()
    compile_scenario(s, max_events=10)
    assert s.model_dump() == before
    assert compile_scenario(s, max_events=10).max_events == 10
