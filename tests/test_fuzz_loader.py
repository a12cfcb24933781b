"""Fuzzing the loader: mutated scenario files give a Scenario or a located ScenarioError, nothing else."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml
from conftest import FIXTURES, SCENARIOS
from hypothesis import given
from hypothesis import strategies as st
from strategies import scenario_dicts

from drillsim.errors import ScenarioError
from drillsim.scenario.loader import load_scenario_text
from drillsim.scenario.model import Scenario

SOURCES = [
    p.read_text("utf-8")
    for p in [
        FIXTURES / "drill.yaml",
        FIXTURES / "report" / "hub.yaml",
        *sorted(SCENARIOS.glob("*.yaml")),
    ]
]


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
    kind = draw(
        st.sampled_from(
            [
                "drop",
                "duplicate",
                "truncate",
                "splice",
                "retype",
                "number",
                "duration",
                "indent",
                "char",
            ]
        )
    )
    if kind == "drop":
        del lines[i]
    elif kind == "duplicate":
        lines.insert(i, lines[i])
    elif kind == "truncate":
        return "".join(lines)[: draw(st.integers(0, sum(map(len, lines))))]
    elif kind == "splice":
        other = _lines(draw)
        return "".join(lines[:i] + other[draw(st.integers(0, len(other))) :])
    elif kind == "retype":
        value = draw(
            st.sampled_from(["[]", "{}", "null", "yes", "3", "-1", "1.5", "'x'", "[a, b]", "~"])
        )
        lines[i] = lines[i].split(":", 1)[0] + f": {value}\n" if ":" in lines[i] else value + "\n"
    elif kind in ("number", "duration"):
        pattern = r"\d+" if kind == "number" else r"\d+[dhms]"
        import re

        new = draw(
            st.sampled_from(
                ["0", "-5", "99999999", "1e9", "0.0001", ".5", "5 minutes", "10^9h", "0s"]
            )
        )
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


@pytest.mark.parametrize(
    "text",
    [
        "",
        "a",
        "[",
        "{",
        "'",
        ":",
        "-",
        "&a",
        "*a",
        "!!",
        "%YAML 1.1\n---\n",
        "? [a]\n: 1\n",
        "~: 1\n",
        "1: 1\n",
        "a: !!binary aGk=\n",
        "a: !!set {x}\n",
        "<<: 1\n",
        "a: b\n<<: [1]\n",
        "--- |\n x\n",
    ],
)
def test_tiny_inputs(text: str) -> None:
    assert outcome(text) is None


# -- structural mutations, through validate and one replication ----------------------------------

EXAMPLES = [yaml.safe_load(p.read_text("utf-8")) for p in sorted(SCENARIOS.glob("*.yaml"))]
"""The example scenarios as plain data: the mutations work on nodes, not on lines of text."""

_BIG = "__BIG_NUMBER__"
"""Stands for a number YAML can hold but Python cannot print; replaced after dumping."""

ODD_VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    1,
    2**63,
    -(2**63),
    10**30,
    1e308,
    -1e308,
    1e-308,
    5e-324,
    float("nan"),
    float("inf"),
    0.5,
    1.0000001,
    "",
    " ",
    "x",
    "0s",
    "-0s",
    "29d",
    "30d",
    "31d",
    "0.00000000000000000001s",
    "1e9h",
    "99999999999999999999h",
    "5 m",
    "1h30m",
    "H+0:05",
    [],
    {},
    [[]],
    [{}],
    {"a": None},
    {"fixed": "1m"},
    {"uniform": ["5m", "1m"]},
    {"triangular": ["1m", "0s", "2m"]},
    {"exponential": "0s"},
    {"lognormal": {"median": "0.00000000000000000001s", "p90": "29d"}},
    {"lognormal": {"median": "1s", "p90": "999s"}},
    {"empirical": []},
    {"empirical": ["1m"] * 50},
    "\x01",
    "\0",
    "\x1b]0;title\x07",
    "\ufffe",
    "\u202eevil",
    "<script>alert(1)</script>",
    "=1+1",
    "＝1+1",
    "名字",
    "Tên đơn vị",
    "a" * 5_000,
    "a" * 30_000,
    _BIG,
]
"""Huge, tiny, non-finite, wrongly shaped and odd values a trainer's tool could put anywhere."""


