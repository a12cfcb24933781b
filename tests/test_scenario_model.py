"""Phase-1 validation by the models: shapes, defaults, shorthands, frozen data."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import FIXTURES
from hypothesis import given
from pydantic import TypeAdapter, ValidationError
from strategies import scenario_dicts

from drillsim.scenario.loader import load_scenario
from drillsim.scenario.model import MEASURES, PER_CATEGORY, Measure, Scenario


def drill() -> Scenario:
    return load_scenario(FIXTURES / "drill.yaml")


def test_fixture_values_and_shorthands() -> None:
    s = drill()
    assert s.links[1].to == ("swat", "ems")
    assert s.task("cordon").by == ("swat",) and s.task("cordon").after == ("isolate",)
    assert s.agency("ems").travel.bounds() == (1800, 3000)  # type: ignore[union-attr]
    assert s.agency("police_hq").units == 1 and s.agency("police_hq").travel is None
    assert s.links[0].main_attempts() == 3 and s.links[1].main_attempts() is None
    assert s.objectives[0].from_ == "trigger" and s.objectives[1].from_ == "hostage"
    assert s.scenario.horizon == 4 * 3600


def test_models_are_frozen() -> None:
    s = drill()
    with pytest.raises(ValidationError):
        s.agencies[0].units = 5  # type: ignore[misc]


@given(scenario_dicts())
def test_dump_and_validate_round_trip(data: dict[str, Any]) -> None:
    s = Scenario.model_validate(data)
    again = Scenario.model_validate(s.model_dump(mode="json", by_alias=True))
    assert again == s


@pytest.mark.parametrize(
    ("change", "kind"),
    [
        (lambda d: d["agencies"][0].update(units=0), "greater_than_equal"),
        (lambda d: d["links"][0].update(retry="0s"), "value_error"),
        (lambda d: d["links"][0].update(reliability=1.5), "less_than_equal"),
        (lambda d: d["scenario"].update(horizon="0s"), "scenario.horizon_positive"),
        (lambda d: d.update(incidents=[]), "too_short"),
        (lambda d: d["agencies"][0].update(colour="red"), "extra_forbidden"),
        (lambda d: d["scenario"].update(id="../../etc"), "string_pattern_mismatch"),
    ],
)
def test_phase_one_refusals(change: Any, kind: str) -> None:
    data = drill().model_dump(mode="json", by_alias=True)
    change(data)
    with pytest.raises(ValidationError) as info:
        Scenario.model_validate(data)
    assert kind in [e["type"] for e in info.value.errors()]


@pytest.mark.parametrize("kind", list(MEASURES))
def test_every_measure_kind_is_read_by_its_key(kind: str) -> None:
    """One generic definition serves each kind: the key names it, its value is the target, and
    only a casualties kind takes a triage category."""
    read = TypeAdapter(Measure)
    m = read.validate_python({kind: "cordon", "incident": "hostage"})
    assert (m.kind, m.target, m.incident, m.category) == (kind, "cordon", "hostage", None)
    assert m.model_dump(exclude_none=True) == {kind: "cordon", "incident": "hostage"}
    with_category = {kind: "cordon", "category": "red"}
    if kind in PER_CATEGORY:
        assert read.validate_python(with_category).category == "red"
    else:
        with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
            read.validate_python(with_category)
