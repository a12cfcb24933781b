"""Damaged run folders, as a trainer's machine leaves them, are located errors (exit 1), never a
traceback, for every command that reads one: report, chart, analyze --results, compare --results.

One small real study is run per module; each test damages a copy of it the way it happens in an
office: a copy interrupted mid-file, another run's scenario.json copied in, a hand edit in a text
editor. A hypothesis fuzz then mutates the folder's JSON structurally.
"""

from __future__ import annotations

import json
import math
import random
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from hypothesis import given, settings
from hypothesis import strategies as st

from drillsim.analysis.model import ANALYSIS_VERSION
from tests.conftest import FIXTURES
from tests.helpers import run_cli

COMMANDS = {
    "report": lambda d: ["report", str(d), "--format", "md", "--force", "--lang", "en"],
    "chart": lambda d: ["chart", str(d), "--lang", "en"],
    "analyze": lambda d: ["analyze", "--results", str(d), "--suggest", "0"],
    "compare": lambda d: ["compare", "--results", str(d)],
}
READ_FILES = (
    "manifest.json",
    "scenario.json",
    "scenario.yaml",
    "analysis.json",
    "summaries",
    "logs",
)


def invoke(args: list[str], env: dict[str, str] | None = None) -> Result:
    """The CLI in-process, as a trainer's shell would run it."""
    return run_cli(*args, env=env)


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real run folder of the drill fixture: 20 replications, suggestions tested on 5."""
    out = tmp_path_factory.mktemp("study") / "run"
    r = invoke(
        [
            "run",
            str(FIXTURES / "drill.yaml"),
            "-n",
            "20",
            "--suggest",
            "5",
            "--out",
            str(out),
            "--no-report",
            "--workers",
            "1",
        ]
    )
    assert r.exit_code == 0, r.output
    assert (out / "analysis.json").is_file()
    return out


@pytest.fixture(scope="module")
def other_study(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Another scenario's run folder, whose scenario.json gets copied into the first."""
    out = tmp_path_factory.mktemp("other") / "run"
    r = invoke(
        [
            "run",
            str(FIXTURES / "border-gate.yaml"),
            "-n",
            "3",
            "--out",
            str(out),
            "--no-report",
            "--workers",
            "1",
        ]
    )
    assert r.exit_code == 0, r.output
    return out


def copy_run(src: Path, dest: Path) -> Path:
    """The files of a run folder that readers read (not the bulky report)."""
    dest.mkdir(parents=True)
    for name in READ_FILES:
        p = src / name
        if p.is_dir():
            shutil.copytree(p, dest / name)
        elif p.exists():
            shutil.copy2(p, dest / name)
    return dest


@pytest.fixture
def run_copy(study: Path, tmp_path: Path) -> Path:
    """A fresh copy of the study to damage."""
    return copy_run(study, tmp_path / "copy")


def assert_refused(result: Result, file: str, *words: str) -> None:
    """Exit 1, no traceback, and a message naming the file (and the given words)."""
    text = result.output
    assert result.exit_code == 1, (result.exit_code, text, result.exception)
    assert "Traceback" not in text and "internal error" not in text, text
    assert file in text, text
    for w in words:
        assert w in text, (w, text)


