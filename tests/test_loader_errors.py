"""Bad scenario files: every one gives exit 1, a located message, no traceback, quickly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BAD, BAD_INPUTS, FIXTURES

from drillsim.errors import ScenarioError
from drillsim.scenario.loader import load_scenario, load_scenario_text, load_scenario_with_warnings
from tests.helpers import english, run_cli

CASES = sorted(BAD.glob("*.yaml"))
TRIED, CRASHED = BAD_INPUTS["tried"], BAD_INPUTS["crashed"]


def expected(path: Path) -> tuple[int, list[str]]:
    lines = path.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("exit: ")
    return int(lines[0].split()[1]), [line for line in lines[1:] if line]


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 40
    assert all(c.with_suffix(".expected").exists() for c in CASES)


@pytest.mark.timeout(10)
@pytest.mark.parametrize("path", CASES, ids=[c.stem for c in CASES])
def test_bad_scenario(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BAD)
    TRIED.append(path.name)
    result = run_cli("validate", path.name)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        CRASHED.append(path.name)
    code, lines = expected(path)
    assert "Traceback" not in result.output
    assert result.exit_code == code, result.output
    stderr = result.stderr.splitlines()
    for line in lines:
        assert line in stderr
    assert result.stdout == ""


@pytest.mark.parametrize("path", CASES, ids=[c.stem for c in CASES])
def test_every_error_is_located(path: Path) -> None:
    """The library raises only ScenarioError, and each error names at least its line (or the file)."""
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.errors
    for p in info.value.errors:
        assert p.file == str(path)
        assert p.line is not None or "bytes, over the limit" in p.message


def run_process(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "drillsim", *english(args)],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        check=False,
    )


@pytest.mark.timeout(30)
def test_huge_file_refused_before_reading(tmp_path: Path) -> None:
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as f:
        f.write(b"scenario:\n")
        f.truncate(50 * 1024 * 1024)
    TRIED.append(huge.name)
    result = run_process("validate", str(huge))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert (
        f"{huge}: error: the file is 52,428,800 bytes, over the limit of 10,485,760 bytes"
        in result.stderr
    )
    assert "DRILLSIM_MAX_SCENARIO_BYTES" in result.stderr


@pytest.mark.timeout(30)
def test_binary_file_as_subprocess() -> None:
    TRIED.append("binary (subprocess)")
    result = run_process("validate", "52-binary.yaml", cwd=BAD)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "52-binary.yaml:3: error: this is a binary file" in result.stderr


def test_size_limit_can_be_raised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DRILLSIM_MAX_SCENARIO_BYTES", "100")
    with pytest.raises(ScenarioError) as info:
        load_scenario(FIXTURES / "drill.yaml")
    assert "over the limit of 100 bytes" in info.value.render()
    monkeypatch.setenv("DRILLSIM_MAX_SCENARIO_BYTES", str(10**8))
    assert load_scenario(FIXTURES / "drill.yaml").scenario.id == "plant-hostage"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-be", "utf-32"])
def test_unicode_with_bom_is_accepted(tmp_path: Path, encoding: str) -> None:
    text = (FIXTURES / "drill.yaml").read_text(encoding="utf-8")
    path = tmp_path / "drill.yaml"
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    path.write_bytes(data)
    s = load_scenario(path)
    assert s.scenario.title == "Diễn tập: con tin tại nhà máy thủy điện"


def test_warnings_are_returned_not_lost() -> None:
    text = (
        (FIXTURES / "drill.yaml").read_text(encoding="utf-8").replace("within: 90m", "within: 5h")
    )
    path = FIXTURES / "drill.yaml"
    s, warnings = load_scenario_with_warnings(path)
    assert warnings == [] and s.scenario.id == "plant-hostage"
    from drillsim.scenario.loader import load_scenario_text_with_warnings

    _, warnings = load_scenario_text_with_warnings(text, "x.yaml")
    assert [w.format().splitlines()[0] for w in warnings] == [
        (
            "x.yaml:67:13: warning: objectives[2] (triage-red).within: the target 5h is longer than the horizon 4h, "
            "so a miss is never seen"
        )
    ]


def test_all_errors_at_once_in_file_order() -> None:
    text = (FIXTURES / "drill.yaml").read_text(encoding="utf-8")
    text = (
        text.replace("    units: 3\n", "    untis: 3\n")
        .replace("seed: 11", "seed: -1")
        .replace("reliability: 0.9", "reliability: 2")
    )
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text, "d.yaml")
    lines = [p.line for p in info.value.problems]
    assert len(lines) == 3 and lines == sorted(lines)


def test_all_semantic_errors_at_once() -> None:
    text = (FIXTURES / "drill.yaml").read_text(encoding="utf-8")
    text = text.replace("to: [swat, ems]", "to: [swat, emz]").replace(
        "after: [cordon]}", "after: [cordn]}"
    )
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text, "d.yaml")
    messages = [p.message for p in info.value.errors]
    assert messages[:2] == ["unknown agency 'emz'", "unknown task 'cordn'"]
    # Follow-on errors are true of the file as written: with the typo, nothing links to ems.
    assert "ems can never be alerted: no link leads to it and it detects no incident" in messages


def test_missing_field_points_at_the_mapping() -> None:
    text = (
        (FIXTURES / "drill.yaml")
        .read_text(encoding="utf-8")
        .replace("    detected_by: plant_security\n", "")
    )
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text, "d.yaml")
    (p,) = info.value.errors
    assert (p.line, p.column, p.path) == (43, 5, "incidents[0] (hostage).detected_by")


def test_merge_keys_and_aliases_work() -> None:
    text = (FIXTURES / "drill.yaml").read_text(encoding="utf-8")
    text = text.replace("    units: 3\n", "    units: &n 3\n").replace(
        "{id: cordon, by: swat, units: 2,", "{id: cordon, by: swat, units: *n,"
    )
    assert load_scenario_text(text).task("cordon").units == 3


def test_recursive_alias_is_refused() -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario_text("a: &a [*a]\n")
    assert "(a loop)" in info.value.render()


@pytest.mark.timeout(10)
def test_wide_alias_bomb_is_fast() -> None:
    lines = ["a: &a [" + ", ".join(["x"] * 100) + "]"]
    lines += [f"{c}: &{c} [" + ", ".join([f"*{p}"] * 100) + "]" for p, c in zip("abcd", "bcde")]
    with pytest.raises(ScenarioError) as info:
        load_scenario_text("\n".join(lines) + "\n")
    assert "aliases expand to more than 100,000 values" in info.value.render()


def test_python_tags_never_construct(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    text = f"a: !!python/object/apply:os.system ['touch {marker}']\n"
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text)
    assert "the tag !!python/object/apply:os.system is not allowed" in info.value.render()
    assert not marker.exists()


def test_unreadable_path_is_a_scenario_error(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path / "missing.yaml")
    assert "cannot read the file" in info.value.render()


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        (
            "DRILLSIM_MAX_AGENCIES",
            "3",
            "agencies, over the limit of 3; set DRILLSIM_MAX_AGENCIES to raise it",
        ),
        ("DRILLSIM_MAX_LINKS", "2", "over the limit of 2; set DRILLSIM_MAX_LINKS to raise it"),
        ("DRILLSIM_MAX_AGENCIES", "many", "DRILLSIM_MAX_AGENCIES='many' is not a whole number"),
    ],
)
def test_agency_and_link_limits_refuse_and_can_be_raised(
    variable: str, value: str, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's limits: exit 1 with the way to raise them; raised, the same scenario runs."""
    args = ["timeline", str(FIXTURES / "drill.yaml"), "--seed", "1"]
    monkeypatch.setenv(variable, value)
    result = run_cli(*args)
    assert result.exit_code == 1 and message in result.stderr, result.output
    monkeypatch.setenv(variable, "100000")
    assert run_cli(*args).exit_code == 0


def test_replication_limit_refuses_before_simulating(tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = run_cli(
        "run",
        str(FIXTURES / "drill.yaml"),
        "-n",
        "50",
        "--max-replications",
        "10",
        "--out",
        str(out),
    )
    assert result.exit_code == 1 and "--max-replications" in result.stderr and not out.exists()
