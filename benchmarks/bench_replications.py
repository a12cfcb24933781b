"""Replications per second serially, on 2 local processes and on a 2-worker Dask cluster, and
memory per kept summary.

Run: ``python benchmarks/bench_replications.py [--n 400] [--rounds 3]``. Speed-up = serial time /
parallel time for the same replications (identical results, checked); the goal is >= 1.8x on 2
cores when a replication takes 10 ms or more, and Dask no slower than local processes at equal
workers. The machine is shared, so serial, pool and Dask runs are interleaved round by round and
each ratio is the median over the rounds, beside the machine's own 2-process ceiling measured
the same way. Memory: tracemalloc peak while holding N summaries, for two N, so the growth per
replication (the compact summary) is visible; no whole logs are kept.
"""

from __future__ import annotations

import argparse
import glob
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from drillsim.runs.experiment import batch_size, compile_variants, plan, run_jobs
from drillsim.scenario.loader import load_scenario
from drillsim.scenario.model import Scenario
from drillsim.scenario.variants import BASE


def synthetic(agencies: int = 300) -> Scenario:
    """A scenario whose replication takes >= 10 ms: a relay tree with casualties."""
    ids = [f"a{i}" for i in range(agencies)]
    return Scenario.model_validate(
        {
            "scenario": {"id": "synthetic", "title": "synthetic", "horizon": "12h"},
            "target": {"name": "t", "kind": "other"},
            "agencies": [
                {
                    "id": a,
                    "handling": {"exponential": "1m"},
                    "travel": {"uniform": ["5m", "20m"]},
                    "units": 2,
                }
                for a in ids
            ],
            "links": [
                {
                    "from": ids[i],
                    "to": [ids[j] for j in (2 * i + 1, 2 * i + 2) if j < agencies],
                    "delay": {"exponential": "1m"},
                    "reliability": 0.9,
                    "retry": "2m",
                }
                for i in range(agencies // 2)
            ],
            "incidents": [
                {
                    "id": "i",
                    "at": "0s",
                    "detected_by": "a0",
                    "casualties": {"red": 20, "yellow": 40},
                    "triggers": ["treat"],
                }
            ],
            "tasks": [
                {"id": "treat", "by": [ids[-1], ids[-2]], "per_casualty": {"exponential": "5m"}}
            ],
        }
    )


def timed(compiled: dict, n: int, workers: int, dask: str | None = None) -> tuple[float, list]:  # type: ignore[type-arg]
    """Seconds for n replications, and their summaries in replication order."""
    rows: list = []  # type: ignore[type-arg]
    size = batch_size(n, workers, cap=50 if dask is None else 200)  # as drillsim run chooses
    t = time.perf_counter()
    run_jobs(
        compiled,
        plan([BASE], n, size),
        1,
        workers=workers,
        dask_address=dask,
        on_batch=lambda job, r: rows.extend(r),
    )
    return time.perf_counter() - t, sorted(rows, key=lambda s: s.replication)


def _spin(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def ceiling(n: int = 10_000_000) -> float:
    """What 2 processes give on this machine for pure CPU work (shared machines give less than 2)."""
    import multiprocessing as mp

    t = time.perf_counter()
    _spin(n)
    _spin(n)
    serial = time.perf_counter() - t
    t = time.perf_counter()
    with mp.get_context("fork").Pool(2) as pool:
        pool.map(_spin, [n, n])
    return serial / (time.perf_counter() - t)


def memory(compiled: dict, n: int) -> float:  # type: ignore[type-arg]
    tracemalloc.start()
    _, rows = timed(compiled, n, 1)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del rows
    return peak / 2**20


def _cluster() -> object | None:
    """A 2-worker local Dask cluster (one thread per worker process), if the Dask extra is installed."""
    try:
        import distributed
    except ImportError:
        return None
    return distributed.LocalCluster(
        host="127.0.0.1", n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=400)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    cases = [(Path(p).stem, load_scenario(p)) for p in sorted(glob.glob("scenarios/*.yaml"))]
    cases.append(("synthetic-300", synthetic()))
    cluster = _cluster()
    dask = getattr(cluster, "scheduler_address", None)
    tops = [ceiling() for _ in range(args.rounds)]
    top = statistics.median(tops)
    print(
        f"machine ceiling: 2 processes of pure CPU work run {top:.2f}x faster than one "
        f"(median of {args.rounds}: {', '.join(f'{x:.2f}' for x in tops)})"
    )
    print(
        f"{'case':<28} {'ms/rep':>7} {'rep/s 1':>8} {'rep/s 2 proc':>12} {'speed-up':>9} {'of ceiling':>10}"
        f" {'dask 2 w':>9} {'dask/pool':>9}  identical"
    )
    for name, sc in cases:
        compiled = compile_variants(sc, [BASE])
        t1s, t2s, tds, same = [], [], [], True
        for _ in range(args.rounds):  # interleaved, so a busy spell hits every column alike
            t1, serial = timed(compiled, args.n, 1)
            t2, pool = timed(compiled, args.n, 2)
            t1s.append(t1)
            t2s.append(t2)
            same = same and serial == pool
            if dask:
                td, on_dask = timed(compiled, args.n, 2, dask)
                tds.append(td)
                same = same and on_dask == serial
        t1 = statistics.median(t1s)
        up = statistics.median(a / b for a, b in zip(t1s, t2s))
        dask_cols = (
            f"{args.n / statistics.median(tds):9.0f} {statistics.median(b / c for b, c in zip(t2s, tds)):8.2f}x"
            if tds
            else f"{'-':>9} {'-':>9}"
        )
        print(
            f"{name:<28} {1000 * t1 / args.n:7.2f} {args.n / t1:8.0f} {args.n / statistics.median(t2s):12.0f} "
            f"{up:8.2f}x {up / top:10.0%} {dask_cols}  {same}"
        )
    if cluster is not None:
        cluster.close()  # type: ignore[attr-defined]
    compiled = compile_variants(cases[0][1], [BASE])
    small, big = memory(compiled, 1000), memory(compiled, 10000)
    print(
        f"memory ({cases[0][0]}): peak {small:.1f} MiB for 1,000 summaries, {big:.1f} MiB for 10,000: "
        f"{(big - small) / 9000 * 1024:.1f} KiB per replication kept"
    )


if __name__ == "__main__":
    main()
