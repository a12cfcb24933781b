"""The JSON Schema accepts every real scenario file (with its shorthands) and refuses wrong shapes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from conftest import FIXTURES, SCENARIOS
from hypothesis import given
from strategies import scenario_dicts

from drillsim.scenario.schema import scenario_schema
from tests.helpers import run_cli

VALIDATOR = jsonschema.Draft202012Validator(scenario_schema())
FILES = sorted(SCENARIOS.glob("*.yaml")) + [
    FIXTURES / "drill.yaml",
    FIXTURES / "report" / "hub.yaml",
]


def test_schema_is_a_valid_schema() -> None:
    schema = scenario_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"].endswith("2020-12/schema") and schema["title"].startswith(
        "drillsim scenario"
    )


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_real_files_are_accepted(path: Path) -> None:
    errors = [
        f"{list(e.path)}: {e.message}"
        for e in VALIDATOR.iter_errors(yaml.safe_load(path.read_text("utf-8")))
    ]
    assert errors == []


@given(scenario_dicts())
def test_generated_scenarios_are_accepted(data: dict[str, Any]) -> None:
    assert list(VALIDATOR.iter_errors(data)) == []


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["agencies"][0].update(untis=3),
        lambda d: d["agencies"][0].update(activation="5 minutes"),
        lambda d: d["links"][0].update(to=[]),
        lambda d: d["agencies"][0].update(travel={"unifrom": ["1m", "2m"]}),
    ],
)
def test_wrong_shapes_are_refused(change: Any) -> None:
    data = yaml.safe_load((FIXTURES / "drill.yaml").read_text("utf-8"))
    change(data)
    assert list(VALIDATOR.iter_errors(data))


def test_schema_command_writes_the_same_schema(tmp_path: Path) -> None:
    out = tmp_path / "s.json"
    result = run_cli("schema", "--out", str(out))
    assert result.exit_code == 0 and result.stderr == f"wrote {out}\n"
    assert json.loads(out.read_text("utf-8")) == scenario_schema()
    printed = run_cli("schema")
    assert json.loads(printed.stdout) == scenario_schema()
