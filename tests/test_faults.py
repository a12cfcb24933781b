"""Faults an office's machine meets: a worker killed between batches or by the OOM killer, Ctrl-C
(once, twice, to the whole process group), SIGTERM, a killed parent; and results that are the
same bytes for the same seed, serial, on two processes or on Dask."""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any, ClassVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drillsim.analysis.summary import ReplicationSummary
from drillsim.runs import experiment
from drillsim.runs.experiment import BASE, Job, compile_variants, plan, run_batch, run_jobs
from drillsim.runs.store import Manifest, RunWriter, prepare_dir
from drillsim.runs.study import InOrder
from drillsim.scenario.loader import load_scenario
from drillsim.stopping import Stopped

TESTS = Path(__file__).parent
ROOT = TESTS.parent
FIXTURE = TESTS / "fixtures" / "report" / "hub.yaml"
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


@pytest.fixture(scope="module")
def scenario():  # type: ignore[no-untyped-def]
    return load_scenario(FIXTURE)


@pytest.fixture(scope="module")
def compiled(scenario):  # type: ignore[no-untyped-def]
    return compile_variants(scenario, [BASE])


def children(pid: int) -> set[int]:
    """Live (non-zombie) child processes of ``pid``, from /proc."""
    out = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2 :].split()
            if fields[0] != "Z" and int(fields[1]) == pid:
                out.add(int(entry))
    return out


def _fault_trials() -> Any:
    """scripts/fault-trials.py as a module (its name is no importable identifier)."""
    spec = importlib.util.spec_from_file_location(
        "fault_trials", ROOT / "scripts" / "fault-trials.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


alive = _fault_trials().alive  # one /proc reading for the harness and the tests


def wait_until(check, timeout: float = 30.0) -> bool:  # type: ignore[no-untyped-def]
    """Poll ``check`` (a hang guard, not a timing assertion)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


def serial(compiled, n: int, seed: int = 11) -> list:  # type: ignore[no-untyped-def]
    return run_batch(compiled[BASE], BASE, seed, range(n))


@pytest.mark.slow  # fault trial: real worker processes killed or signalled
def test_a_worker_killed_between_batches_breaks_the_pool_at_submission_and_costs_nothing(
    compiled,
) -> None:  # type: ignore[no-untyped-def]
    """The round-2 report: SIGKILL one idle worker, and the next ``pool.submit`` raises
    BrokenProcessPool. The pool is rebuilt, and every replication equals a serial run's."""
    got: dict[int, object] = {}
    killed: list[int] = []

    def on_batch(job: Job, rows: list) -> None:  # type: ignore[type-arg]
        got.update({r.replication: r for r in rows})
        if not killed:  # after the first batch: kill a worker and wait for the pool to see it
            pid = min(children(os.getpid()))
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)
            assert wait_until(lambda: not alive(pid))
            time.sleep(0.3)  # the pool's thread marks itself broken: the next submit raises

    jobs = plan([BASE], 40, 2)
    experiment._run_pool(compiled, jobs, 11, 2, on_batch)
    assert killed and sorted(got) == list(range(40))
    assert [got[i] for i in range(40)] == serial(compiled, 40)
    assert not children(os.getpid())  # no worker of any of the pools is left


def _oom_killed_once(variant: str, seed: int, lo: int, hi: int) -> list:  # type: ignore[type-arg]
    """The kernel's OOM killer takes the worker running replication 9 (SIGKILL), once."""
    marker = Path(os.environ["DRILLSIM_TEST_MARKER"])
    if lo <= 9 < hi and not marker.exists():
        marker.write_text("oom", encoding="utf-8")
        os.kill(os.getpid(), signal.SIGKILL)
    return _REAL(variant, seed, lo, hi)


_REAL = experiment._worker_batch


