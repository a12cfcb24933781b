"""Interrupted runs (Ctrl-C, kill -9) leave readable partial results that never pass as complete,
and a re-run with the same seed reproduces the replications they share."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from drillsim.folders import lock_folder
from drillsim.runs.store import read_run
from drillsim.scenario.variants import BASE

pytestmark = pytest.mark.slow  # fault trial: real runs interrupted by signals

FIXTURE = Path(__file__).parent / "fixtures" / "report" / "hub.yaml"


def start(out: Path) -> subprocess.Popen[bytes]:
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
            "1",
            "--out",
            str(out),
            "--no-report",
            "--suggest",
            "0",
            "-q",
            "--seed",
            "4",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def wait_for_lines(out: Path, lines: int = 200, timeout: float = 60) -> None:
    path = out / "summaries" / "base.jsonl"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.read_bytes().count(b"\n") >= lines:
            return
        time.sleep(0.1)
    pytest.fail("the run wrote no summaries in time")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
def test_interrupted_run_is_partial_and_reproducible(tmp_path: Path, sig: signal.Signals) -> None:
    out = tmp_path / "run"
    proc = start(out)
    try:
        wait_for_lines(out)
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))  # never half-written
    assert manifest["status"] != "complete"
    if sig == signal.SIGINT:
        assert proc.returncode == 130 and manifest["status"] == "interrupted"
        assert b"finished so far" in err and b"Traceback" not in err
    else:
        assert manifest["status"] == "running"
    if (
        sig == signal.SIGKILL
    ):  # nothing runs on SIGKILL: the next drillsim to take the folder sweeps
        lock_folder(out).release()
    assert not list(out.rglob(".*.tmp"))  # no temporary file left that could be mistaken for output
    data = read_run(out)
    assert data.warnings and len(data.summaries[BASE]) >= 200
    done = data.summaries[BASE]
    again = tmp_path / "again"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "drillsim",
            "run",
            "--lang",
            "en",
            str(FIXTURE),
            "-n",
            str(len(done)),
            "--workers",
            "2",
            "--out",
            str(again),
            "--no-report",
            "--suggest",
            "0",
            "-q",
            "--seed",
            "4",
        ],
        check=True,
        capture_output=True,
    )
    fresh = {s.replication: s for s in read_run(again).summaries[BASE]}
    assert all(fresh[s.replication] == s for s in done)


def test_a_signal_after_the_command_finished_cannot_kill_the_shutdown() -> None:
    """Regression (fault trials): a Ctrl-C in the last moments of a complete run ended the process
    killed by SIGINT (exit -2), because Python's shutdown puts the default SIGINT action back.
    Once the command has returned, stop signals are ignored and its own exit status stands."""
    from drillsim.stopping import STOP_SIGNALS, run_console

    before = {s: signal.getsignal(s) for s in STOP_SIGNALS}
    try:
        with pytest.raises(SystemExit) as done:
            run_console(lambda: lambda: None)
        assert done.value.code == 0
        assert all(signal.getsignal(s) == signal.SIG_IGN for s in STOP_SIGNALS)
        signal.raise_signal(signal.SIGINT)  # ignored: no KeyboardInterrupt, no death
    finally:
        for s, h in before.items():
            signal.signal(s, h)


def test_a_finished_drillsim_process_exits_with_its_status_when_interrupted_at_the_end() -> None:
    """The same through a real process: SIGINT sent to itself after the command's work is done."""
    code = (
        "import os, signal\n"
        "from drillsim.stopping import run_console\n"
        "def command():\n"
        "    return lambda: None\n"
        "import atexit\n"
        "atexit.register(lambda: os.kill(os.getpid(), signal.SIGINT))  # during shutdown\n"
        "run_console(command)\n"
    )
    r = subprocess.run(
        [sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=60
    )
    assert r.returncode == 0, (r.returncode, r.stderr)
    assert "Traceback" not in r.stderr
