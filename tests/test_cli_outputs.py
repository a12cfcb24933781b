"""Nothing a user made is overwritten without asking: every output file a command is given
(--json, --csv, --log) is refused when it exists, before any simulation runs, unless --force."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from drillsim.cli import cli

FIXTURE = Path(__file__).parent / "fixtures" / "report" / "hub.yaml"

COMMANDS = {
    "run --log": ["run", str(FIXTURE), "--log", "{out}"],
    "compare --json": ["compare", str(FIXTURE), "-n", "20", "--workers", "1", "--json", "{out}"],
    "analyze --json": ["analyze", str(FIXTURE), "-n", "20", "--workers", "1", "--json", "{out}"],
    "sweep --csv": ["sweep", str(FIXTURE), "--set", "agencies.ems.units=1..2", "-n", "20", "--workers", "1",
                    "--csv", "{out}"],
}


@pytest.mark.parametrize("name", COMMANDS)
def test_an_existing_output_is_kept_unless_forced(name: str, tmp_path: Path) -> None:
    out = tmp_path / "mine.txt"
    out.write_text("the trainer's own notes", encoding="utf-8")
    args = [a.replace("{out}", str(out)) for a in COMMANDS[name]]
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 1, r.output
    assert "--force" in r.output and "Traceback" not in r.output
    assert out.read_text(encoding="utf-8") == "the trainer's own notes"
    r = CliRunner().invoke(cli, [*args, "--force"])
    assert r.exit_code == 0, r.output
    assert out.read_text(encoding="utf-8") != "the trainer's own notes"


def test_report_and_chart_keep_what_is_there_unless_forced(tmp_path: Path) -> None:
    run = tmp_path / "run"
    r = CliRunner().invoke(cli, ["run", str(FIXTURE), "-n", "10", "--workers", "1", "--suggest", "0",
                                 "--out", str(run), "-q", "--format", "md"])
    assert r.exit_code == 0, r.output
    report = next(run.glob("after-action-report-*.md"))
    report.write_text("edited by the trainer", encoding="utf-8")
    r = CliRunner().invoke(cli, ["report", str(run), "--format", "md"])
    assert r.exit_code == 1 and "--force" in r.output
    assert report.read_text(encoding="utf-8") == "edited by the trainer"
    assert CliRunner().invoke(cli, ["report", str(run), "--format", "md", "--force"]).exit_code == 0
    assert report.read_text(encoding="utf-8") != "edited by the trainer"

    mine = tmp_path / "figures"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine", encoding="utf-8")
    r = CliRunner().invoke(cli, ["chart", str(run), "--out", str(mine)])
    assert r.exit_code == 1 and "--force" in r.output and not list(mine.glob("*.png"))
    assert CliRunner().invoke(cli, ["chart", str(run), "--out", str(mine), "--force"]).exit_code == 0
    assert list(mine.glob("*.png")) and (mine / "notes.txt").read_text(encoding="utf-8") == "mine"
