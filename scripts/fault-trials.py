#!/usr/bin/env python3
"""Fault trials: Ctrl-C and killed workers at random moments of a real study, and what they leave.

    python scripts/fault-trials.py                       # 40 SIGINTs, 20 worker kills, -n 5000
    python scripts/fault-trials.py --sigints 3 --kills 2 -n 300 --jobs 2

First one reference study runs to the end (same seed), watched to learn how long it takes and
when it has worker processes. Then each trial starts the same study and, after a random delay
(seeded: ``--seed``), either sends SIGINT (alternately to the whole process group, as a Ctrl-C
in a terminal does, and to the drillsim process alone) or SIGKILLs one of its worker processes
(found by scanning /proc, no psutil). A trial passes when:

* the study completed with every replication (exit 0, manifest ``complete``) and its run folder
  is byte-identical to the reference (the manifest's ``started_at`` and ``finished_at`` aside), or
* after a SIGINT, it stopped within ``--stop-within`` seconds with exit 130, its manifest says
  ``interrupted`` (or ``complete`` when the study was done and the report being written) and
  counts exactly the summaries on disk, each of them byte-identical to the reference's line for
  that replication (or the run folder was not made yet);
* and in both cases: no traceback on stderr, no temporary file, and no process of the study
  alive two seconds after it ended.

Prints one line per trial and the tally; exits 1 if any trial failed. ``--json FILE`` saves the
trials for a test or a report.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VOLATILE = ("started_at", "finished_at")
"""Manifest fields that differ between two runs of one study: when it ran. Nothing else may."""


def children_of(pid: int) -> set[int]:
    """Every live descendant of ``pid``, from /proc (zombies excluded: they are dead)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if fields[0] != "Z":
            parents[int(entry)] = int(fields[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {p for p, pp in parents.items() if pp in frontier and p not in found}
        found |= frontier
    return found


def alive(pid: int) -> bool:
    """True if ``pid`` exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2 :].split()[0] != "Z"


@dataclass
class Trial:
    """One study and the fault it met."""

    index: int
    fault: str  # "reference", "sigint-group", "sigint-process" or "kill-worker"
    delay: float
    exit_code: int | None = None
    status: str = ""
    fault_done: bool = False
    stop_seconds: float | None = None
    duration: float = 0.0
    summaries: int = 0
    problems: list[str] = field(default_factory=list)
    last_worker: float = 0.0  # the reference: when it last had worker processes

    @property
    def ok(self) -> bool:
        """No problem found."""
        return not self.problems


def command(args: argparse.Namespace, out: Path) -> list[str]:
    """The study every trial runs."""
    return [
        sys.executable,
        "-m",
        "drillsim",
        "run",
        str(args.scenario),
        "-n",
        str(args.n),
        "--workers",
        "2",
        "--seed",
        str(args.study_seed),
        "--out",
        str(out),
        "-q",
        *args.extra,
    ]


def run_trial(trial: Trial, args: argparse.Namespace, work: Path) -> Path:
    """Start the study, meet it with the trial's fault, and check what it left."""
    out = work / f"trial-{trial.index:03d}" / "run"  # one folder name: the report prints it
    out.parent.mkdir(parents=True)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(
            os.pathsep
        ),
    }
    start = time.monotonic()
    proc = subprocess.Popen(
        command(args, out),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,
        cwd=out.parent,
    )
    seen: set[int] = set()
    stderr: list[bytes] = []
    reader = threading.Thread(target=lambda: stderr.append(proc.stderr.read()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    stdout = threading.Thread(target=proc.stdout.read, daemon=True)  # type: ignore[union-attr]
    stdout.start()
    signalled: float | None = None
    while proc.poll() is None:
        now = time.monotonic() - start
        kids = children_of(proc.pid)
        seen |= kids
        if kids and trial.fault == "reference":
            trial.last_worker = round(now, 1)
        if not trial.fault_done and now >= trial.delay:
            signalled = _fault(trial, proc, kids) or signalled
        if signalled is not None and time.monotonic() - signalled > args.give_up:
            os.killpg(proc.pid, signal.SIGKILL)
            trial.problems.append(f"still running {args.give_up:.0f} s after SIGINT: killed")
            break
        if args.hang_after and now > args.hang_after:
            os.killpg(proc.pid, signal.SIGKILL)
            trial.problems.append(f"hung: still running after {args.hang_after:.0f} s, killed")
            break
        time.sleep(0.1)
    proc.wait()
    end = time.monotonic()
    reader.join(5)
    trial.duration = round(end - start, 1)
    trial.exit_code = proc.returncode
    if signalled is not None:
        trial.stop_seconds = round(end - signalled, 2)
    time.sleep(2)
    left = sorted(p for p in seen if alive(p))
    if left:
        trial.problems.append(f"processes alive 2 s after the study ended: {left}")
        for p in left:
            with _suppress():
                os.kill(p, signal.SIGKILL)
    err = b"".join(stderr).decode("utf-8", "replace")
    if "Traceback" in err:
        trial.problems.append(
            "a traceback on stderr: " + err[err.index("Traceback") :][:300].replace("\n", " | ")
        )
    return out


def _fault(trial: Trial, proc: subprocess.Popen[bytes], kids: set[int]) -> float | None:
    """Deliver the trial's fault now; the time a SIGINT was sent, or None."""
    if trial.fault == "reference":
        return None
    if trial.fault == "kill-worker":
        workers = sorted(p for p in kids if _is_worker(p))
        if workers:  # else wait for the next moment it has one
            with _suppress():
                os.kill(random.Random(trial.index).choice(workers), signal.SIGKILL)
                trial.fault_done = True
        return None
    trial.fault_done = True
    with _suppress():
        if trial.fault == "sigint-group":
            os.killpg(proc.pid, signal.SIGINT)
        else:
            proc.send_signal(signal.SIGINT)
    return time.monotonic()


def _is_worker(pid: int) -> bool:
    """A Python child of the study (a pool worker), not a browser or other helper."""
    try:
        return "python" in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].decode(
            errors="replace"
        )
    except OSError:
        return False


class _suppress:
    """Ignore a process that has just ended."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> bool:
        return exc[0] is not None and issubclass(exc[0], (ProcessLookupError, PermissionError))  # type: ignore[arg-type]


def files(root: Path) -> dict[str, bytes]:
    """Every file of a run folder by relative path (temporary files included, to be reported)."""
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def manifest_without_times(data: bytes) -> dict[str, object]:
    """The manifest with the fields that must differ between runs removed."""
    m = json.loads(data)
    for key in VOLATILE:
        m.pop(key, None)
    return m  # type: ignore[no-any-return]


def check(trial: Trial, out: Path, reference: dict[str, bytes], args: argparse.Namespace) -> None:
    """Judge what the trial left in its run folder."""
    got = files(out) if out.exists() else {}
    # The folder's marker (.drillsim-files, the list of what drillsim wrote there) belongs to it;
    # a temporary file or a lock still there after the process ended does not.
    temps = [name for name in got if name.endswith(".tmp") or Path(name).name == ".drillsim-lock"]
    if temps:
        trial.problems.append(f"temporary files left: {temps}")
    if "manifest.json" not in got:
        if got or trial.exit_code not in (130,):
            trial.problems.append(f"no manifest (exit {trial.exit_code}, files {sorted(got)[:5]})")
        trial.status = "no folder yet"
        return
    manifest = json.loads(got["manifest.json"])
    trial.status = manifest["status"]
    lines = got.get("summaries/base.jsonl", b"").splitlines(keepends=True)
    trial.summaries = len(lines)
    if trial.exit_code == 0:
        if trial.status != "complete":
            trial.problems.append(f"exit 0 but the manifest says {trial.status}")
        same = {k for k in reference if k != "manifest.json" and got.get(k) == reference[k]}
        differ = sorted((set(reference) | set(got)) - same - {"manifest.json"})
        if differ:
            trial.problems.append(f"not byte-identical to the reference: {differ[:6]}")
        if manifest_without_times(got["manifest.json"]) != manifest_without_times(
            reference["manifest.json"]
        ):
            trial.problems.append("manifest differs from the reference beyond its times")
        return
    if trial.fault.startswith("sigint"):
        if trial.exit_code != 130:
            trial.problems.append(f"exit {trial.exit_code} after SIGINT, not 130")
        if trial.stop_seconds is not None and trial.stop_seconds > args.stop_within:
            trial.problems.append(
                f"took {trial.stop_seconds} s to stop (limit {args.stop_within} s)"
            )
    else:
        trial.problems.append(
            f"a killed worker ended the study: exit {trial.exit_code}, {trial.status}"
        )
    if trial.status not in ("interrupted", "complete"):
        trial.problems.append(f"manifest status {trial.status!r} after SIGINT")
    if manifest["completed"].get("base", 0) != len(lines):
        trial.problems.append(
            f"manifest counts {manifest['completed'].get('base', 0)} summaries, "
            f"the file holds {len(lines)}"
        )
    ref = {
        json.loads(line)["replication"]: line
        for line in reference["summaries/base.jsonl"].splitlines(keepends=True)
    }
    if any(ref.get(json.loads(line)["replication"]) != line for line in lines):
        trial.problems.append("a summary differs from the reference's for the same replication")
    if trial.status == "complete" and len(lines) != args.n:
        trial.problems.append(f"complete with {len(lines)} of {args.n} summaries")


def main(argv: list[str] | None = None) -> int:
    """Run the trials and print the tally."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--scenario", type=Path, default=ROOT / "scenarios" / "son-la-bank-hostage.yaml"
    )
    ap.add_argument("-n", type=int, default=5000, help="replications per study")
    ap.add_argument("--sigints", type=int, default=40)
    ap.add_argument("--kills", type=int, default=20, help="trials in which one worker is SIGKILLed")
    ap.add_argument("--jobs", type=int, default=1, help="trials run at the same time")
    ap.add_argument("--seed", type=int, default=15, help="seed of the random moments")
    ap.add_argument("--study-seed", type=int, default=7)
    ap.add_argument(
        "--stop-within", type=float, default=10.0, help="seconds a study may take to stop"
    )
    ap.add_argument(
        "--give-up", type=float, default=60.0, help="seconds after SIGINT before SIGKILL"
    )
    ap.add_argument(
        "--hang-after",
        type=float,
        default=0.0,
        help="seconds after which a study counts as hung (default: 4 times the reference's)",
    )
    ap.add_argument("--json", type=Path, help="write the trials here")
    ap.add_argument(
        "--work", type=Path, help="folder for the run folders (default: a temporary one)"
    )
    ap.add_argument("extra", nargs="*", help="more `drillsim run` options, after --")
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="fault-trials-", dir=args.work))
    rng = random.Random(args.seed)

    ref = Trial(0, "reference", delay=0.0)
    hang_after, args.hang_after = args.hang_after, 0.0
    ref_out = run_trial(ref, args, work)
    args.hang_after = hang_after
    if ref.exit_code != 0 or ref.problems:
        print(f"reference study failed (exit {ref.exit_code}): {ref.problems}", file=sys.stderr)
        return 2
    reference = files(ref_out)
    args.hang_after = args.hang_after or max(120.0, 4 * ref.duration)
    last_worker = ref.last_worker or ref.duration
    print(
        f"reference: {ref.duration} s, worker processes seen until {last_worker} s; "
        f"{len(reference)} files",
        flush=True,
    )
    trials = [
        Trial(
            i + 1,
            "sigint-group" if i % 2 == 0 else "sigint-process",
            delay=round(rng.uniform(0.3, ref.duration), 2),
        )
        for i in range(args.sigints)
    ]
    trials += [
        Trial(args.sigints + i + 1, "kill-worker", delay=round(rng.uniform(0.3, last_worker), 2))
        for i in range(args.kills)
    ]
    rng.shuffle(trials)

    def one(trial: Trial) -> Trial:
        out = run_trial(trial, args, work)
        while trial.fault == "kill-worker" and not trial.fault_done and trial.delay > 1:
            # The study had no worker left at that moment (it runs slower beside other trials):
            # try an earlier one, in a fresh folder.
            trial.delay, trial.problems = round(trial.delay / 2, 2), []
            trial.index += 1000
            out = run_trial(trial, args, work)
        check(trial, out, reference, args)
        print(
            f"trial {trial.index:3d} {trial.fault:15s} at {trial.delay:7.2f} s: exit {trial.exit_code}, "
            f"{trial.status or '-'}, {trial.summaries} summaries"
            + (f", stopped in {trial.stop_seconds} s" if trial.stop_seconds is not None else "")
            + ("" if trial.fault_done else ", fault not delivered")
            + ("" if trial.ok else f"  FAILED: {'; '.join(trial.problems)}"),
            flush=True,
        )
        return trial

    with ThreadPoolExecutor(max(1, args.jobs)) as pool:
        done = list(pool.map(one, trials))
    tally(done)
    if args.json:
        args.json.write_text(
            json.dumps([asdict(t) for t in [ref, *done]], indent=1), encoding="utf-8"
        )
    return 0 if all(t.ok for t in done) else 1


def tally(trials: list[Trial]) -> None:
    """Print the summary: how each kind of fault ended."""
    for kind in ("sigint-group", "sigint-process", "kill-worker"):
        group = [t for t in trials if t.fault == kind]
        if not group:
            continue
        stops = [t.stop_seconds for t in group if t.stop_seconds is not None and t.exit_code == 130]
        print(
            f"{kind}: {len(group)} trials, {sum(t.ok for t in group)} passed; "
            f"{sum(t.exit_code == 0 for t in group)} completed (byte-identical to the reference), "
            f"{sum(t.exit_code == 130 for t in group)} stopped with exit 130"
            + (
                f" in at most {max(stops):.2f} s (median {sorted(stops)[len(stops) // 2]:.2f} s)"
                if stops
                else ""
            )
            + f"; faults delivered {sum(t.fault_done for t in group)}"
        )
    print(f"total: {len(trials)} trials, {sum(not t.ok for t in trials)} failed")


if __name__ == "__main__":
    sys.exit(main())