def _nodes(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path into ``data`` (keys and indices), the root first."""
    out = [path]
    if isinstance(data, dict):
        for k, v in data.items():
            out += _nodes(v, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _nodes(v, (*path, i))
    return out


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for p in path:
        data = data[p]
    return data


def _mutate(draw: st.DrawFn, data: Any) -> Any:
    """One structural mutation: delete, duplicate, retype or swap a node, or rename a key."""
    paths = _nodes(data)
    path = draw(st.sampled_from(paths))
    kind = draw(st.sampled_from(["delete", "duplicate", "retype", "swap", "rename", "wrap"]))
    if not path:
        return draw(st.sampled_from(ODD_VALUES)) if kind == "retype" else data
    parent, key = _get(data, path[:-1]), path[-1]
    if kind == "delete":
        del parent[key]
    elif kind == "duplicate" and isinstance(parent, list):
        parent.insert(key, copy.deepcopy(parent[key]))
    elif kind == "duplicate":
        parent[f"{key}_copy"] = copy.deepcopy(parent[key])
    elif kind == "retype":
        parent[key] = copy.deepcopy(draw(st.sampled_from(ODD_VALUES)))
    elif kind == "swap":
        other = draw(st.sampled_from(paths))
        if other and other[: len(path)] != path and path[: len(other)] != other:
            a, b = copy.deepcopy(_get(data, other)), copy.deepcopy(parent[key])
            parent[key] = a
            _get(data, other[:-1])[other[-1]] = b
    elif kind == "rename" and isinstance(parent, dict):
        parent[
            draw(st.sampled_from(["id", "from", "to", "x", "", "agencies", "variants", "?"]))
        ] = parent.pop(key)
    elif kind == "wrap":
        parent[key] = [parent[key]] if draw(st.booleans()) else {"fixed": parent[key]}
    return data


@st.composite
def structurally_mutated(draw: st.DrawFn) -> str:
    """An example scenario with one to three structural mutations, as YAML text."""
    data = copy.deepcopy(draw(st.sampled_from(EXAMPLES)))
    for _ in range(draw(st.integers(1, 3))):
        data = _mutate(draw, data)
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's emitter: 1 s less an example
    text = yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False, width=10**9)
    return text.replace(_BIG, "9" * draw(st.sampled_from([4_299, 4_301, 6_000])))


def survives(text: str) -> None:
    """``validate``, then one replication of the base and of each variant when valid: any refusal is a
    DrillsimError of exit code 1 whose text renders (no exit 3, no traceback); the run ends."""
    from drillsim.errors import DrillsimError
    from drillsim.scenario.variants import apply_variant
    from drillsim.sim.compile import compile_scenario
    from drillsim.sim.engine import run_replication

    try:
        scenario = load_scenario_text(text, "fuzz.yaml")
    except DrillsimError as exc:
        assert exc.exit_code == 1, exc.render()
        assert "Traceback" not in exc.render()
        return
    for variant in [None, *scenario.variants]:
        try:
            sc = scenario if variant is None else apply_variant(scenario, variant)
        except DrillsimError as exc:
            assert exc.exit_code == 1, exc.render()
            continue
        result = run_replication(compile_scenario(sc, max_events=20_000), seed=1, replication=0)
        assert result.ended_by


@pytest.mark.timeout(1800)
@given(structurally_mutated())
def test_structural_mutations_validate_and_run(text: str) -> None:
    survives(text)


@pytest.mark.parametrize(
    "data",
    [
        "\x00scenario: x\n".encode("utf-16"),
        b"\xff\xfe\x00\x00\x01",
        b"\xfe\xff\xd8\x00",
        b"\xff\xfe\x00\x00" + "a: 1".encode("utf-32-le"),
    ],
)
def test_byte_order_marks_that_lie_are_located(data: bytes) -> None:
    """Found by the long fuzz run: a UTF-16 file whose first character is NUL starts FF FE 00 00,
    UTF-32-LE's mark; it is read as UTF-16 (and its NUL refused at 1:1), never left unlocated."""
    assert outcome(data) is None  # outcome checks that every error has a line
