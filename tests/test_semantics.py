"""Phase 2: cross-references, cycles, capacity, measurability and reachability warnings."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import FIXTURES
from hypothesis import given
from strategies import scenarios

from drillsim.errors import Problem
from drillsim.scenario.loader import load_scenario
from drillsim.scenario.model import Scenario
from drillsim.scenario.semantics import check


def base() -> dict[str, Any]:
    return load_scenario(FIXTURES / "drill.yaml").model_dump(mode="json", by_alias=True)


def problems(change: Any) -> list[tuple[str, str, str]]:
    data = base()
    change(data)
    return [(p.severity, p.path, p.message) for p in check(Scenario.model_validate(data))]


def test_fixture_is_clean() -> None:
    assert check(Scenario.model_validate(base())) == []


@given(scenarios())
def test_generated_scenarios_have_no_errors(s: Scenario) -> None:
    assert [p for p in check(s) if p.severity == "error"] == []


def test_duplicate_ids_in_every_section() -> None:
    def dup(d: dict[str, Any]) -> None:
        d["tasks"].append({**d["tasks"][0]})
        d["target"]["zones"].append("dam")
        d["objectives"].append({**d["objectives"][0]})

    found = problems(dup)
    assert ("error", "tasks[4].id", "duplicate id 'isolate'; tasks[0] already uses it") in found
    assert (
        "error",
        "target.zones[2]",
        "duplicate id 'dam'; target.zones[0] already uses it",
    ) in found
    assert (
        "error",
        "objectives[3].id",
        "duplicate id 'cordon-60'; objectives[0] already uses it",
    ) in found


def test_cycle_is_named() -> None:
    found = problems(lambda d: d["tasks"][0].update(after=["negotiate"]))
    assert found == [
        (
            "error",
            "tasks[0].after",
            "the prerequisites form a loop: isolate -> cordon -> negotiate -> isolate",
        )
    ]


def test_self_prerequisite_is_a_cycle() -> None:
    found = problems(lambda d: d["tasks"][0].update(after=["isolate"]))
    assert found == [
        ("error", "tasks[0].after", "the prerequisites form a loop: isolate -> isolate")
    ]


def test_unknown_references() -> None:
    def break_refs(d: dict[str, Any]) -> None:
        d["links"][0]["from"] = "plant_securty"
        d["incidents"][0]["detected_by"] = "nobody"
        d["objectives"][0]["measure"] = {"task_done": "cordon", "incident": "fire"}

    found = {(path, msg) for _, path, msg in problems(break_refs)}
    assert ("links[0].from", "unknown agency 'plant_securty'") in found
    assert ("incidents[0].detected_by", "unknown agency 'nobody'") in found
    assert ("objectives[0].measure.incident", "unknown incident 'fire'") in found


def test_capability_or_agency_in_by() -> None:
    found = problems(lambda d: d["tasks"][2].update(by=["negotiation"]))
    assert ("error", "tasks[2].by[0]", "unknown agency or capability 'negotiation'") in found


def test_units_beyond_any_capable_agency() -> None:
    found = problems(lambda d: d["tasks"][1].update(units=4))
    assert found == [
        (
            "error",
            "tasks[1].units",
            ("task cordon needs 4 units at once but the most any capable agency has is 3 (swat)"),
        )
    ]


def test_zone_travel_and_incident_zone() -> None:
    def zones(d: dict[str, Any]) -> None:
        d["agencies"][2]["travel"]["by_zone"]["tunnel"] = "5m"
        d["incidents"][0]["zone"] = "roof"

    found = problems(zones)
    assert (
        "error",
        "agencies[2].travel.by_zone.tunnel",
        "unknown zone 'tunnel' in travel times",
    ) in found
    assert ("error", "incidents[0].zone", "unknown zone (not in target.zones) 'roof'") in found


def test_reachability_warning_names_the_missing_path() -> None:
    found = problems(lambda d: d["links"].pop(1))
    assert (
        "warning",
        "tasks[1].by",
        (
            "task cordon needs swat, but there is no path from plant_security "
            "(detects hostage) to swat; swat has no incoming link"
        ),
    ) in found


def test_reachability_warning_names_where_alerts_stop() -> None:
    def chain(d: dict[str, Any]) -> None:
        d["agencies"].append({"id": "province", "units": 1})
        d["links"][1]["from"] = "province"

    found = problems(chain)
    assert (
        "warning",
        "tasks[1].by",
        (
            "task cordon needs swat, but there is no path from plant_security "
            "(detects hostage) to swat; swat is alerted only by province; the alerts stop at police_hq"
        ),
    ) in found


def test_objective_checks() -> None:
    def objectives(d: dict[str, Any]) -> None:
        d["objectives"][0]["within"] = "5h"
        d["objectives"][2]["measure"] = {"casualties_through": "cordon"}

    found = problems(objectives)
    assert (
        "warning",
        "objectives[0].within",
        "the target 5h is longer than the horizon 4h, so a miss is never seen",
    ) in found
    assert (
        "error",
        "objectives[2].measure.casualties_through",
        "casualties_through needs a per-casualty task; cordon has no per_casualty time",
    ) in found


def test_per_casualty_task_without_casualties_warns() -> None:
    found = problems(lambda d: d["incidents"][0].update(casualties={"green": 2}))
    assert (
        "warning",
        "incidents[0].triggers",
        (
            "incident hostage triggers the per-casualty task triage but has no "
            "casualties (red, yellow), so triage has nothing to do"
        ),
    ) in found
    assert (
        "error",
        "objectives[2].measure.casualties_through",
        "no incident that triggers triage has red casualties, so this objective can never be measured",
    ) in found


def test_prerequisites_are_triggered_too() -> None:
    """isolate is only a prerequisite of a triggered task, and that is enough to measure it."""
    found = problems(lambda d: d["objectives"][0]["measure"].update(task_done="isolate"))
    assert found == []


def test_variant_references_are_checked() -> None:
    def variant(d: dict[str, Any]) -> None:
        d["variants"].append(
            {
                "id": "bad",
                "remove_agencies": ["swta"],
                "change_tasks": {"cordon": {"units": 2}},
                "change_links": [{"from": "police_hq", "to": "plant_security", "delay": "1m"}],
            }
        )

    found = problems(variant)
    assert (
        "error",
        "variants[2].change_links[0]",
        "there is no link police_hq -> plant_security to change",
    ) in found
    assert ("error", "variants[2].remove_agencies[0]", "unknown agency 'swta'") in found


def test_variant_removing_the_detector_warns() -> None:
    found = problems(
        lambda d: d["variants"].append({"id": "no-guard", "remove_agencies": ["plant_security"]})
    )
    assert (
        "warning",
        "variants[2].remove_agencies[0]",
        (
            "removes plant_security, which detects incident hostage; "
            "the run will report hostage as never detected"
        ),
    ) in found
    assert all(sev == "warning" for sev, _, _ in found)


def test_variant_gaps_are_warnings_located_at_the_variant() -> None:
    found = problems(lambda d: d["variants"].append({"id": "no-swat", "remove_agencies": ["swat"]}))
    assert ("warning", "variants[2]", "with this variant, no agency can do task cordon") in found


@pytest.mark.parametrize("severity", ["error", "warning"])
def test_problems_carry_paths(severity: str) -> None:
    data = base()
    data["links"].pop(1)
    data["tasks"][1]["after"] = ["nothing"]
    for p in check(Scenario.model_validate(data)):
        assert isinstance(p, Problem) and p.path
