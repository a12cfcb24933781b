"""What ``drillsim run`` leaves behind: the single run's timeline and --log file (kept even when the
reader of stdout goes away), and run folders that never stay "running" after an error and that
``report``/``chart``/``analyze --results`` refuse plainly when nothing finished."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import drillsim.runs.distributed as on_dask
from drillsim.cli import cli
from drillsim.errors import InputError
from drillsim.runs import batch, experiment, study
from drillsim.runs.store import prepare_dir, read_log, read_manifest, read_run
from drillsim.runs.study import run_study
from drillsim.scenario.durations import clock
from drillsim.scenario.loader import load_scenario
from drillsim.scenario.variants import BASE
from drillsim.sim.compile import compile_scenario
from drillsim.sim.engine import run_replication
from drillsim.sim.records import LOG_FORMAT, RECORD_FIELDS, EventKind, ReplicationResult
from tests.helpers import run_cli

FIXTURE = Path(__file__).parent / "fixtures" / "report" / "hub.yaml"
SEED = 7  # the fixture's own seed, used when --seed is not given
UNREACHABLE = (
    "tcp://127.0.0.1:1"  # nothing listens on port 1: refused at once, retried until the timeout
)
QUIET_KINDS = {EventKind.HANDLING_STARTED, EventKind.TASK_READY, EventKind.TASK_FINISHED}
OBJECTIVE_LINE = re.compile(
    r"objective (\S+): (never reached|\d+:\d\d:\d\d) \(target \d+:\d\d:\d\d\) (MET|NOT MET)$"
)


@pytest.fixture(scope="module")
def scenario():  # type: ignore[no-untyped-def]
    return load_scenario(FIXTURE)


@pytest.fixture(scope="module")
def expected(scenario) -> ReplicationResult:  # type: ignore[no-untyped-def]
    """The replication ``drillsim run FIXTURE`` shows, simulated directly."""
    return run_replication(compile_scenario(scenario), SEED, 0)


@pytest.fixture(scope="module")
def logged(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """One single run with a JSONL log and one with a CSV log: stdout and the two files."""
    folder = tmp_path_factory.mktemp("logs")
    out: dict[str, object] = {}
    for ext in ("jsonl", "csv"):
        path = folder / f"out.{ext}"
        r = run_cli("timeline", str(FIXTURE), "--log", str(path))
        assert r.exit_code == 0, r.output
        out[ext] = path
        out[f"{ext}-stdout"] = r.stdout
    return out


def jsonl_records(path: Path) -> tuple[dict, list[dict]]:  # type: ignore[type-arg]
    lines = path.read_text(encoding="utf-8").splitlines()
    return json.loads(lines[0]), [json.loads(line) for line in lines[1:]]


def test_jsonl_log_has_one_documented_causal_record_per_event(logged, expected) -> None:  # type: ignore[no-untyped-def]
    head, rows = jsonl_records(logged["jsonl"])
    assert head == {"format": "drillsim-log", "format_version": LOG_FORMAT}
    assert len(rows) == len(expected.records) > 10
    assert all(list(row) == list(RECORD_FIELDS) for row in rows)
    assert [row["id"] for row in rows] == list(range(len(rows)))
    assert {row["kind"] for row in rows} <= {k.value for k in EventKind}
    times = [row["time"] for row in rows]
    assert times == sorted(times)
    for row in rows:
        if row["kind"] == EventKind.INJECT:
            assert row["cause"] is None
        else:  # every other step names an earlier step that enabled it, no later in time
            assert row["cause"] is not None and 0 <= row["cause"] < row["id"], row
            assert rows[row["cause"]]["time"] <= row["time"]
    assert read_log(logged["jsonl"]) == list(expected.records)  # exactly what the engine recorded


def test_csv_log_holds_the_same_records_as_the_jsonl(logged) -> None:  # type: ignore[no-untyped-def]
    _, rows = jsonl_records(logged["jsonl"])
    with logged["csv"].open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames or ()) == RECORD_FIELDS
        table = list(reader)
    assert len(table) == len(rows)
    assert [float(t["time"]) for t in table] == [r["time"] for r in rows]
    assert [t["kind"] for t in table] == [r["kind"] for r in rows]
    assert [t["cause"] for t in table] == [
        "" if r["cause"] is None else str(r["cause"]) for r in rows
    ]


def test_timeline_shows_each_event_then_the_ending_and_the_objectives(
    logged, scenario, expected
) -> None:  # type: ignore[no-untyped-def]
    for ext in ("jsonl", "csv"):
        lines = logged[f"{ext}-stdout"].splitlines()
        assert lines[0] == f"{scenario.scenario.title}: seed {SEED}, replication 0"
        assert lines[-1] == f"event log: {logged[ext]}"
        n_obj = len(scenario.objectives)
        objectives, ended, events = lines[-1 - n_obj : -1], lines[-2 - n_obj], lines[1 : -2 - n_obj]
        shown = [r for r in expected.records if r.kind not in QUIET_KINDS]
        assert len(events) == len(shown)
        assert [line[:8].strip() for line in events] == [clock(r.time) for r in shown]
        assert (
            ended
            == f"ended: {expected.ended_by} at {clock(expected.end_time)}, {len(expected.records)} events"
        )
        assert [OBJECTIVE_LINE.match(line).group(1) for line in objectives] == [
            o.id for o in scenario.objectives
        ]  # type: ignore[union-attr]


def test_verbose_timeline_has_a_line_for_every_event(scenario, expected) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("timeline", str(FIXTURE), "--verbose")
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[-1 - len(scenario.objectives)].startswith("ended: ")
    assert len(lines) == 1 + len(expected.records) + 1 + len(scenario.objectives)


def test_the_log_is_written_even_when_stdout_is_closed_early(tmp_path: Path, expected) -> None:  # type: ignore[no-untyped-def]
    """``drillsim run FILE --log x.jsonl | head``: the reader leaves before the timeline is printed."""
    log = tmp_path / "x.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-m", "drillsim", "timeline", str(FIXTURE), "--log", str(log)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
    )
    assert proc.stdout is not None
    proc.stdout.close()  # every write to stdout now fails with a broken pipe
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0 and b"Traceback" not in err, err
    assert read_log(log) == list(expected.records)


# --- run folders that stop on an error -------------------------------------------------------


@pytest.fixture
def quick_connect(monkeypatch: pytest.MonkeyPatch) -> None:
    """Give up on a Dask scheduler after 1 s: the tests need no cluster and must not hang."""
    import distributed  # noqa: F401 - a test dependency: a missing Dask must fail the test, not skip it

    monkeypatch.setattr(on_dask, "CONNECT_TIMEOUT", "1s")


def test_an_unreachable_scheduler_fails_before_the_run_folder_exists(
    tmp_path: Path, quick_connect
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "run"
    args = [
        "run",
        str(FIXTURE),
        "-n",
        "20",
        "--dask",
        UNREACHABLE,
        "--out",
        str(out),
        "-q",
        "--no-report",
        "--suggest",
        "0",
    ]
    r = run_cli(*args)
    assert r.exit_code == 1, r.output  # an unusable option value: invalid input (README exit codes)
    assert f"error: cannot reach the Dask scheduler at {UNREACHABLE}" in r.stderr
    assert "Traceback" not in r.output and not out.exists()
    # Nothing to replace, so the same --out works without --force.
    r = run_cli(
        "run",
        str(FIXTURE),
        "-n",
        "5",
        "--workers",
        "1",
        "--out",
        str(out),
        "-q",
        "--no-report",
        "--suggest",
        "0",
    )
    assert r.exit_code == 0, r.output
    assert read_manifest(out).status == "complete"
    # Now the folder holds a run: it is refused at once, before the scheduler is tried, and kept
    # even with --force when the scheduler cannot be reached.
    r = run_cli(*args)
    assert r.exit_code == 1 and "--force" in r.stderr and "Dask" not in r.stderr, r.output
    r = run_cli(*args, "--force")
    assert r.exit_code == 1 and "cannot reach the Dask scheduler" in r.stderr
    assert read_manifest(out).status == "complete"


def test_a_malformed_scheduler_address_is_an_input_error(tmp_path: Path, quick_connect) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "run"
    r = run_cli("run", str(FIXTURE), "-n", "5", "--dask", "scheduler-host", "--out", str(out))
    assert r.exit_code == 1, r.output
    assert (
        "'scheduler-host' is not a Dask scheduler address" in r.stderr
        and "tcp://HOST:PORT" in r.stderr
    )
    assert not out.exists()


def test_a_dask_failure_inside_a_study_marks_the_run_failed(
    tmp_path: Path, scenario, quick_connect
) -> None:  # type: ignore[no-untyped-def]
    out = prepare_dir(tmp_path / "run", force=False)
    with pytest.raises(InputError, match="cannot reach the Dask scheduler"):
        run_study(scenario, FIXTURE, out, n=20, seed=3, dask_address=UNREACHABLE)
    m = read_manifest(out)
    assert m.status == "failed" and m.finished_at and m.completed == {}


def fail_after_first_job(monkeypatch: pytest.MonkeyPatch, *, keep: int) -> None:
    """The study runs its first ``keep`` jobs, then the cluster (or anything) raises."""
    real = study.run_jobs

    def flaky(compiled, jobs, seed, **kwargs):  # type: ignore[no-untyped-def]
        real(compiled, jobs[:keep], seed, **kwargs)
        raise RuntimeError("the cluster went away")

    monkeypatch.setattr(study, "run_jobs", flaky)


def test_a_study_that_raises_keeps_what_finished_and_says_failed(
    tmp_path: Path, scenario, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    fail_after_first_job(monkeypatch, keep=2)
    out = prepare_dir(tmp_path / "run", force=False)
    with pytest.raises(RuntimeError, match="went away"):
        run_study(scenario, FIXTURE, out, n=40, seed=3, workers=1)
    data = read_run(out)
    assert data.manifest.status == "failed"
    done = data.summaries[BASE]
    assert [s.replication for s in done] == list(range(len(done))) and 0 < len(done) < 40
    assert data.manifest.completed == {BASE: len(done)}
    assert any("was stopped by an error" in w for w in data.warnings)


def test_the_cli_reports_a_failed_study_and_keeps_its_folder(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    fail_after_first_job(monkeypatch, keep=1)
    out = tmp_path / "run"
    args = [
        "run",
        str(FIXTURE),
        "-n",
        "40",
        "--workers",
        "1",
        "--out",
        str(out),
        "-q",
        "--suggest",
        "0",
    ]
    r = run_cli(*args)
    assert r.exit_code == 3, r.output
    assert "RuntimeError: the cluster went away" in r.stderr and "Traceback" not in r.output
    assert f"the run folder {out} is marked failed" in r.stderr
    assert read_manifest(out).status == "failed"
    r = run_cli(*args)  # the finished replications are not thrown away silently
    assert r.exit_code == 1 and "--force" in r.stderr
    # The partial run still gives a report (with a warning that it is partial).
    r = run_cli("report", str(out), "--format", "md")
    assert r.exit_code == 0, r.output


@pytest.fixture
def empty_run(tmp_path: Path, scenario, quick_connect) -> Path:  # type: ignore[no-untyped-def]
    """The reviewer's case: a Dask run that stopped before any replication finished."""
    out = prepare_dir(tmp_path / "run", force=False)
    with pytest.raises(InputError):
        run_study(scenario, FIXTURE, out, n=20, seed=3, dask_address=UNREACHABLE)
    return out


