"""Many replications per variant: serial, on local processes, or on a Dask cluster.

Replication ``i`` of every variant uses the random streams of ``(run seed, i)`` (common random
numbers), whatever the worker that runs it, so serial, process-pool and Dask runs give identical
per-replication results. Work is sent in batches (a process-pool task costs ~0.2 ms and a Dask
task ~2 ms, shared/PERFORMANCE.md), and results are put back in replication order.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import wait as mp_wait
from multiprocessing.context import BaseContext
from typing import Any, cast

from drillsim.analysis.suggest import Simulate
from drillsim.analysis.summary import ReplicationSummary
from drillsim.errors import InputError, SimulationError
from drillsim.i18n import Msg
from drillsim.runs.batch import Failure, Job, batch_size, plan, run_batch
from drillsim.runs.distributed import run_on_dask
from drillsim.scenario.model import Scenario, Variant
from drillsim.scenario.variants import BASE, apply_variant
from drillsim.sim.compile import CompiledScenario, compile_scenario
from drillsim.sim.engine import run_replication
from drillsim.sim.records import ReplicationResult
from drillsim.stopping import forget_child, signals_blocked, track_child, worker_setup

MAX_REPLICATIONS = 1_000_000
"""Protective limit on replications per variant (``--max-replications`` raises it)."""


def compile_variants(
    scenario: Scenario, variants: Sequence[str], *, max_events: int | None = None
) -> dict[str, CompiledScenario]:
    """Compile the base scenario and each named variant once (``base`` is the unchanged scenario)."""
    kwargs = {"max_events": max_events} if max_events else {}
    out: dict[str, CompiledScenario] = {}
    for v in variants:
        if v in out:
            continue
        if v == BASE:
            out[v] = compile_scenario(scenario, **kwargs)
        else:
            out[v] = compile_scenario(apply_variant(scenario, v), **kwargs)
    return out


def simulate(compiled: CompiledScenario, seed: int, replication: int) -> ReplicationResult:
    """One replication with its whole log (for the chosen few whose timelines are drawn)."""
    return run_replication(compiled, seed, replication)


_WORKER_COMPILED: dict[str, CompiledScenario] = {}


def _init_worker(compiled: dict[str, CompiledScenario], parent: int) -> None:
    worker_setup(parent)
    _WORKER_COMPILED.clear()
    _WORKER_COMPILED.update(compiled)


def _worker_batch(variant: str, seed: int, lo: int, hi: int) -> list[ReplicationSummary | Failure]:
    return run_batch(_WORKER_COMPILED[variant], variant, seed, range(lo, hi))


Progress = Callable[[int], None]


def run_jobs(
    compiled: dict[str, CompiledScenario],
    jobs: Sequence[Job],
    seed: int,
    *,
    workers: int = 1,
    dask_address: str | None = None,
    on_batch: Callable[[Job, list[ReplicationSummary | Failure]], None],
) -> None:
    """Run the jobs; call ``on_batch`` as each finishes (in any order). Serial when workers <= 1."""
    if dask_address:
        run_on_dask(dask_address, compiled, jobs, seed, on_batch)
    elif workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            on_batch(
                job, run_batch(compiled[job.variant], job.variant, seed, range(job.lo, job.hi))
            )
    else:
        _run_pool(compiled, jobs, seed, workers, on_batch)


# fork is far cheaper to start on Linux; spawn elsewhere. Chosen per pool, never set globally.
_BASE_CONTEXT: Any = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")


class _WorkerProcess(_BASE_CONTEXT.Process):
    """A pool worker started with the stop signals blocked, and known to an immediate stop."""

    def start(self) -> None:
        with signals_blocked():
            super().start()
        if self.pid is not None:
            track_child(self.pid)


class _WorkerContext:
    """The pool's multiprocessing context: the base context, with :class:`_WorkerProcess`."""

    Process = _WorkerProcess

    def __getattr__(self, name: str) -> Any:
        return getattr(_BASE_CONTEXT, name)


POLL_SECONDS = 1.0
"""How often a pool with no batch finished is checked for a worker that died unnoticed."""

MAX_POOL_RESTARTS = 5
"""Fresh pools in a row that may break before running anything before the study gives up."""