@pytest.mark.slow  # fault trial: real worker processes killed or signalled
def test_an_out_of_memory_kill_costs_nothing(compiled, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DRILLSIM_TEST_MARKER", str(tmp_path / "oom"))
    monkeypatch.setattr(experiment, "_worker_batch", _oom_killed_once)  # forked workers inherit it
    got: list = []
    run_jobs(
        compiled, plan([BASE], 30, 3), 11, workers=2, on_batch=lambda job, rows: got.extend(rows)
    )
    assert (tmp_path / "oom").exists()
    assert sorted(got, key=lambda r: r.replication) == serial(compiled, 30)


def _sleepy(variant: str, seed: int, lo: int, hi: int) -> list:  # type: ignore[type-arg]
    """A batch that takes a while, so that signals reach a worker in the middle of it."""
    Path(os.environ["DRILLSIM_TEST_MARKER"]).with_suffix(f".{os.getpid()}").write_text("busy")
    time.sleep(1.0)
    return _REAL(variant, seed, lo, hi)


@pytest.mark.slow  # fault trial: real worker processes killed or signalled
def test_workers_ignore_sigint_their_parent_decides(compiled, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A Ctrl-C reaches the whole process group: the workers must neither die nor print a
    traceback; here the parent (the test) does not stop, so every batch still arrives."""
    monkeypatch.setenv("DRILLSIM_TEST_MARKER", str(tmp_path / "busy"))
    monkeypatch.setattr(experiment, "_worker_batch", _sleepy)
    got: list = []
    sent: list[int] = []

    def on_batch(job: Job, rows: list) -> None:  # type: ignore[type-arg]
        got.extend(rows)
        for pid in children(os.getpid()) - set(sent):
            os.kill(pid, signal.SIGINT)
            sent.append(pid)

    run_jobs(compiled, plan([BASE], 12, 2), 11, workers=2, on_batch=on_batch)
    assert sent and sorted(got, key=lambda r: r.replication) == serial(compiled, 12)


def test_stopped_survives_simpy_re_raising_it() -> None:
    """SimPy re-raises a process's exception as ``type(exc)(*exc.args)``: a Ctrl-C inside a
    replication must stay a stop with its signal (it once became a ValueError, a failed
    replication, and the study went on)."""
    exc = Stopped(signal.SIGTERM)
    again = type(exc)(*exc.args)
    assert (
        isinstance(again, KeyboardInterrupt)
        and again.signum == signal.SIGTERM
        and again.exit_code == 143
    )
    assert str(again) == "SIGTERM"


PARENT = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    import drillsim.runs.experiment as experiment
    from drillsim.runs.experiment import BASE, compile_variants
    from drillsim.scenario.loader import load_scenario

    def forever(variant, seed, lo, hi):
        time.sleep(600)

    experiment._worker_batch = forever
    compiled = compile_variants(load_scenario(Path(sys.argv[1])), [BASE])
    pool = experiment._pool(compiled, 2)
    futures = [pool.submit(experiment._worker_batch, BASE, 1, i, i + 1) for i in range(2)]
    print("started", flush=True)
    time.sleep(600)
""")


@pytest.mark.slow  # fault trial: real worker processes killed or signalled
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_a_killed_parent_takes_its_workers_with_it(tmp_path: Path, sig: signal.Signals) -> None:
    """Workers blocked in a batch die with their parent (before: alive two minutes later)."""
    script = tmp_path / "parent.py"
    script.write_text(PARENT, encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, str(script), str(FIXTURE)], stdout=subprocess.PIPE, env=ENV
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline() == b"started\n"
        assert wait_until(lambda: len(children(proc.pid)) == 2)
        workers = children(proc.pid)
        proc.send_signal(sig)
        proc.wait(timeout=30)
        assert wait_until(lambda: not any(alive(p) for p in workers)), (
            "workers outlived their parent"
        )
    finally:
        proc.kill()


HELD = textwrap.dedent("""
    import sys, time
    from drillsim import stopping

    stopping.GRACE = float(sys.argv[1])
    def command():
        def run():
            if sys.argv[2] == "held":
                with stopping.deferred():  # the first signal waits for this block, which never ends
                    print("ready", flush=True)
                    time.sleep(600)
            else:
                try:
                    print("ready", flush=True)
                    time.sleep(600)
                except KeyboardInterrupt:
                    time.sleep(600)  # a clean stop that hangs
        return run
    stopping.run_console(command)
""")


@pytest.mark.slow  # fault trial: real worker processes killed or signalled
@pytest.mark.parametrize("case", ["second-signal", "hung-stop"])
def test_a_second_sigint_or_a_hung_stop_ends_at_once(tmp_path: Path, case: str) -> None:
    script = tmp_path / "held.py"
    script.write_text(HELD, encoding="utf-8")
    grace = "600" if case == "second-signal" else "0.5"
    proc = subprocess.Popen(
        [sys.executable, str(script), grace, "held" if case == "second-signal" else "hang"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=ENV,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline() == b"ready\n"
        proc.send_signal(signal.SIGINT)
        if case == "second-signal":
            with pytest.raises(subprocess.TimeoutExpired):
                proc.wait(timeout=1)  # held back by deferred(): the first signal does not end it
            proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 130
    assert (b"stopped at once" if case == "second-signal" else b"took too long") in err
    assert b"Traceback" not in err


def start_study(out: Path, *extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "drillsim",
            "run",
            "--lang",
            "en",
            str(FIXTURE),
            "-n",
            "500000",
            "--workers",
            "2",
            "--out",
            str(out),
            "--no-report",
            "--suggest",
            "0",
            "-q",
            "--seed",
            "4",
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=ENV,
        start_new_session=True,
    )


def wait_for_summaries(out: Path, lines: int = 100) -> None:
    path = out / "summaries" / "base.jsonl"
    assert wait_until(lambda: path.exists() and path.read_bytes().count(b"\n") >= lines, 60)


@pytest.mark.slow  # fault trial: real worker processes killed or signalled
@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_ctrl_c_or_sigterm_stops_the_pool_and_tells_the_truth(tmp_path: Path, how: str) -> None:
    """Ctrl-C in a terminal signals the whole process group, workers included; a service manager
    sends SIGTERM to drillsim alone. Either way: exit 128+signal, no traceback (the parent's or a
    worker's), no worker left, and a manifest that counts exactly the summaries on disk."""
    out = tmp_path / "run"
    proc = start_study(out)
    try:
        wait_for_summaries(out)
        workers = children(proc.pid)
        assert len(workers) == 2
        if how == "ctrl-c":
            os.killpg(proc.pid, signal.SIGINT)
        else:
            proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == (130 if how == "ctrl-c" else 143), err
    assert b"Traceback" not in err and b"interrupted" in err
    assert wait_until(lambda: not any(alive(p) for p in workers))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    lines = (out / "summaries" / "base.jsonl").read_bytes().splitlines()
    assert manifest["status"] == "interrupted" and manifest["completed"][BASE] == len(lines) >= 100
    reps = [json.loads(line)["replication"] for line in lines]
    assert reps == sorted(reps)  # written in replication order, even from two workers
    assert not list(out.rglob("*.tmp"))


@functools.cache
def eighteen() -> tuple[ReplicationSummary, ...]:
    """Eighteen real summaries of the fixture (computed once)."""
    return tuple(serial(compile_variants(load_scenario(FIXTURE), [BASE]), 18))


@given(st.permutations(range(6)))
def test_batches_are_written_in_replication_order_whatever_order_they_finish(
    order: list[int],
) -> None:
    """Six batches of three finishing in any order give the same summaries file, and the
    manifest counts exactly the lines written."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for arrival in (list(range(6)), order):
            out = prepare_dir(Path(tmp) / f"run-{len(files)}", force=False)
            manifest = Manifest(
                "s", "0" * 64, "s.yaml", "1" * 64, 1, 18, [BASE], 2
            )  # hex digests, as written
            writer = RunWriter(out, manifest, b"", "{}")
            in_order = InOrder(writer, manifest, {BASE: []})
            for b in arrival:
                in_order.add(Job(BASE, 3 * b, 3 * b + 3), list(eighteen()[3 * b : 3 * b + 3]))
                lines = (
                    (out / "summaries" / "base.jsonl").read_bytes().count(b"\n")
                    if (out / "summaries" / "base.jsonl").exists()
                    else 0
                )
                assert manifest.completed.get(BASE, 0) == lines
            in_order.flush()
            writer.close("complete")
            files.append((out / "summaries" / "base.jsonl").read_bytes())
            assert [s.replication for s in in_order.collected[BASE]] == list(range(18))
        assert files[0] == files[1]


VARYING = {"started_at", "finished_at", "workers", "engine"}
"""The only manifest fields that may differ between same-seed runs: when and how it ran. No other
file of the run folder may differ by a byte."""


@pytest.mark.slow
def test_a_same_seed_study_is_the_same_bytes_serial_on_two_workers_and_on_dask(
    tmp_path: Path,
) -> None:
    """Summaries, logs, analysis.json (suggestions simulated too), charts and reports, byte for
    byte; before, summaries came in completion order and analysis.json differed near 1e-15."""
    import distributed

    from tests.helpers import run_cli

    def study(name: str, *how: str) -> Path:
        out = tmp_path / name / "run"  # one folder name: the reports print it
        r = run_cli(
            "run",
            str(FIXTURE),
            "-n",
            "40",
            "--seed",
            "5",
            "--suggest",
            "10",
            "-q",
            "--variant",
            "second-officer",
            "--format",
            "html,md",
            "--out",
            str(out),
            *how,
            lang=None,  # the report in the scenario's language: its charts in charts/
        )
        assert r.exit_code == 0, r.output
        return out

    runs = [study("serial", "--workers", "1"), study("pool", "--workers", "2")]
    with distributed.LocalCluster(
        host="127.0.0.1", n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        runs.append(study("dask", "--workers", "2", "--dask", cluster.scheduler_address))

    def folder(root: Path) -> dict[str, bytes]:
        return {
            str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
        }

    first, *others = [folder(r) for r in runs]
    assert {"analysis.json", "summaries/base.jsonl", "summaries/second-officer.jsonl"} <= set(first)
    assert any(name.startswith("charts/") for name in first)
    for other in others:
        assert set(other) == set(first)
        assert [n for n in first if n != "manifest.json" and first[n] != other[n]] == []
        a, b = json.loads(first["manifest.json"]), json.loads(other["manifest.json"])
        assert {k for k in a if a[k] != b[k]} <= VARYING


@pytest.mark.slow
def test_fault_trials_sigints_and_worker_kills_at_random_moments(tmp_path: Path) -> None:
    """The issue's harness, reduced: 3 SIGINTs and 2 worker kills at random moments of a real
    example study of 300 replications. Every study completes byte-identical to a same-seed
    reference or stops with exit 130, no orphan, no temporary file, a manifest that tells the truth."""
    report = tmp_path / "trials.json"
    r = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "fault-trials.py"),
            "--sigints",
            "3",
            "--kills",
            "2",
            "-n",
            "300",
            "--jobs",
            "3",
            "--work",
            str(tmp_path),
            "--json",
            str(report),
            "--",
            "--suggest",
            "30",
        ],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=900,
        check=False,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    trials = json.loads(report.read_text(encoding="utf-8"))
    assert [t["fault"] for t in trials].count("kill-worker") == 2
    assert sum(t["fault"].startswith("sigint") for t in trials) == 3
    assert all(not t["problems"] for t in trials)
    kills = [t for t in trials if t["fault"] == "kill-worker"]
    assert all(t["fault_done"] and t["exit_code"] == 0 and t["summaries"] == 300 for t in kills)


def test_a_pool_that_breaks_at_every_submission_stops_the_study_instead_of_looping(
    compiled, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Workers that die before running anything (say, no memory left to start one): six fresh
    pools in a row, then a clear error, never an endless rebuild."""
    from concurrent.futures.process import BrokenProcessPool

    from drillsim.errors import SimulationError

    made: list[object] = []

    class DeadOnArrival:
        _processes: ClassVar[dict[int, object]] = {}

        def submit(self, *args: object) -> None:
            raise BrokenProcessPool("a worker died while starting")

        def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
            pass

    def pool(compiled: object, workers: int) -> DeadOnArrival:
        made.append(workers)
        return DeadOnArrival()

    monkeypatch.setattr(experiment, "_pool", pool)
    with pytest.raises(SimulationError, match="--workers 1"):
        run_jobs(compiled, plan([BASE], 20, 2), 11, workers=2, on_batch=lambda job, rows: None)
    assert len(made) == experiment.MAX_POOL_RESTARTS + 1


@pytest.mark.slow
def test_ctrl_c_stops_a_dask_study_cleanly(tmp_path: Path) -> None:
    """On Dask too: exit 130, no traceback, the manifest interrupted with what finished, and the
    cluster (shared, it outlives the study) is left with none of the study's tasks."""
    import distributed

    out = tmp_path / "run"
    with distributed.LocalCluster(
        host="127.0.0.1", n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        proc = start_study(out, "--dask", cluster.scheduler_address)
        try:
            wait_for_summaries(out, 200)
            os.killpg(proc.pid, signal.SIGINT)
            _, err = proc.communicate(timeout=60)
        finally:
            proc.kill()
        with distributed.Client(cluster.scheduler_address, set_as_default=False) as client:
            assert wait_until(
                lambda: (
                    not client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.tasks))
                )
            )
    assert proc.returncode == 130, err
    assert b"Traceback" not in err and b"interrupted" in err
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    lines = (out / "summaries" / "base.jsonl").read_bytes().splitlines()
    assert manifest["status"] == "interrupted" and manifest["completed"][BASE] == len(lines) >= 200
    reps = [json.loads(line)["replication"] for line in lines]
    assert reps == sorted(reps)


@pytest.mark.slow  # fault trial: real worker processes killed or signalled
def test_the_portable_fallback_ends_a_worker_whose_parent_has_gone(tmp_path: Path) -> None:
    """Where PR_SET_PDEATHSIG does not exist, a thread polls the parent's pid; once the worker
    has been handed to another process (its parent died) it ends."""
    script = tmp_path / "orphan.py"
    script.write_text(
        textwrap.dedent("""
        import os, sys
        from drillsim.stopping import _watch_parent
        answers = iter([42, 42, 1])
        _watch_parent(42, every=0.01, getppid=lambda: next(answers))
        sys.exit(0)  # not reached: the watcher ends the process with code 1
    """),
        encoding="utf-8",
    )
    r = subprocess.run(
        [sys.executable, str(script)], env=ENV, timeout=60, capture_output=True, check=False
    )
    assert r.returncode == 1, r.stderr


def _killed_mid_send(variant: str, seed: int, lo: int, hi: int) -> list:  # type: ignore[type-arg]
    """The first batch's worker dies as a kill mid-send leaves things: holding the results pipe's
    lock, with the first bytes of a message of a megabyte in the pipe."""
    import struct

    marker = Path(os.environ["DRILLSIM_TEST_MARKER"])
    if lo == 0 and not marker.exists():
        marker.write_text("sent half", encoding="utf-8")
        results = sys._getframe(1).f_locals["result_queue"]  # concurrent.futures' _process_worker
        results._wlock.acquire()
        os.write(results._writer.fileno(), struct.pack("!i", 1 << 20) + b"\x80\x04" + bytes(1000))
        os._exit(9)
    return _REAL(variant, seed, lo, hi)


@pytest.mark.slow  # fault trial: real worker processes killed or signalled
def test_a_worker_killed_while_sending_its_results_does_not_hang_the_study(
    compiled, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Found by the fault trials (1 of 20 kills at -n 5000): killed mid-message, the worker left
    the pool's thread waiting for the rest for ever, and the other worker waiting for the lock it
    held. The study must notice the dead worker itself and go on."""
    import threading

    monkeypatch.setenv("DRILLSIM_TEST_MARKER", str(tmp_path / "half"))
    monkeypatch.setattr(experiment, "_worker_batch", _killed_mid_send)
    got: list = []
    runner = threading.Thread(
        target=lambda: run_jobs(
            compiled,
            plan([BASE], 12, 3),
            11,
            workers=2,
            on_batch=lambda job, rows: got.extend(rows),
        ),
        daemon=True,
    )
    runner.start()
    runner.join(120)  # a hang guard, not a timing assertion
    assert not runner.is_alive(), "the study hung on a worker killed while sending its results"
    assert (tmp_path / "half").exists()
    assert sorted(got, key=lambda r: r.replication) == serial(compiled, 12)
