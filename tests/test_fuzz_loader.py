"""Fuzzing the loader: mutated scenario files give a Scenario or a located ScenarioError, nothing else."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from conftest import FIXTURES, SCENARIOS
from hypothesis import given
from hypothesis import strategies as st
from strategies import scenario_dicts

from drillsim.errors import ScenarioError
from drillsim.loader import load_scenario_text
from drillsim.scenario import Scenario

SOURCES = [p.read_text("utf-8") for p in [FIXTURES / "drill.yaml", FIXTURES / "report" / "hub.yaml",
                                           *sorted(SCENARIOS.glob("*.yaml"))]]


def outcome(text: str | bytes) -> Scenario | None:
    """Load; any ScenarioError must locate each of its errors (the test fails on any other exception)."""
    try:
        return load_scenario_text(text, "fuzz.yaml")
    except ScenarioError as exc:
        assert exc.errors
        for p in exc.errors:
            assert p.line is not None and p.line >= 1, p.format()
            assert "Traceback" not in p.format()
        return None


def _lines(draw: st.DrawFn) -> list[str]:
    return draw(st.sampled_from(SOURCES)).splitlines(keepends=True)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """A real scenario with one textual mutation."""
    lines = _lines(draw)
    i = draw(st.integers(0, len(lines) - 1))
    kind = draw(st.sampled_from(["drop", "duplicate", "truncate", "splice", "retype", "number", "duration",
                                 "indent", "char"]))
    if kind == "drop":
        del lines[i]
    elif kind == "duplicate":
        lines.insert(i, lines[i])
    elif kind == "truncate":
        return "".join(lines)[: draw(st.integers(0, sum(map(len, lines))))]
    elif kind == "splice":
        other = _lines(draw)
        return "".join(lines[:i] + other[draw(st.integers(0, len(other))):])
    elif kind == "retype":
        value = draw(st.sampled_from(["[]", "{}", "null", "yes", "3", "-1", "1.5", "'x'", "[a, b]", "~"]))
        lines[i] = lines[i].split(":", 1)[0] + f": {value}\n" if ":" in lines[i] else value + "\n"
    elif kind in ("number", "duration"):
        pattern = r"\d+" if kind == "number" else r"\d+[dhms]"
        import re
        new = draw(st.sampled_from(["0", "-5", "99999999", "1e9", "0.0001", ".5", "5 minutes", "10^9h", "0s"]))
        lines[i] = re.sub(pattern, new, lines[i], count=1)
    elif kind == "indent":
        lines[i] = draw(st.sampled_from([" ", "\t", "   "])) + lines[i]
    else:
        pos = draw(st.integers(0, len(lines[i])))
        ch = draw(st.sampled_from(list(":-[]{}&*!|>'\"#%@`,?\t\x00\x85\ufeff")))
        lines[i] = lines[i][:pos] + ch + lines[i][pos:]
    return "".join(lines)


@given(mutated())
def test_mutated_text(text: str) -> None:
    outcome(text)


@given(mutated(), st.sampled_from(["utf-8", "utf-16", "cp1258", "latin-1"]))
def test_mutated_bytes(text: str, encoding: str) -> None:
    outcome(text.encode(encoding, errors="replace"))


@given(st.binary(max_size=300))
def test_random_bytes(data: bytes) -> None:
    outcome(data)


@given(scenario_dicts())
def test_generated_scenarios_round_trip_through_yaml(data: dict[str, Any]) -> None:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    assert load_scenario_text(text) == Scenario.model_validate(data)


@pytest.mark.parametrize("text", ["", "a", "[", "{", "'", ":", "-", "&a", "*a", "!!", "%YAML 1.1\n---\n",
                                  "? [a]\n: 1\n", "~: 1\n", "1: 1\n", "a: !!binary aGk=\n", "a: !!set {x}\n",
                                  "<<: 1\n", "a: b\n<<: [1]\n", "--- |\n x\n"])
def test_tiny_inputs(text: str) -> None:
    assert outcome(text) is None