def _run_pool(
    compiled: dict[str, CompiledScenario],
    jobs: Sequence[Job],
    seed: int,
    workers: int,
    on_batch: Callable[[Job, list[ReplicationSummary | Failure]], None],
) -> None:
    pool = _pool(compiled, workers)
    pending: dict[Future[Any], Job] = {}
    todo = deque(jobs)
    restarts = 0
    try:
        while todo or pending:
            broken = _fill(pool, pending, todo, seed, workers * 2)
            if not broken:
                done, _ = wait(pending, timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
                broken = any(isinstance(f.exception(), BrokenProcessPool) for f in done) or (
                    not done and _lost_worker(pool)
                )
            if not broken:
                for fut in done:
                    on_batch(pending.pop(fut), fut.result())
                restarts = 0
                continue
            # A worker died (killed, out of memory), now or before this submission: every batch in
            # flight fails with it, and the pool cannot say whose batch killed it. Keep what
            # finished, rerun the others one by one in a process of their own, then go on with a
            # fresh pool.
            _stop(pool)
            restarts = 0 if pending else restarts + 1  # the batches in flight make progress alone
            if restarts > MAX_POOL_RESTARTS:
                raise SimulationError(Msg("runs.workers_died", times=restarts))
            _rerun(compiled, pending, seed, on_batch)
            pool = _pool(compiled, workers)
    finally:
        _stop(pool)


def _lost_worker(pool: ProcessPoolExecutor) -> bool:
    """True if a worker has died although the pool has not said so.

    A worker killed in the middle of sending its results leaves half a message in the pipe: the
    pool's thread waits for the rest for ever, and the other workers wait for the lock the dead
    one held. Only a look at the processes themselves tells.
    """
    return any(p.exitcode is not None for p in (getattr(pool, "_processes", None) or {}).values())


def _fill(
    pool: ProcessPoolExecutor,
    pending: dict[Future[Any], Job],
    todo: deque[Job],
    seed: int,
    limit: int,
) -> bool:
    """Submit jobs until ``limit`` are in flight; True if the pool is broken (a worker died)."""
    while todo and len(pending) < limit:
        job = todo[0]
        try:
            fut = pool.submit(_worker_batch, job.variant, seed, job.lo, job.hi)
        except BrokenProcessPool:
            return True
        pending[fut] = todo.popleft()
    return False


def _rerun(
    compiled: dict[str, CompiledScenario],
    pending: dict[Future[Any], Job],
    seed: int,
    on_batch: Callable[[Job, list[ReplicationSummary | Failure]], None],
) -> None:
    """After a broken pool: hand on the batches that finished, rerun the others in isolation."""
    finished = {
        f: j for f, j in pending.items() if f.done() and not f.cancelled() and f.exception() is None
    }
    for fut, job in finished.items():
        on_batch(job, fut.result())
    for fut, job in pending.items():  # in submission order
        if fut not in finished:
            on_batch(job, isolated(compiled[job.variant], job, seed))
    pending.clear()


def isolated(
    compiled: CompiledScenario, job: Job, seed: int, tries: int = 2
) -> list[ReplicationSummary | Failure]:
    """Run a batch alone in a fresh process; one that kills its process is halved down to the culprit.

    A worker killed from outside (by an operator, or the OOM killer for another process's sake)
    costs nothing: a single replication gets ``tries`` processes. One that kills its process
    every time is reported with its seed, and only it: the rest of its batch is kept.
    """
    pool = _pool({job.variant: compiled}, 1)
    try:
        rows: list[ReplicationSummary | Failure] = pool.submit(
            _worker_batch, job.variant, seed, job.lo, job.hi
        ).result()
        pool.shutdown(wait=True)
        return rows
    except BrokenProcessPool:
        pass
    finally:
        _stop(pool)
    if job.hi - job.lo == 1:
        if tries > 1:
            return isolated(compiled, job, seed, tries - 1)
        return _lost(job, seed, Msg("runs.worker_died"))
    mid = (job.lo + job.hi) // 2
    return [
        *isolated(compiled, Job(job.variant, job.lo, mid), seed, tries),
        *isolated(compiled, Job(job.variant, mid, job.hi), seed, tries),
    ]


def _pool(compiled: dict[str, CompiledScenario], workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=cast(BaseContext, _WorkerContext()),  # duck-typed: the base context's methods
        initializer=_init_worker,
        initargs=(compiled, os.getpid()),
    )


def _stop(pool: ProcessPoolExecutor) -> None:
    """Shut a pool down now: its workers are terminated, not waited for (a batch may take minutes).

    Called on every way out of a pool, so an interrupted study never waits for a running batch
    and leaves no worker behind; on a pool already shut down cleanly it does nothing.
    """
    procs = list((getattr(pool, "_processes", None) or {}).values())
    results = getattr(pool, "_result_queue", None)
    for p in procs:
        with contextlib.suppress(OSError, ValueError):
            p.terminate()  # SIGTERM: the workers keep its default action
    pool.shutdown(wait=False, cancel_futures=True)
    if procs and results is not None:
        # NOTE: with the workers gone, this was the last open end for writing results: a pool
        # thread stuck on half a message from a killed worker now reads end-of-file, and ends.
        with contextlib.suppress(OSError, AttributeError):
            results._writer.close()
    # NOTE: waited for by their sentinels, not join(): the pool's own thread may reap them first.
    alive = {p.sentinel: p for p in procs if p.exitcode is None}
    deadline = time.monotonic() + 2.0
    while alive and (left := deadline - time.monotonic()) > 0:
        for ready in mp_wait(list(alive), left):
            alive.pop(ready)
    for p in alive.values():
        with contextlib.suppress(OSError, ValueError):
            p.kill()
    for p in procs:
        forget_child(p.pid)


def _lost(job: Job, seed: int, why: str) -> list[ReplicationSummary | Failure]:
    return [Failure(job.variant, i, seed, why) for i in range(job.lo, job.hi)]


def default_workers() -> int:
    """The machine's cores (what ``--workers`` defaults to)."""
    return (
        len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    )


def check_replications(n: int, limit: int = MAX_REPLICATIONS) -> None:
    """Refuse absurd replication counts with a message saying how to raise the limit."""
    if n < 1:
        raise InputError(Msg("runs.too_few_replications"))
    if n > limit:
        raise InputError(Msg("runs.too_many_replications", n=n, limit=limit))


def _keep(
    summaries: list[ReplicationSummary],
    failures: list[Failure] | None,
    rows: Sequence[ReplicationSummary | Failure],
) -> None:
    for r in rows:
        if isinstance(r, ReplicationSummary):
            summaries.append(r)
        elif failures is not None:
            failures.append(r)


def simulate_summaries(
    scenario: Scenario,
    variants: Sequence[Variant | str],
    n: int,
    seed: int,
    *,
    workers: int = 1,
    base: bool = True,
    failures: list[Failure] | None = None,
    start: int = 0,
) -> dict[str, list[ReplicationSummary]]:
    """Summaries of the base (unless ``base=False``) and of each variant over replications
    ``start .. start+n-1``, under CRN.

    A variant is an object (a suggested change, a sweep's grid point) or the id of one of the
    scenario's variants (``base`` naming the scenario unchanged). Failed replications are left out
    of the summaries; given a ``failures`` list, each is appended to it, so a caller that must not
    show a result over fewer replications than asked (``compare``) can refuse.
    """
    compiled = {BASE: compile_scenario(scenario)} if base else {}
    for v in variants:
        name = v if isinstance(v, str) else v.id
        compiled[name] = compile_scenario(scenario if v == BASE else apply_variant(scenario, v))
    out: dict[str, list[ReplicationSummary]] = {k: [] for k in compiled}
    run_jobs(
        compiled,
        plan(list(compiled), n, batch_size(n, workers), start),
        seed,
        workers=workers,
        on_batch=lambda job, rows: _keep(out[job.variant], failures, rows),
    )
    return {k: sorted(rows, key=lambda s: s.replication) for k, rows in out.items()}


def simulator(seed: int, *, workers: int = 1) -> Simulate:
    """The ``Simulate`` the analysis tests suggested changes with: the base and the changes over
    a range of replication indices, under common random numbers with the study's seed."""

    def simulate(
        scenario: Scenario, variants: Sequence[Variant], reps: range
    ) -> dict[str, list[ReplicationSummary]]:
        return simulate_summaries(
            scenario, variants, len(reps), seed, workers=workers, start=reps.start
        )

    return simulate
