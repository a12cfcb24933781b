"""apply_variant: pure, and each kind of change does exactly what it says."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import FIXTURES
from hypothesis import given
from strategies import scenarios

from drillsim.errors import ScenarioError
from drillsim.loader import load_scenario, load_scenario_text
from drillsim.scenario import Scenario, Variant
from drillsim.variants import apply_variant


def drill() -> Scenario:
    return load_scenario(FIXTURES / "drill.yaml")


def apply(**changes: Any) -> Scenario:
    return apply_variant(drill(), Variant.model_validate({"id": "v", **changes}))


def test_base_is_never_changed() -> None:
    s = drill()
    before = s.model_dump()
    apply_variant(s, Variant.model_validate({"id": "v", "remove_agencies": ["swat"], "horizon": "1h"}))
    assert s.model_dump() == before


def test_by_id_uses_the_scenarios_variant() -> None:
    s = apply_variant(drill(), "direct-line")
    assert ("plant_security", "swat", 2) in s.edges() and s.scenario.horizon == 5 * 3600


def test_remove_one_destination_of_a_multi_link() -> None:
    s = apply(remove_links=[["police_hq", "swat"]])
    assert [(f, t) for f, t, _ in s.edges()] == [("plant_security", "police_hq"), ("police_hq", "ems")]


def test_change_one_edge_splits_its_link() -> None:
    s = apply(change_links=[{"from": "police_hq", "to": "ems", "reliability": 0.5}])
    assert [(link.to, link.reliability) for link in s.links[1:]] == [(("swat",), 1.0), (("ems",), 0.5)]
    assert s.links[2].delay == s.links[1].delay


def test_change_link_can_drop_the_backup() -> None:
    s = apply(change_links=[{"from": "plant_security", "to": "police_hq", "backup": None}])
    assert s.links[0].backup is None and s.links[0].reliability == 0.9


def test_remove_agency_removes_its_links_and_its_place_in_tasks() -> None:
    s = apply(remove_agencies=["swat"])
    assert "swat" not in [a.id for a in s.agencies]
    assert all("swat" not in (f, t) for f, t, _ in s.edges())
    assert s.task("cordon").by == ()


def test_change_agency_keeps_zero_units_and_unset_fields() -> None:
    s = apply(change_agencies={"swat": {"units": 0}, "ems": {"travel": None}})
    assert s.agency("swat").units == 0 and s.agency("swat").capabilities == ("negotiate",)
    assert s.agency("ems").travel is None and s.agency("ems").units == 2


def test_add_agency_link_incident_and_change_task() -> None:
    s = apply(add_agencies=[{"id": "army", "units": 5, "capabilities": ["negotiate"]}],
              add_links=[{"from": "police_hq", "to": "army"}],
              add_incidents=[{"id": "second", "at": "30m", "detected_by": "army", "triggers": ["cordon"]}],
              change_tasks={"cordon": {"units": 3, "by": ["army"]}})
    assert s.agency("army").units == 5 and ("police_hq", "army", 2) in s.edges()
    assert [i.id for i in s.incidents] == ["hostage", "second"]
    assert s.task("cordon").units == 3 and s.task("cordon").by == ("army",)


@given(scenarios())
def test_applying_every_variant_keeps_the_base(s: Scenario) -> None:
    dump = s.model_dump()
    for v in s.variants:
        out = apply_variant(s, v.id)
        assert out is not s
    assert s.model_dump() == dump



def test_expect_names_objectives_that_exist() -> None:
    text = (FIXTURES / "drill.yaml").read_text(encoding="utf-8")
    bad = text.replace("variants:\n", "variants:\n  - id: v\n    expect: {better: [no-such-objective]}\n", 1)
    assert bad != text
    with pytest.raises(ScenarioError) as exc:
        load_scenario_text(bad, "drill.yaml")
    message = exc.value.render()
    assert "unknown objective 'no-such-objective'" in message
    assert "drill.yaml:" in message and "expect" in message