def test_whole_folder_reads(run_copy: Path) -> None:
    """The undamaged copy is read by every command (so a refusal below is the damage's doing)."""
    for name, args in COMMANDS.items():
        r = invoke(args(run_copy))
        assert r.exit_code == 0, (name, r.output)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_analysis_cut_short(run_copy: Path, command: str) -> None:
    """A copy of analysis.json interrupted mid-file: located at the line where it ends."""
    path = run_copy / "analysis.json"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    line = text[: len(text) // 2].count("\n") + 1
    assert_refused(
        invoke(COMMANDS[command](run_copy)), f"analysis.json:{line}:", "cut short", "re-run"
    )


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_scenario_json_of_another_run(run_copy: Path, other_study: Path, command: str) -> None:
    """Another run's scenario.json copied in: its hash differs from the manifest's."""
    shutil.copy2(other_study / "scenario.json", run_copy / "scenario.json")
    assert_refused(invoke(COMMANDS[command](run_copy)), "scenario.json", "belongs to another run")


EARLIER_HASH = "50c9e2d092f42f3365f235bc4435cfebbf4afb4be40d13cb6c9f6895951ce4de"
"""The manifest's scenario hash of the Lai Chau example run made by drillsim before the variant
change models gained every field of their base (commit e1cd923); its scenario.json is the fixture."""


def test_an_earlier_drillsims_scenario_json_still_proves_its_run(tmp_path: Path) -> None:
    """The hash is taken of the file as written, not of the scenario re-read by today's models:
    those write more (null) fields, so re-dumping would call a real earlier run another run's."""
    from drillsim.errors import ResultsFormatError
    from drillsim.runs.check import load_scenario
    from drillsim.scenario.model import Scenario
    from drillsim.sim.compile import content_hash, scenario_hash

    text = (FIXTURES / "earlier-run" / "scenario.json").read_text(encoding="utf-8")
    assert content_hash(json.loads(text)) == EARLIER_HASH
    assert (
        scenario_hash(Scenario.model_validate_json(text)) != EARLIER_HASH
    )  # what it used to check
    (tmp_path / "scenario.json").write_text(text, encoding="utf-8")
    assert load_scenario(tmp_path, EARLIER_HASH).scenario.id == "lai-chau-hydropower"
    edited = text.replace('"duty_officers": 2', '"duty_officers": 3', 1)
    assert edited != text
    (tmp_path / "scenario.json").write_text(edited, encoding="utf-8")
    with pytest.raises(ResultsFormatError, match="differs from the manifest"):
        load_scenario(tmp_path, EARLIER_HASH)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_summaries_cut_short(run_copy: Path, command: str) -> None:
    """A complete run whose summaries file was copied only halfway: the cut line is named."""
    path = run_copy / "summaries" / "base.jsonl"
    data = path.read_bytes()
    cut = data[: len(data) // 2]
    path.write_bytes(cut)
    line = cut.count(b"\n") + 1
    assert_refused(invoke(COMMANDS[command](run_copy)), f"base.jsonl:{line}:", "cut short")


def _set(obj: Any, keys: list[Any], value: Any) -> None:
    for k in keys[:-1]:
        obj = obj[k]
    if value is DELETE:
        del obj[keys[-1]]
    else:
        obj[keys[-1]] = value


DELETE = object()

MANIFEST_EDITS = [
    (["seed"], "42", "seed"),
    (["replications"], [20], "replications"),
    (["completed"], [], "completed"),
    (["variants"], DELETE, "variants"),
    (["status"], "done", "status"),
    (["failures"], [{"seed": 1}], "failures[0]"),
    (["workers"], True, "workers"),
    (["replications"], -5, "replications"),
]
SUMMARY_EDITS = [
    (["end_time"], "3600", "end_time"),
    (["objectives"], {}, "objectives"),
    (["alerted"], DELETE, "alerted"),
    (["objectives", 0, "time"], float("nan"), "objectives[0].time"),
    (["end_time"], float("inf"), "end_time"),
    (["end_time"], 1e300, "end_time"),  # finite, but a sum of two is not
    (["objectives", 0, "met"], 1, "objectives[0].met"),
    (["desks", 0, "served"], 2.5, "desks[0].served"),
    (["objectives"], [], "objectives"),  # one objective per scenario objective
    (["objectives", 0, "parts", 0, 0], "travel", "objectives[0].parts[0][0]"),  # no '@place'
]
ANALYSIS_EDITS = [
    (["findings"], {}, "findings"),
    (["suggestions", 0, "gain"], "0.2", "suggestions[0].gain"),
    (["structure", "betweenness"], [], "structure.betweenness"),
    (["findings", 0, "title"], DELETE, "findings[0].title"),
    (
        ["findings", 0, "evidence_parts"],
        [["no-such-evidence", "x"]],
        "findings[0].evidence_parts[0]",
    ),
    (
        ["suggestions", 0, "message"],
        "mobilisation",
        "suggestions[0].message",
    ),  # a finding's message
]


def _edit_json(path: Path, keys: list[Any], value: Any) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    _set(data, keys, value)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")


def _edit_line(path: Path, line: int, keys: list[Any], value: Any) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    data = json.loads(lines[line - 1])
    _set(data, keys, value)
    lines[line - 1] = json.dumps(data)  # NaN and Infinity as Python's json writes them
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("keys", "value", "field"),
    MANIFEST_EDITS,
    ids=[e[2] + "-" + str(i) for i, e in enumerate(MANIFEST_EDITS)],
)
@pytest.mark.parametrize("command", ["report", "analyze", "compare"])
def test_manifest_hand_edits(
    run_copy: Path, keys: list[Any], value: Any, field: str, command: str
) -> None:
    """A manifest edited in a text editor: the field is named."""
    _edit_json(run_copy / "manifest.json", keys, value)
    assert_refused(invoke(COMMANDS[command](run_copy)), "manifest.json", f"error: {field}")


@pytest.mark.parametrize(
    ("keys", "value", "field"),
    SUMMARY_EDITS,
    ids=[e[2] + "-" + str(i) for i, e in enumerate(SUMMARY_EDITS)],
)
@pytest.mark.parametrize("command", ["report", "analyze", "compare"])
def test_summary_hand_edits(
    run_copy: Path, keys: list[Any], value: Any, field: str, command: str
) -> None:
    """A summary line edited by hand (line 7), NaN and infinite times included: line and field named."""
    _edit_line(run_copy / "summaries" / "base.jsonl", 7, keys, value)
    where = "base.jsonl" if keys == ["objectives"] and value == [] else "base.jsonl:7:"
    assert_refused(invoke(COMMANDS[command](run_copy)), where, field)


@pytest.mark.parametrize(
    ("keys", "value", "field"), ANALYSIS_EDITS, ids=[e[2] for e in ANALYSIS_EDITS]
)
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_analysis_hand_edits(
    run_copy: Path, keys: list[Any], value: Any, field: str, command: str
) -> None:
    """analysis.json edited by hand: refused by every reader, report and chart (which use it) and
    analyze and compare (which check it, so that they do not answer as if nothing were wrong)."""
    if keys[0] == "suggestions":
        assert json.loads((run_copy / "analysis.json").read_text(encoding="utf-8"))["suggestions"]
    _edit_json(run_copy / "analysis.json", keys, value)
    assert_refused(invoke(COMMANDS[command](run_copy)), "analysis.json", field)


def _report_text(run: Path) -> dict[str, str]:
    r = invoke(COMMANDS["report"](run))
    assert r.exit_code == 0, r.output
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(run.rglob("*.md"))}


