"""Nothing a user made is overwritten without asking: every output file a command is given
(--json, --csv, --log) is refused when it exists, before any simulation runs, unless --force."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import run_cli

FIXTURE = Path(__file__).parent / "fixtures" / "report" / "hub.yaml"

COMMANDS = {
    "timeline --log": ["timeline", str(FIXTURE), "--log", "{out}"],
    "compare --json": ["compare", str(FIXTURE), "-n", "20", "--workers", "1", "--json", "{out}"],
    "analyze --json": ["analyze", str(FIXTURE), "-n", "20", "--workers", "1", "--json", "{out}"],
    "sweep --csv": [
        "sweep",
        str(FIXTURE),
        "--set",
        "agencies.ems.units=1..2",
        "-n",
        "20",
        "--workers",
        "1",
        "--csv",
        "{out}",
    ],
}


@pytest.mark.parametrize("name", COMMANDS)
def test_an_existing_output_is_kept_unless_forced(name: str, tmp_path: Path) -> None:
    out = tmp_path / "mine.txt"
    out.write_text("the trainer's own notes", encoding="utf-8")
    args = [a.replace("{out}", str(out)) for a in COMMANDS[name]]
    r = run_cli(*args)
    assert r.exit_code == 1, r.output
    assert "--force" in r.output and "Traceback" not in r.output
    assert out.read_text(encoding="utf-8") == "the trainer's own notes"
    r = run_cli(*args, "--force")
    assert r.exit_code == 0, r.output
    assert out.read_text(encoding="utf-8") != "the trainer's own notes"


@pytest.mark.slow  # builds a run, its report and its charts twice
def test_report_and_chart_keep_what_is_there_unless_forced(tmp_path: Path) -> None:
    run = tmp_path / "run"
    r = run_cli(
        "run",
        str(FIXTURE),
        "-n",
        "10",
        "--workers",
        "1",
        "--suggest",
        "0",
        "--out",
        str(run),
        "-q",
        "--format",
        "md",
    )
    assert r.exit_code == 0, r.output
    report = next(run.glob("after-action-report-*.md"))
    report.write_text("edited by the trainer", encoding="utf-8")
    r = run_cli("report", str(run), "--format", "md")
    assert r.exit_code == 1 and "--force" in r.output
    assert report.read_text(encoding="utf-8") == "edited by the trainer"
    assert run_cli("report", str(run), "--format", "md", "--force").exit_code == 0
    assert report.read_text(encoding="utf-8") != "edited by the trainer"

    mine = tmp_path / "figures"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine", encoding="utf-8")
    r = run_cli("chart", str(run), "--out", str(mine))
    assert r.exit_code == 1 and "--force" in r.output and not list(mine.glob("*.png"))
    assert run_cli("chart", str(run), "--out", str(mine), "--force").exit_code == 0
    assert list(mine.glob("*.png")) and (mine / "notes.txt").read_text(encoding="utf-8") == "mine"


WRITERS = {
    **COMMANDS,
    "msel export -o": ["msel", "export", str(FIXTURE), "--no-simulate", "-o", "{out}"],
    "msel import -o": ["msel", "import", "{msel}", "-o", "{out}"],
    "new": ["new", "--template", "bank", "{out}"],
    "schema --out": ["schema", "--out", "{out}"],
}


def _args(name: str, out: Path, msel: Path) -> list[str]:
    return [a.replace("{out}", str(out)).replace("{msel}", str(msel)) for a in WRITERS[name]]


@pytest.fixture(scope="module")
def msel_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("msel") / "msel.csv"
    r = run_cli("msel", "export", str(FIXTURE), "--no-simulate", "-o", str(path))
    assert r.exit_code == 0, r.output
    return path


@pytest.mark.parametrize("name", WRITERS)
def test_an_output_under_a_file_is_refused_before_any_work(
    name: str, tmp_path: Path, msel_csv: Path
) -> None:
    """Root may write anywhere, so the unwritable path is one whose 'folder' is a file."""
    blocker = tmp_path / "notes.txt"
    blocker.write_text("mine", encoding="utf-8")
    r = run_cli(*_args(name, blocker / "out.csv", msel_csv))
    assert r.exit_code == 1, r.output
    assert "cannot write" in r.output and "is a file, not a folder" in r.output
    assert "internal error" not in r.output and "Traceback" not in r.output
    assert blocker.read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize("name", ["msel export -o", "new", "schema --out", "timeline --log"])
def test_a_broken_link_is_never_replaced_nor_written_through(
    name: str, tmp_path: Path, msel_csv: Path
) -> None:
    link = tmp_path / "out.csv"
    link.symlink_to(tmp_path / "gone" / "target.csv")
    for force in ([], ["--force"]):
        r = run_cli(*_args(name, link, msel_csv), *force)
        assert r.exit_code == 1 and f"{link} is a symbolic link" in r.output, r.output
        assert link.is_symlink() and not (tmp_path / "gone").exists()


def test_a_failed_write_is_a_message_not_a_bug_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write that fails half-way (a full disk) is reported plainly and leaves nothing behind."""
    import errno
    import os

    def full(*_: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    out = tmp_path / "drill.yaml"
    r = run_cli("new", "--template", "bank", str(out))
    assert r.exit_code == 3, r.output
    assert (
        f"cannot use {out}: No space left on device" in r.output
        and "internal error" not in r.output
    )
    assert list(tmp_path.iterdir()) == []


def test_an_os_error_naming_a_file_exits_1_with_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import drillsim.runs.store as rio

    def denied(path: Path, data: object) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(rio, "write_atomic", denied)
    monkeypatch.setattr("drillsim.cli.new.write_atomic", denied)
    out = tmp_path / "drill.yaml"
    r = run_cli("new", "--template", "bank", str(out))
    assert r.exit_code == 1, r.output
    assert f"cannot use {out}: Permission denied" in r.output and "internal error" not in r.output


def test_msel_export_to_stdout_is_csv_without_asking() -> None:
    r = run_cli("msel", "export", str(FIXTURE), "--no-simulate", "-o", "-")
    assert r.exit_code == 0, r.output
    assert r.stdout.lstrip("\ufeff").startswith("Event No.")
    r = run_cli("msel", "export", str(FIXTURE), "--no-simulate", "-o", "-", "--format", "xlsx")
    assert r.exit_code == 2 and "stdout" in r.output


def test_schema_keeps_an_existing_file_unless_forced(tmp_path: Path) -> None:
    out = tmp_path / "s.json"
    out.write_text("mine", encoding="utf-8")
    assert run_cli("schema", "--out", str(out)).exit_code == 1
    assert out.read_text(encoding="utf-8") == "mine"
    assert run_cli("schema", "--out", str(out), "--force").exit_code == 0
    assert out.read_text(encoding="utf-8") != "mine"


def test_a_real_failed_write_names_the_users_path_not_a_temporary_file() -> None:
    """/proc passes the checks (a writable folder, even for root) but refuses to create a file:
    the write fails for real, and the message names the file asked for, not its temporary twin."""
    target = Path("/proc/drillsim-test.json")
    r = run_cli("schema", "--out", str(target))
    assert r.exit_code == 1, r.output
    assert f"cannot use {target}:" in r.stderr and ".tmp" not in r.stderr
