"""A whole study: replications of every variant, written to a run folder as they finish.

This is the library behind ``drillsim run -n N``; the CLI only parses options and shows progress.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path

from drillsim.analysis.api import ANALYSIS_FILE, analyze, to_json
from drillsim.analysis.stats import share_stats
from drillsim.analysis.summary import ReplicationSummary
from drillsim.files import write_atomic
from drillsim.runs.experiment import (
    BASE,
    Failure,
    Job,
    batch_size,
    compile_variants,
    plan,
    run_jobs,
    simulate,
    simulator,
)
from drillsim.runs.store import Manifest, RunWriter, sha256_file
from drillsim.scenario.model import Scenario
from drillsim.sim.compile import CompiledScenario
from drillsim.stopping import deferred

Progress = Callable[[int], None]


def representative(summaries: Sequence[ReplicationSummary], horizon: float) -> dict[str, int]:
    """The median and the worst replication, by objectives missed and then their total time."""
    if not summaries:
        return {}

    def score(s: ReplicationSummary) -> tuple[int, float]:
        if not s.objectives:
            return (0, s.end_time)
        missed = sum(not o.met for o in s.objectives)
        total = sum(o.time if o.time is not None else 2 * horizon for o in s.objectives)
        return (missed, total)

    ranked = sorted(summaries, key=lambda s: (score(s), s.replication))
    return {"median": ranked[(len(ranked) - 1) // 2].replication, "worst": ranked[-1].replication}


def ci_reached(summaries: dict[str, list[ReplicationSummary]], width: float) -> bool:
    """True when every objective's success share has a 95% interval narrower than ``width``."""
    for rows in summaries.values():
        if not rows:
            return False
        for k in range(len(rows[0].objectives)):
            met = sum(r.objectives[k].met for r in rows)
            if share_stats(met, len(rows)).ci.width >= width:
                return False
    return True


def run_study(
    scenario: Scenario,
    scenario_path: Path,
    out: Path,
    *,
    n: int,
    seed: int,
    variants: Sequence[str] = (BASE,),
    workers: int = 1,
    dask_address: str | None = None,
    until_ci: float | None = None,
    max_events: int | None = None,
    progress: Progress | None = None,
    suggest: int = 0,
) -> Path:
    """Run ``n`` replications of each variant (or until ``until_ci`` is reached, at most ``n``).

    Writes the run folder ``out`` (already created, empty) and returns it. On KeyboardInterrupt the
    manifest is marked ``interrupted``, on any other exception ``failed`` (and the exception is
    raised again); either way the summaries finished so far stay readable. With
    ``suggest`` > 0, the analysis tests its suggested changes with that many replications each
    (common random numbers) and saves everything to ``analysis.json`` for the report.
    """
    variants = list(dict.fromkeys(variants))
    compiled = compile_variants(scenario, variants, max_events=max_events)
    manifest = Manifest(
        scenario_id=scenario.scenario.id,
        scenario_hash=compiled[variants[0]].scenario_hash,
        scenario_file=scenario_path.name,
        scenario_sha256=sha256_file(scenario_path),
        seed=seed,
        replications=n,
        variants=variants,
        workers=workers,
        engine="dask" if dask_address else "local",
        until_ci=until_ci,
    )
    collected: dict[str, list[ReplicationSummary]] = {v: [] for v in variants}
    writer: RunWriter | None = None

    def on_batch(job: Job, rows: list[ReplicationSummary | Failure]) -> None:
        with deferred():  # a Ctrl-C waits until the batch and the manifest counting it are on disk
            in_order.add(job, rows)
        if progress:
            progress(len(rows))

    try:
        with deferred():  # a Ctrl-C now waits for the manifest, which then says "interrupted"
            writer = RunWriter(
                out,
                manifest,
                scenario_path.read_bytes(),
                scenario.model_dump_json(by_alias=True, indent=2),
            )
            in_order = InOrder(writer, manifest, collected)
        _run_rounds(
            compiled, variants, n, seed, workers, dask_address, until_ci, on_batch, collected
        )
        in_order.flush()
        _write_logs(writer, compiled, collected, seed)
        _write_analysis(out, scenario, collected.get(BASE, []), seed, workers, suggest)
    except BaseException as exc:
        # NOTE: any stop, not only Ctrl-C: a manifest left "running" would pass for a live run.
        status = "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
        if writer is not None:
            with (
                deferred(),
                contextlib.suppress(OSError),
            ):  # the error that stopped the run is the one to report
                in_order.flush()
                writer.close(status)
        raise
    with deferred():
        writer.close("complete")
    return out


