"""--force replaces only what drillsim made and can prove it made; nothing else is ever destroyed.

The cases are the ones a trainer's machine produces: a web application's folder with its own
manifest.json, a rerun that reads its scenario from the run folder it replaces, --log /dev/null,
links, two studies started into one folder, and a study stopped by an exception or by SIGTERM.
Every refusal is exit 1 (README: an output that would overwrite earlier work or cannot be written).
"""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drillsim import files, folders, stopping
from drillsim.errors import InputError, OutputExistsError
from drillsim.files import write_atomic, write_atomic_with
from drillsim.runs.store import prepare_dir, read_manifest, read_run
from drillsim.scenario.variants import BASE
from drillsim.stopping import Stopped, handle_stop_signals
from tests.helpers import run_cli, run_study

FIXTURE = Path(__file__).parent / "fixtures" / "report" / "hub.yaml"


def run(*args: object, lang: str | None = "en") -> object:
    return run_cli(*args, lang=lang)


def says(stderr: str, english: str, vietnamese: str) -> bool:
    """The refusal in English, or in Vietnamese: the fixture's language, which a command speaks
    once it has read the scenario (``--lang en`` is not given: it would also change what is
    written, ``charts-en/`` beside ``charts/``)."""
    return english in stderr or vietnamese in stderr


def snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every entry under ``folder`` (not following links) with its bytes or link target."""
    out: dict[str, bytes | str] = {}
    for p in sorted(folder.rglob("*")):
        rel = str(p.relative_to(folder))
        if p.is_symlink():
            out[rel] = "-> " + os.readlink(p)
        elif p.is_file():
            out[rel] = p.read_bytes()
        else:
            out[rel] = "dir"
    return out


@pytest.fixture(scope="module")
def earlier_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished run folder with its report, to copy for each test."""
    out = tmp_path_factory.mktemp("earlier") / "run"
    r = run_study(FIXTURE, out, "--format", "md", lang=None)  # vi: charts/
    assert r.exit_code == 0, r.output
    return out