@pytest.mark.parametrize(
    "command",
    [["report", "{dir}", "--lang", "en"], ["chart", "{dir}", "--lang", "en"]],
    ids=["report", "chart"],
)
def test_report_and_chart_refuse_a_run_with_no_replications(
    empty_run: Path, command: list[str]
) -> None:
    r = CliRunner().invoke(cli, [a.replace("{dir}", str(empty_run)) for a in command])
    assert r.exit_code == 1, r.output
    assert r.stderr.startswith(
        f"error: the run in {empty_run} has no finished replications; it failed before "
        "the first batch finished. Run the scenario again: drillsim run hub.yaml -n 20 "
        f"--out {empty_run} --force"
    )
    assert "internal error" not in r.output and not list(empty_run.glob("after-action-report-*"))


def test_analyze_refuses_a_run_with_no_replications(empty_run: Path) -> None:
    r = run_cli("analyze", "--results", str(empty_run))
    assert r.exit_code == 1, r.output
    assert "has no finished replications" in r.output and "internal error" not in r.output


def test_a_run_whose_replications_all_failed_is_refused_with_the_reason(
    tmp_path: Path,
    scenario,  # type: ignore[no-untyped-def]
    monkeypatch,
) -> None:
    def broken(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise ZeroDivisionError("engine bug")

    monkeypatch.setattr(batch, "run_replication", broken)
    out = prepare_dir(tmp_path / "run", force=False)
    run_study(scenario, FIXTURE, out, n=6, seed=3, workers=1)
    assert read_manifest(out).status == "complete"
    r = CliRunner().invoke(cli, ["report", str(out), "--lang", "en"])
    assert r.exit_code == 1, r.output
    assert f"the run in {out} has no finished replications; all 6 that ran failed" in r.stderr


def test_a_run_with_a_failed_replication_exits_3_with_its_replay_and_keeps_the_rest(
    tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Replication 3 raises: the other 9 are summarised and reported, and the exit code says so."""
    real = batch.run_replication

    def flaky(compiled, seed, replication, *args, **kwargs):  # type: ignore[no-untyped-def]
        if replication == 3:
            raise ZeroDivisionError("engine bug")
        return real(compiled, seed, replication, *args, **kwargs)

    monkeypatch.setattr(batch, "run_replication", flaky)
    out = tmp_path / "run"
    r = _failing_run(out, 10)
    assert r.exit_code == 3, r.output
    assert (
        "1 replication(s) failed, the first with ZeroDivisionError: engine bug; the results cover"
        in r.stderr
    )
    assert "the other 9" in r.stderr and "Traceback" not in r.stderr
    assert "Traceback" in read_manifest(out).failures[0]["error"]  # kept for a bug report
    assert f"replay: drillsim timeline {FIXTURE} --seed 7 --replication 3" in r.stderr
    assert len(read_run(out).summaries[BASE]) == 9
    (md,) = out.glob("after-action-report-*.md")
    text = md.read_text(encoding="utf-8")
    assert "| 1: drillsim timeline scenario.yaml --seed 7 --replication 3 |\n\n## 2." in text


def test_a_run_whose_every_replication_failed_exits_3_with_the_replay_not_a_report_error(
    tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    def broken(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise ZeroDivisionError("engine bug")

    monkeypatch.setattr(batch, "run_replication", broken)
    out = tmp_path / "run"
    r = _failing_run(out, 4)
    assert r.exit_code == 3, r.output
    assert "4 replication(s) failed" in r.stderr and "the other 0" in r.stderr
    assert f"replay: drillsim timeline {FIXTURE} --seed 7 --replication 0" in r.stderr
    assert not list(out.glob("after-action-report-*"))


def test_compare_and_analyze_refuse_variants_without_finished_replications(empty_run: Path) -> None:
    r = run_cli("compare", "--results", str(empty_run))
    assert r.exit_code == 1 and "has no finished replications of base; it has none" in r.stderr, (
        r.output
    )
    r = run_cli("analyze", "--results", str(empty_run), "--variant", "base")
    assert r.exit_code == 1 and "has no finished replications" in r.stderr, r.output


def test_a_run_folder_without_its_scenario_is_named_not_a_crash(tmp_path: Path) -> None:
    run = tmp_path / "run"
    assert (
        run_cli(
            "run",
            str(FIXTURE),
            "-n",
            "5",
            "--workers",
            "1",
            "--out",
            str(run),
            "-q",
            "--no-report",
            "--suggest",
            "0",
        ).exit_code
        == 0
    )
    (run / "scenario.json").unlink()
    for command in (["report", str(run)], ["compare", "--results", str(run)]):
        r = run_cli(*command)
        assert r.exit_code == 1 and "scenario.json is missing" in r.stderr, r.output


def test_a_lost_scheduler_is_a_simulation_error_naming_it(scenario, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """distributed's CommClosedError is an OSError: it must not read as a full disk or a bad file."""
    from distributed.comm.core import CommClosedError

    from drillsim.errors import SimulationError

    class Gone:
        def scatter(self, *_a, **_k):  # type: ignore[no-untyped-def]
            raise CommClosedError("in <TCP (closed)>: Stream is closed")

        def close(self) -> None:
            pass

    monkeypatch.setattr(on_dask, "connect", lambda address: Gone())
    compiled = experiment.compile_variants(scenario, [BASE])
    with pytest.raises(
        SimulationError, match="lost the connection to the Dask scheduler at tcp://h:1"
    ):
        on_dask.run_on_dask(
            "tcp://h:1", compiled, experiment.plan([BASE], 4, 2), 1, lambda job, rows: None
        )


def _failing_run(out: Path, n: int) -> Result:
    """``run`` of the fixture with seed 7, one worker, no suggestions and a Markdown report."""
    quick = ["--seed", "7", "--workers", "1", "-q", "--suggest", "0", "--format", "md"]
    return run_cli("run", str(FIXTURE), "-n", str(n), "--out", str(out), *quick)
