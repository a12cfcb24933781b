"""The typed records at the seams between stages: critical-path parts and problems' keys and flags, and the engine's task states."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from drillsim.analysis.paths import CATEGORIES, PathPart, Segment, by_part
from drillsim.analysis.summary import ObjectiveResult
from drillsim.errors import Problem, ScenarioError
from drillsim.scenario.loader import load_scenario, load_scenario_text
from drillsim.scenario.model import Scenario
from drillsim.scenario.semantics import check
from drillsim.scenario.variants import Applied
from drillsim.sim.compile import compile_scenario
from drillsim.sim.engine.model import DrillModel
from drillsim.sim.engine.taskstate import AwaitingPrerequisite, AwaitingUnits, Working
from drillsim.sim.rng import RandomStreams
from tests import engine_strategies as es
from tests.conftest import FIXTURES

ids = st.from_regex(r"[A-Za-z0-9_-]{1,12}", fullmatch=True)
parts = st.builds(
    PathPart,
    st.sampled_from(CATEGORIES),
    st.none(),
    st.none(),
) | st.one_of(
    st.builds(lambda c, a: PathPart(c, a), st.sampled_from(CATEGORIES), ids),
    st.builds(lambda c, s, d: PathPart(c, None, (s, d)), st.sampled_from(CATEGORIES), ids, ids),
)


@given(parts)
def test_a_part_reads_back_from_its_text(part: PathPart) -> None:
    assert PathPart.parse(str(part)) == part


def test_the_three_written_forms() -> None:
    assert str(PathPart("handling", "hub")) == "handling@hub"
    assert str(PathPart("link", None, ("hub", "fire"))) == "link@hub->fire"
    assert str(PathPart("before_inject")) == "before_inject@"
    assert PathPart.parse("retries@hub->fire").link == ("hub", "fire")
    assert PathPart.parse("work@fire").agency == "fire"
    assert PathPart.parse("before_inject@") == PathPart("before_inject")


@pytest.mark.parametrize("text", ["travel", "@hub", ""])
def test_a_text_without_category_and_at_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="category@place"):
        PathPart.parse(text)


def test_by_part_puts_a_links_time_on_the_link_and_the_rest_on_the_agency() -> None:
    segs = [
        Segment(0, 30, "handling", "hub", None, 1),
        Segment(30, 90, "link", None, "hub->fire", 2),
        Segment(90, 100, "retries", None, "hub->fire", 3),
        Segment(100, 160, "handling", "hub", None, 4),
        Segment(160, 160, "work", "fire", None, 5),  # no time: no part
    ]
    assert by_part(segs) == {
        PathPart("handling", "hub"): 90,
        PathPart("link", None, ("hub", "fire")): 60,
        PathPart("retries", None, ("hub", "fire")): 10,
    }


def test_an_objective_is_written_with_its_parts_as_text_and_read_back() -> None:
    line = '{"time":160.0,"met":true,"parts":[["handling@hub",90.0],["link@hub->fire",70.0]]}'
    result = ObjectiveResult.from_json(json.loads(line))
    assert result.parts[1][0] == PathPart("link", None, ("hub", "fire"))
    assert result.agencies == (("hub", 90.0),)
    assert result.links == (("hub->fire", 70.0),)
    assert result.split == (("handling", 90.0), ("link", 70.0))
    assert json.dumps(result.to_json(), separators=(",", ":")) == line


def test_a_variant_leaves_an_unknown_name_of_the_base_as_a_warning_by_its_flag_not_its_words() -> (
    None
):
    applied = Applied(None, (), {}, ("variants", 0))  # nothing from the variant: base elements
    gone = applied.relocate(
        Problem("unknown agency 'fire'", keys=("tasks", 0, "by"), unknown_name=True)
    )
    assert (gone.severity, gone.path) == ("warning", "variants[0]")
    assert gone.message == "with this variant, unknown agency 'fire'"
    worded = applied.relocate(Problem("unknown-looking words", keys=("tasks", 0, "by")))
    assert worded.severity == "error"


def test_semantic_checks_flag_names_that_refer_to_nothing() -> None:
    sc = load_scenario(FIXTURES / "drill.yaml")
    data = sc.model_dump(by_alias=True, exclude_none=True)
    data["tasks"][0]["by"] = ["no-such-agency"]
    problems = check(Scenario.model_validate(data))
    named = [p for p in problems if "no-such-agency" in p.message]
    assert named and all(p.unknown_name for p in named)
    assert [(p.keys, p.path) for p in named] == [(("tasks", 0, "by", 0), "tasks[0].by[0]")]
    assert not any(p.unknown_name for p in problems if p not in named)


def _problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "t.yaml")
    return [p.format() for p in caught.value.problems]


@pytest.fixture
def drill() -> dict[str, Any]:
    return yaml.safe_load((FIXTURES / "drill.yaml").read_text(encoding="utf-8"))


def test_travel_is_read_in_the_form_written_by_zone_or_a_duration(drill: dict[str, Any]) -> None:
    """The travel union is tagged by ``by_zone``: each value gets the errors of its own form."""
    drill["agencies"][0]["travel"] = {"by_zone": {"dam": "10m"}, "default": "5m"}
    assert _problems(drill) == [
        (
            "t.yaml:22:5: error: agencies[0] (plant_security).travel.default: unknown field "
            "'default'\n    hint: allowed here: by_zone"
        )
    ]
    drill["agencies"][0]["travel"] = {"unifrom": ["1m", "2m"]}
    assert _problems(drill) == [
        (
            "t.yaml:20:5: error: agencies[0] (plant_security).travel: unknown distribution "
            "'unifrom'; did you mean 'uniform'? use one of fixed, uniform, triangular, exponential, "
            "lognormal, empirical"
        )
    ]


def test_an_entry_missing_several_fields_names_the_first(drill: dict[str, Any]) -> None:
    drill["links"][0] = {"id": "x"}  # neither from nor to
    assert [p.split("\n")[0] for p in _problems(drill)] == [
        "t.yaml:54:3: error: links[0] (x).from: missing required field 'from'",
        "t.yaml:54:3: error: links[0] (x).id: unknown field 'id'",
    ]
    del drill["links"][0]["id"], drill["agencies"]
    drill["links"][0]["note"] = "n"
    assert "agencies: missing required field 'agencies'" in _problems(drill)[0]


def test_the_engine_keeps_a_typed_state_per_task_and_explains_it() -> None:
    """Hand trace: hub detects at 0 and works ``first`` for 10 min with its only unit; the 5 min
    horizon ends the run with ``second`` waiting for ``first`` and ``third`` for the unit."""
    sc = es.scenario(
        [{"id": "hub", "units": 1}],
        [{"id": "i1", "at": "0s", "detected_by": "hub", "triggers": ["first", "second", "third"]}],
        tasks=[
            {"id": "first", "by": ["hub"], "duration": "10m"},
            {"id": "second", "by": ["hub"], "duration": "1m", "after": ["first"]},
            {"id": "third", "by": ["hub"], "duration": "1m"},
        ],
        horizon=300,
    )
    compiled = compile_scenario(sc)
    model = DrillModel(compiled, RandomStreams(1, 0))
    result = model.run(0)
    index = {t.id: t.index for t in compiled.tasks}
    states = {name: model.state.get((0, i)) for name, i in index.items()}
    assert states["first"] == Working(0)
    assert states["third"] == AwaitingUnits(0)
    assert states["second"] == AwaitingPrerequisite("first")
    reasons = {u.task: u.reason for u in result.unfinished}
    assert reasons["first"] == "in progress by hub at the end of the run"
    assert reasons["second"] == "waiting for prerequisite first"
    assert reasons["third"].startswith("waiting for units of hub (1 needed, 0 of 1 free)")
