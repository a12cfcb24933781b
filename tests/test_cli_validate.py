"""``drillsim validate`` through CliRunner: exit codes, exact stdout and stderr lines, help texts."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import BAD, FIXTURES, SCENARIOS

from tests.helpers import run_cli

DRILL = FIXTURES / "drill.yaml"


def invoke(*args: str) -> tuple[int, str, str]:
    result = run_cli(*list(args))
    return result.exit_code, result.stdout, result.stderr


def test_valid_file_summary() -> None:
    code, out, err = invoke("validate", str(DRILL))
    assert code == 0 and err == ""
    assert out == (
        f"{DRILL}: valid: 4 agencies, 3 links, 1 injects, 4 tasks, 3 objectives, 2 variants, "
        "horizon 4h\n"
    )


def test_warnings_are_printed_and_exit_zero(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(DRILL.read_text("utf-8").replace("within: 90m", "within: 5h"), "utf-8")
    code, out, err = invoke("validate", str(path))
    assert code == 0
    assert out.endswith("horizon 4h (1 warning(s))\n")
    assert err.splitlines() == [
        (
            f"{path}:67:13: warning: objectives[2] (triage-red).within: the target 5h is longer than the horizon 4h, "
            "so a miss is never seen"
        ),
        "    hint: raise scenario.horizon or shorten the target",
    ]


def test_mixed_files_exit_one_and_report_each(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BAD)
    code, out, err = invoke("validate", str(DRILL), "05-unknown-field.yaml", "21-empty.yaml")
    assert code == 1
    assert out.startswith(f"{DRILL}: valid: ")
    assert err.splitlines() == [
        "05-unknown-field.yaml:28:5: error: agencies[2] (swat).untis: unknown field 'untis'",
        "    hint: did you mean 'units'?",
        "1 error(s), 0 warning(s)",
        (
            "21-empty.yaml:1:1: error: the file is empty; a scenario needs at least the sections scenario, target, "
            "agencies and incidents"
        ),
        "    hint: start from an example in scenarios/ or see docs/scenario-format.md",
        "1 error(s), 0 warning(s)",
        "2 of 3 file(s) invalid",
    ]


def test_missing_file_is_a_usage_error() -> None:
    code, _, err = invoke("validate", "no-such-file.yaml")
    assert code == 2 and "does not exist" in err


def test_no_file_is_a_usage_error() -> None:
    assert invoke("validate")[0] == 2


@pytest.mark.parametrize("command", ["validate", "schema"])
def test_help_has_an_example(command: str) -> None:
    code, out, _ = invoke(command, "--help")
    assert code == 0 and "Example:" in out and f"drillsim {command}" in out


EXAMPLES = sorted(SCENARIOS.glob("*.yaml"))


@pytest.mark.parametrize("path", EXAMPLES or [None], ids=[p.name for p in EXAMPLES] or ["none-yet"])
def test_example_scenarios_validate(path: Path | None) -> None:
    if path is None:
        pytest.skip("scenarios/*.yaml does not exist yet (written in parallel)")
    code, out, err = invoke("validate", str(path))
    assert code == 0, err
    assert out.startswith(f"{path}: valid: ")