def test_an_analysis_written_before_versions_reads_the_same(run_copy: Path) -> None:
    """An analysis.json of version 0 (no format nor version key) gives the same report."""
    path = run_copy / "analysis.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert (data["format"], data["version"]) == ("drillsim-analysis", ANALYSIS_VERSION)
    now = _report_text(run_copy)
    assert now and any("##" in text for text in now.values())
    del data["format"], data["version"]
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    assert _report_text(run_copy) == now


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_an_analysis_of_a_newer_version_is_refused_with_how_to_rebuild_it(
    run_copy: Path, command: str
) -> None:
    _edit_json(run_copy / "analysis.json", ["version"], ANALYSIS_VERSION + 1)
    assert_refused(
        invoke(COMMANDS[command](run_copy)),
        "analysis.json",
        "error: version:",
        f"analysis format version {ANALYSIS_VERSION + 1}",
        f"reads versions up to {ANALYSIS_VERSION}",
        "drillsim analyze --results",
    )


@pytest.mark.parametrize(
    ("key", "value"), [("version", "1"), ("version", -1), ("format", "drillsim-results")]
)
def test_an_analysis_with_a_bad_format_or_version_is_refused(
    run_copy: Path, key: str, value: Any
) -> None:
    _edit_json(run_copy / "analysis.json", [key], value)
    assert_refused(
        invoke(COMMANDS["report"](run_copy)), "analysis.json", f"error: {key}:", "--results"
    )


def test_replication_twice(run_copy: Path) -> None:
    """A summaries file with one line pasted twice (and the manifest's count edited to match)."""
    path = run_copy / "summaries" / "base.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines[:-1], lines[0]]) + "\n", encoding="utf-8")
    assert_refused(
        invoke(COMMANDS["analyze"](run_copy)), "base.jsonl", "replication 0 appears twice"
    )


def test_huge_integer_in_manifest(run_copy: Path) -> None:
    """An integer of 5,000 digits (over Python's integer-string limit) in the manifest."""
    path = run_copy / "manifest.json"
    path.write_text(
        re.sub(r'"seed": \d+', '"seed": ' + "9" * 5000, path.read_text(encoding="utf-8")),
        encoding="utf-8",
    )
    assert_refused(invoke(COMMANDS["analyze"](run_copy)), "manifest.json")