@pytest.fixture
def run_dir(earlier_run: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "RUN"
    shutil.copytree(earlier_run, copy, symlinks=True)
    return copy


def test_a_web_applications_folder_with_a_manifest_survives_force(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "manifest.json").write_text(
        '{"name": "duty roster", "start_url": "/"}', encoding="utf-8"
    )
    (site / "index.js").write_text("console.log('roster')\n", encoding="utf-8")
    before = snapshot(site)
    for extra in ([], ["--force"]):
        r = run_study(FIXTURE, site, *extra)
        assert r.exit_code == 1, r.output
        assert (
            f"{site} already holds files drillsim did not make (index.js, manifest.json)"
            in r.stderr
        )
        assert "never replaced, even with --force" in r.stderr and "Traceback" not in r.output
        assert snapshot(site) == before  # not even a lock or marker file was left in it


def test_an_older_drillsim_run_without_a_file_list_is_not_replaced(run_dir: Path) -> None:
    (run_dir / folders.MARKER).unlink()
    before = snapshot(run_dir)
    r = run_study(FIXTURE, run_dir, "--force")
    assert r.exit_code == 1, r.output
    assert "holds a run of an older drillsim" in r.stderr and "delete it yourself" in r.stderr
    assert snapshot(run_dir) == before


def test_the_folder_the_scenario_is_read_from_is_refused_before_anything_is_removed(
    run_dir: Path,
) -> None:
    before = snapshot(run_dir)
    for extra in ([], ["--force"]):
        r = run(
            "run",
            run_dir / "scenario.yaml",
            "-n",
            "20",
            "--workers",
            "1",
            "-q",
            "--out",
            run_dir,
            *extra,
        )
        assert r.exit_code == 1, r.output
        assert (
            f"{run_dir} holds {run_dir / 'scenario.yaml'}, which this run reads: drillsim never replaces "
            "the folder an input is read from"
        ) in r.stderr
        assert snapshot(run_dir) == before


def test_force_replaces_an_earlier_run_file_by_file(run_dir: Path) -> None:
    (run_dir / "summaries" / "gone-variant.jsonl").write_text("{}\n", encoding="utf-8")
    listed = files.read_list(run_dir)
    assert listed is not None
    files.write_list(run_dir, [*listed["files"], "summaries/gone-variant.jsonl"], listed["folders"])
    (run_dir / ".manifest.json.k2j4h_9x.tmp").write_bytes(b"left by a killed run")
    r = run(
        "run",
        FIXTURE,
        "-n",
        "7",
        "--workers",
        "1",
        "-q",
        "--suggest",
        "0",
        "--no-report",
        "--out",
        run_dir,
        "--force",
    )
    assert r.exit_code == 0, r.output
    assert read_manifest(run_dir).replications == 7 and len(read_run(run_dir).summaries[BASE]) == 7
    left = {p.name for p in run_dir.iterdir()}
    assert "gone-variant.jsonl" not in os.listdir(
        run_dir / "summaries"
    )  # an earlier run's file, listed
    assert not any(n.endswith(".tmp") for n in left) and folders.LOCK not in left
    assert not list(run_dir.glob("after-action-report-*"))  # the old report went with its run


@pytest.mark.parametrize(
    "where", ["notes.txt", "charts/my-slide.png", "mine/slides.pptx", "summaries/x.jsonl"]
)
def test_a_file_drillsim_did_not_write_keeps_the_whole_folder(run_dir: Path, where: str) -> None:
    (run_dir / where).parent.mkdir(exist_ok=True)
    (run_dir / where).write_text("the trainer's", encoding="utf-8")
    before = snapshot(run_dir)
    r = run_study(FIXTURE, run_dir, "--force")
    assert r.exit_code == 1, r.output
    shown = (
        where
        if "/" not in where or where.startswith(("charts", "summaries"))
        else where.split("/")[0] + "/"
    )
    assert f"{run_dir} holds files drillsim did not write ({shown})" in r.stderr
    assert snapshot(run_dir) == before


@pytest.mark.parametrize("force", [[], ["--force"]], ids=["plain", "force"])
def test_log_to_dev_null_is_refused_and_dev_null_stays_a_device(force: list[str]) -> None:
    r = run("timeline", FIXTURE, "--log", "/dev/null", *force)
    assert r.exit_code == 1, r.output
    assert says(
        r.stderr,
        "/dev/null is a device, not a regular file; drillsim writes only regular files and never "
        "replaces a device, pipe or socket, even with --force: leave the option out",
        "/dev/null là thiết bị, không phải tệp thông thường; drillsim chỉ ghi tệp thông thường và "
        "không bao giờ thay thế thiết bị, đường ống hay socket, kể cả với --force: hãy bỏ tùy chọn",
    )
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.parametrize(
    "command",
    [
        ["timeline", str(FIXTURE), "--log"],
        ["msel", "export", str(FIXTURE), "--no-simulate", "-o"],
        ["schema", "--out"],
    ],
    ids=["timeline --log", "msel export", "schema"],
)
def test_a_pipe_is_never_replaced_nor_opened(tmp_path: Path, command: list[str]) -> None:
    fifo = tmp_path / "out.csv"
    os.mkfifo(fifo)
    r = run(*command, fifo, "--force")  # opening the pipe would block: the refusal comes first
    assert r.exit_code == 1, r.output
    assert says(
        r.stderr,
        f"{fifo} is a pipe, not a regular file",
        f"{fifo} là đường ống (pipe), không phải tệp thông thường",
    )
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_link_is_never_replaced_nor_written_through(tmp_path: Path) -> None:
    mine = tmp_path / "notes.txt"
    mine.write_text("the trainer's own notes", encoding="utf-8")
    link = tmp_path / "run.jsonl"
    link.symlink_to(mine)
    r = run("timeline", FIXTURE, "--log", link, "--force")
    assert r.exit_code == 1, r.output
    assert says(
        r.stderr,
        f"{link} is a symbolic link (to {mine}); drillsim never replaces a link",
        f"{link} là một liên kết tượng trưng (trỏ tới {mine}); drillsim không bao giờ thay thế",
    )
    assert link.is_symlink() and mine.read_text(encoding="utf-8") == "the trainer's own notes"


def test_a_link_as_run_folder_is_refused_and_its_target_kept(run_dir: Path, tmp_path: Path) -> None:
    link = tmp_path / "latest"
    link.symlink_to(run_dir)
    before = snapshot(run_dir)
    r = run_study(FIXTURE, link, "--force")
    assert r.exit_code == 1, r.output
    assert (
        f"{link} is a symbolic link (to {run_dir}); drillsim never writes a run through a link"
        in r.stderr
    )
    assert snapshot(run_dir) == before and link.is_symlink()


def test_charts_are_not_drawn_through_a_linked_folder(earlier_run: Path, tmp_path: Path) -> None:
    target = tmp_path / "somewhere"
    target.mkdir()
    link = tmp_path / "figures"
    link.symlink_to(target)
    r = run("chart", earlier_run, "--out", link, "--force")
    assert r.exit_code == 1, r.output
    assert (
        f"{link} is a symbolic link (to {target}); drillsim never writes through a link" in r.stderr
    )
    assert list(target.iterdir()) == []


def test_a_link_planted_in_a_run_folder_is_not_followed(run_dir: Path, tmp_path: Path) -> None:
    precious = tmp_path / "precious.md"
    precious.write_text("keep me", encoding="utf-8")
    report = run_dir / "after-action-report-en.md"  # where the report below (--lang en) writes
    report.symlink_to(precious)
    r = run("report", run_dir, "--format", "md", "--force")
    assert r.exit_code == 1, r.output
    assert "is a symbolic link" in r.stderr and precious.read_text(encoding="utf-8") == "keep me"
    r = run_study(FIXTURE, run_dir, "--force")  # nor is it removed with its folder
    assert r.exit_code == 1 and report.name in r.stderr, r.output
    assert report.is_symlink() and precious.read_text(encoding="utf-8") == "keep me"


def test_an_output_that_is_the_scenario_read_is_refused(tmp_path: Path) -> None:
    scenario = tmp_path / "drill.yaml"
    shutil.copy(FIXTURE, scenario)
    before = scenario.read_bytes()
    for args in (
        ["timeline", scenario, "--log", scenario, "--force"],
        ["msel", "export", scenario, "--no-simulate", "-o", scenario, "--format", "csv", "--force"],
    ):
        r = run(*args)
        assert r.exit_code == 1, r.output
        assert says(
            r.stderr,
            f"{scenario} is the file this command reads",
            f"{scenario} là tệp mà lệnh này đang đọc",
        )
    assert scenario.read_bytes() == before


def test_a_run_folder_that_is_a_file_is_not_deleted(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.write_text("mine", encoding="utf-8")
    r = run_study(FIXTURE, notes, "--force")
    assert r.exit_code == 1, r.output  # the library's check of --out: invalid input
    assert f"error: {notes} is a file, not a folder; choose another --out" in r.stderr
    with pytest.raises(
        InputError, match="is a file, not a folder"
    ):  # and the library's, for any caller
        prepare_dir(notes, force=True)
    assert notes.read_text(encoding="utf-8") == "mine"


# --- what --force may remove, whatever is put in the folder ----------------------------------------

EXTRAS = {
    "user file": ("notes.txt", "file"),
    "user file in charts": ("charts/mine.png", "file"),
    "user folder": ("slides/deck.pptx", "file"),
    "empty folder": ("empty", "dir"),
    "stale temporary": (".analysis.json.ab12cd34.tmp", "file"),
    "link": ("charts/link.png", "link"),
}
HARMLESS = {"empty folder", "stale temporary"}


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(chosen=st.sets(st.sampled_from(sorted(EXTRAS))))
def test_force_removes_only_listed_files_or_nothing(
    earlier_run: Path, tmp_path_factory, chosen: set[str]
) -> None:  # type: ignore[no-untyped-def]
    """Whatever else is in the folder, --force removes exactly the listed files, or refuses untouched."""
    root = tmp_path_factory.mktemp("prop") / "RUN"
    shutil.copytree(earlier_run, root, symlinks=True)
    outside = root.parent / "outside.txt"
    outside.write_text("not drillsim's", encoding="utf-8")
    for name in chosen:
        rel, kind = EXTRAS[name]
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if kind == "file":
            path.write_text("x", encoding="utf-8")
        elif kind == "dir":
            path.mkdir()
        else:
            path.symlink_to(outside)
    listed = set(files.read_list(root)["files"])  # type: ignore[index]
    before = snapshot(root)
    if chosen <= HARMLESS:
        prepare_dir(root, force=True)
        after = snapshot(root)
        assert not any(rel in after for rel in listed)  # every file of the earlier run is gone
        assert all(
            rel in after
            for rel in before
            if rel not in listed and not rel.endswith(".tmp") and before[rel] != "dir"
        )
        assert ("empty" in after) == ("empty folder" in chosen)  # kept: it was not drillsim's
    else:
        with pytest.raises(OutputExistsError, match="did not write"):
            prepare_dir(root, force=True)
        assert snapshot(root) == before
    assert outside.read_text(encoding="utf-8") == "not drillsim's"


# --- one writer at a time ---------------------------------------------------------------------------


def _start(out: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "drillsim",
            "run",
            "--lang",
            "en",
            str(FIXTURE),
            "--workers",
            "1",
            "--out",
            str(out),
            "--no-report",
            "--suggest",
            "0",
            "-q",
            *args,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for(check, what: str, timeout: float = 90) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    pytest.fail(f"{what} did not happen in {timeout} s")


def test_two_studies_into_one_folder_the_second_refuses_and_the_first_completes(
    run_dir: Path,
) -> None:
    first = _start(run_dir, "-n", "3000", "--force")
    try:
        summaries = run_dir / "summaries" / "base.jsonl"
        _wait_for(
            lambda: (
                (run_dir / folders.LOCK).exists()
                and summaries.exists()
                and summaries.stat().st_size > 0
            ),
            "the first study writing",
        )
        second = _start(run_dir, "-n", "20", "--force")
        _, err = second.communicate(timeout=120)
        assert second.returncode == 1, err
        assert says(
            err,
            f"another drillsim process (pid {first.pid}: drillsim run ",
            f"một tiến trình drillsim khác (pid {first.pid}: drillsim run ",
        )
        assert says(
            err,
            f"is writing {run_dir} since ",
            f"đang ghi {run_dir} từ ",
        )
        assert says(err, "wait for it to finish", "hãy chờ nó xong") and "Traceback" not in err
        assert first.poll() is None  # refused while the first one was still running
        _, err = first.communicate(timeout=300)
    finally:
        first.kill()
    assert first.returncode == 0, err
    data = read_run(run_dir)
    assert (
        data.manifest.status == "complete"
        and len(data.summaries[BASE]) == 3000
        and not data.warnings
    )
    assert not (run_dir / folders.LOCK).exists()


def test_report_waits_for_no_one_but_refuses_while_a_run_writes(run_dir: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import sys, time; from pathlib import Path; "
                "from drillsim.folders import lock_folder; lock_folder(Path(sys.argv[1])); "
                "print('held', flush=True); time.sleep(120)"
            ),
            str(run_dir),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        r = run("report", run_dir, "--format", "md", "--force")
        assert r.exit_code == 1, r.output
        assert f"another drillsim process (pid {holder.pid}" in r.stderr
        holder.kill()  # killed holding it: the lock file stays, the kernel frees the lock
        holder.wait(timeout=30)
        (run_dir / ".manifest.json.zz99yy88.tmp").write_bytes(b"half")
        (run_dir / "charts" / ".graph.png.zz99yy88.tmp").write_bytes(b"half")
        assert (run_dir / folders.LOCK).exists()
        r = run("report", run_dir, "--format", "md", "--force")
        assert r.exit_code == 0, r.output
        assert f"note: {run_dir} was left locked by drillsim process {holder.pid}" in r.stderr
        assert "taking it over" in r.stderr
        assert not list(run_dir.rglob("*.tmp")) and not (run_dir / folders.LOCK).exists()
    finally:
        holder.kill()


def test_temporary_files_elsewhere_are_not_touched(tmp_path: Path, earlier_run: Path) -> None:
    mine = tmp_path / "figures"
    mine.mkdir()
    (mine / ".draft.png.abcd1234.tmp").write_bytes(b"someone else's")
    r = run("chart", earlier_run, "--out", mine, "--force")
    assert r.exit_code == 0, r.output
    assert (mine / ".draft.png.abcd1234.tmp").read_bytes() == b"someone else's"
    assert not (mine / folders.MARKER).exists() and not (mine / folders.LOCK).exists()


# --- temporary files on every exit path -----------------------------------------------------------


def test_a_write_that_raises_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "chart.png"

    def broken(handle) -> None:  # type: ignore[no-untyped-def]
        handle.write(b"half a chart")
        raise RuntimeError("the renderer crashed")

    with pytest.raises(RuntimeError):
        write_atomic_with(target, broken)
    assert list(tmp_path.iterdir()) == []


def test_sigterm_while_writing_removes_the_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # NOTE: the stop handler arms a watchdog that ends the process if stopping hangs; here the
    # process is pytest's, which goes on after the stop, so the watchdog is left out.
    monkeypatch.setattr(stopping, "_start_watchdog", lambda code: None)
    with handle_stop_signals():

        def stopped(handle) -> None:  # type: ignore[no-untyped-def]
            handle.write(b"half")
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)  # the handler raises here

        with pytest.raises(Stopped) as stop:
            write_atomic_with(tmp_path / "manifest.json", stopped)
        assert stop.value.exit_code == 128 + signal.SIGTERM
        assert list(tmp_path.iterdir()) == []


def test_a_study_stopped_by_sigterm_closes_its_folder_cleanly(tmp_path: Path) -> None:
    out = tmp_path / "run"
    proc = _start(out, "-n", "500000")
    try:
        summaries = out / "summaries" / "base.jsonl"
        _wait_for(
            lambda: summaries.exists() and summaries.read_bytes().count(b"\n") >= 100,
            "100 summaries",
        )
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert "finished so far" in err and "Traceback" not in err
    assert read_manifest(out).status == "interrupted"
    assert not list(out.rglob("*.tmp")) and not (out / folders.LOCK).exists()
    r = run_study(FIXTURE, out, "--force", "--no-report")  # and it is still drillsim's
    assert r.exit_code == 0, r.output


def test_writing_into_a_drillsim_folder_lists_the_file_first(tmp_path: Path) -> None:
    root = prepare_dir(tmp_path / "RUN", force=False)
    write_atomic(root / "charts-en" / "graph.png", b"png")
    listed = files.read_list(root)
    assert listed is not None
    assert "charts-en/graph.png" in listed["files"] and "charts-en" in listed["folders"]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / "charts-en" / "link").symlink_to(elsewhere)
    (root / "charts-zh").symlink_to(elsewhere)
    for target in (root / "charts-en" / "link" / "x.png", root / "charts-zh" / "x.png"):
        with pytest.raises(InputError, match="symbolic link"):
            write_atomic(target, b"png")
    assert list(elsewhere.iterdir()) == []


def test_an_edited_file_list_cannot_reach_outside_its_folder(run_dir: Path, tmp_path: Path) -> None:
    """The list is a file anyone may edit: a name that leads out of the folder is never removed."""
    outside = tmp_path / "outside.txt"
    outside.write_text("not drillsim's", encoding="utf-8")
    listed = files.read_list(run_dir)
    assert listed is not None
    files.write_list(
        run_dir, [*listed["files"], "../outside.txt", str(outside)], [*listed["folders"], ".."]
    )
    r = run_study(FIXTURE, run_dir, "--force", "--no-report")
    assert r.exit_code == 0, r.output
    assert outside.read_text(encoding="utf-8") == "not drillsim's" and tmp_path.is_dir()


def test_a_run_refused_before_writing_anything_leaves_no_folder(
    tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from drillsim.runs import study

    def over_a_limit(*_: object, **__: object) -> None:
        raise InputError("the scenario has 20,001 agencies, over the limit of 20,000")

    monkeypatch.setattr(study, "compile_variants", over_a_limit)
    out = tmp_path / "new-run"
    r = run_study(FIXTURE, out)
    assert r.exit_code == 1 and "over the limit" in r.stderr, r.output
    assert not out.exists()