class InOrder:
    """Writes the batches of each variant in replication order, whatever order they finish in.

    A batch that finishes before the one before it waits here (a few batches at most: as many as
    are in flight), so the summaries files and the manifest's failures are the same bytes for the
    same seed, serial, on a process pool or on Dask. ``collected`` receives the summaries in
    replication order too, so that statistics are summed in one fixed order.
    """

    def __init__(
        self, writer: RunWriter, manifest: Manifest, collected: dict[str, list[ReplicationSummary]]
    ) -> None:
        self.writer = writer
        self.manifest = manifest
        self.collected = collected
        self.next: dict[str, int] = dict.fromkeys(collected, 0)
        self.waiting: dict[str, dict[int, tuple[int, list[ReplicationSummary | Failure]]]] = {
            v: {} for v in collected
        }

    def add(self, job: Job, rows: list[ReplicationSummary | Failure]) -> None:
        """Take a finished batch; write it and every batch it unblocks."""
        waiting = self.waiting[job.variant]
        waiting[job.lo] = (job.hi, rows)
        while (lo := self.next[job.variant]) in waiting:
            hi, ready = waiting.pop(lo)
            self._write(job.variant, ready)
            self.next[job.variant] = hi

    def flush(self) -> None:
        """Write what still waits (after a stop: the batches finished beyond a gap), in order."""
        for variant, waiting in self.waiting.items():
            for lo in sorted(waiting):
                self._write(variant, waiting.pop(lo)[1])

    def _write(self, variant: str, rows: list[ReplicationSummary | Failure]) -> None:
        good = sorted(
            (r for r in rows if isinstance(r, ReplicationSummary)), key=lambda r: r.replication
        )
        self.manifest.failures.extend(
            asdict(r)
            for r in sorted(
                (r for r in rows if isinstance(r, Failure)), key=lambda r: r.replication
            )
        )
        self.writer.append(variant, good)
        self.collected[variant].extend(good)
        self.writer.save_manifest()


def _run_rounds(
    compiled: dict[str, CompiledScenario],
    variants: list[str],
    n: int,
    seed: int,
    workers: int,
    dask_address: str | None,
    until_ci: float | None,
    on_batch: Callable[[Job, list[ReplicationSummary | Failure]], None],
    collected: dict[str, list[ReplicationSummary]],
) -> None:
    """All at once, or in growing rounds until the interval target (``--until-ci``) is met."""
    size = batch_size(n, max(1, workers), cap=50 if dask_address is None else 200)
    if until_ci is None:
        run_jobs(
            compiled,
            plan(variants, n, size),
            seed,
            workers=workers,
            dask_address=dask_address,
            on_batch=on_batch,
        )
        return
    done, step = 0, min(n, 100)
    while done < n:
        todo = min(step, n - done)
        run_jobs(
            compiled,
            plan(variants, todo, max(1, min(size, math.ceil(todo / max(1, workers)))), done),
            seed,
            workers=workers,
            dask_address=dask_address,
            on_batch=on_batch,
        )
        done += todo
        if ci_reached(collected, until_ci):
            return
        step = done  # double the replications each round


def _write_logs(
    writer: RunWriter,
    compiled: dict[str, CompiledScenario],
    collected: dict[str, list[ReplicationSummary]],
    seed: int,
) -> None:
    """Re-simulate the median and worst replication of each variant with whole logs (exact replays)."""
    for variant, rows in collected.items():
        c = compiled[variant]
        for which, rep in representative(rows, c.horizon).items():
            writer.write_log(variant, which, rep, simulate(c, seed, rep).records)


def _write_analysis(
    out: Path,
    scenario: Scenario,
    base: list[ReplicationSummary],
    seed: int,
    workers: int,
    suggest: int,
) -> None:
    """Findings (and, with ``suggest``, the tested improvements) for the report to read."""
    if not base:
        return
    tester = simulator(seed, workers=workers) if suggest > 0 else None
    text = to_json(analyze(scenario, base, simulate=tester, replications=suggest))
    write_atomic(out / ANALYSIS_FILE, text)