@pytest.mark.parametrize(
    ("variable", "file"),
    [
        ("DRILLSIM_MAX_SUMMARIES_BYTES", "base.jsonl"),
        ("DRILLSIM_MAX_ANALYSIS_BYTES", "analysis.json"),
        ("DRILLSIM_MAX_MANIFEST_BYTES", "manifest.json"),
        ("DRILLSIM_MAX_SCENARIO_JSON_BYTES", "scenario.json"),
    ],
)
def test_size_limits(run_copy: Path, variable: str, file: str) -> None:
    """Each file kind's limit is checked before loading, named, and says how to raise it."""
    r = invoke(COMMANDS["report"](run_copy), env={variable: "100"})
    assert_refused(r, file, "over the 100-byte limit", f"{variable}=")


# ---------------------------------------------------------------- fuzz

JSON_FILES = ("manifest.json", "scenario.json", "analysis.json", "summaries/base.jsonl")
REPLACEMENTS = [
    "",
    "1",
    1,
    -1,
    0.5,
    True,
    None,
    [],
    {},
    [1, "x"],
    {"a": 1},
    math.nan,
    math.inf,
    10**30,
    "x" * 300,
]
"""What a retyped value becomes: wrong types, out-of-range numbers, NaN, infinity, long text."""


def _paths(obj: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every key path in a JSON value."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield (*prefix, k)
            yield from _paths(v, (*prefix, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield (*prefix, i)
            yield from _paths(v, (*prefix, i))


def _mutate(data: Any, rnd: random.Random) -> Any:
    """Delete, duplicate or retype one key anywhere in ``data``."""
    paths = list(_paths(data))
    if not paths:
        return rnd.choice(REPLACEMENTS)
    path = rnd.choice(paths)
    parent = data
    for k in path[:-1]:
        parent = parent[k]
    how, key = rnd.choice(["delete", "duplicate", "retype"]), path[-1]
    if how == "delete":
        del parent[key]
    elif how == "duplicate" and isinstance(parent, list):
        parent.insert(key, parent[key])
    elif how == "duplicate":
        parent[f"{key}_copy"] = parent[key]
    else:
        parent[key] = rnd.choice(REPLACEMENTS)
    return data


@st.composite
def damage(draw: Callable[[Any], Any]) -> tuple[str, Callable[[Path], None]]:
    """One structural damage of one file of a run folder (a function applying it)."""
    name = draw(st.sampled_from(JSON_FILES))
    kind = draw(st.sampled_from(["mutate", "mutate", "truncate", "nan"]))
    cut = draw(st.floats(0, 1))
    line_pick = draw(st.integers(0, 10**6))
    rnd = draw(st.randoms(use_true_random=False))

    def apply(root: Path) -> None:
        path = root / name
        text = path.read_text(encoding="utf-8")
        if kind == "truncate":
            path.write_text(text[: int(len(text) * cut)], encoding="utf-8")
        elif kind == "nan":
            path.write_text(
                re.sub(r"(?<=: )\d+\.\d+", "NaN", text, count=1 + line_pick % 3), encoding="utf-8"
            )
        elif name.endswith(".jsonl"):
            lines = text.splitlines()
            i = line_pick % len(lines)
            lines[i] = json.dumps(_mutate(json.loads(lines[i]), rnd))
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        else:
            data = _mutate(json.loads(text), rnd)
            path.write_text(json.dumps(data, indent=2), encoding="utf-8")

    return f"{kind} {name}", apply


FUZZ_EXAMPLES = max(20, settings.default.max_examples // 2)
"""Half the profile's examples: 25 under ``ci`` (each is a whole CLI call), 1,000 under ``thorough``."""


@settings(max_examples=FUZZ_EXAMPLES, deadline=None)
@given(
    hurt=damage(),
    command=st.sampled_from(["analyze", "analyze", "compare", "compare", "report", "chart"]),
)
def test_fuzz_run_folder(
    study: Path,
    tmp_path_factory: pytest.TempPathFactory,
    hurt: tuple[str, Callable[[Path], None]],
    command: str,
) -> None:
    """No structural damage of a run folder makes a reader crash: exit 0 or 1, never 3 or a traceback."""
    root = copy_run(study, tmp_path_factory.mktemp("fuzz") / "run")
    hurt[1](root)
    r = invoke(COMMANDS[command](root))
    assert r.exit_code in (0, 1), (hurt[0], command, r.exit_code, r.output, r.exception)
    assert "Traceback" not in r.output and "internal error" not in r.output, (hurt[0], r.output)
    if r.exit_code == 1:
        assert any(
            f in r.output
            for f in (
                "manifest.json",
                "scenario.json",
                "analysis.json",
                "base.jsonl",
                "no finished replications",
            )
        ), r.output
