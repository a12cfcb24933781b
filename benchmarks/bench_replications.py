"""Replications per second serially and on 2 local processes, and memory per kept summary.

Run: ``python benchmarks/bench_replications.py [--n 400]``. Speed-up = serial time / parallel
time for the same replications (identical results); the goal is >= 1.8x on 2 cores when a
replication takes 10 ms or more. Memory: tracemalloc peak while holding N summaries, for two N,
so the growth per replication (the compact summary) is visible; no whole logs are kept.
"""

from __future__ import annotations

import argparse
import glob
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from drillsim.experiment import compile_variants, plan, run_jobs  # noqa: E402
from drillsim.loader import load_scenario  # noqa: E402
from drillsim.results_io import BASE  # noqa: E402
from drillsim.scenario import Scenario  # noqa: E402


def synthetic(agencies: int = 300) -> Scenario:
    """A scenario whose replication takes >= 10 ms: a relay tree with casualties."""
    ids = [f"a{i}" for i in range(agencies)]
    return Scenario.model_validate({
        "scenario": {"id": "synthetic", "title": "synthetic", "horizon": "12h"},
        "target": {"name": "t", "kind": "other"},
        "agencies": [{"id": a, "handling": {"exponential": "1m"}, "travel": {"uniform": ["5m", "20m"]},
                      "units": 2} for a in ids],
        "links": [{"from": ids[i], "to": [ids[j] for j in (2 * i + 1, 2 * i + 2) if j < agencies],
                   "delay": {"exponential": "1m"}, "reliability": 0.9, "retry": "2m"}
                  for i in range(agencies // 2)],
        "incidents": [{"id": "i", "at": "0s", "detected_by": "a0", "casualties": {"red": 20, "yellow": 40},
                       "triggers": ["treat"]}],
        "tasks": [{"id": "treat", "by": [ids[-1], ids[-2]], "per_casualty": {"exponential": "5m"}}],
    })


def timed(compiled: dict, n: int, workers: int) -> tuple[float, list]:  # type: ignore[type-arg]
    rows: list = []  # type: ignore[type-arg]
    t = time.perf_counter()
    run_jobs(compiled, plan([BASE], n, max(1, n // (8 * workers))), 1, workers=workers,
             on_batch=lambda job, r: rows.extend(r))
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=400)
    args = ap.parse_args()
    cases = [(Path(p).stem, load_scenario(p)) for p in sorted(glob.glob("scenarios/*.yaml"))]
    cases.append(("synthetic-300", synthetic()))
    top = ceiling()
    print(f"machine ceiling: 2 processes of pure CPU work run {top:.2f}x faster than one (measured now)")
    print(f"{'case':<28} {'ms/rep':>8} {'rep/s serial':>13} {'rep/s 2 proc':>13} {'speed-up':>9}  identical")
    for name, sc in cases:
        compiled = compile_variants(sc, [BASE])
        t1, serial = timed(compiled, args.n, 1)
        t2, pool = timed(compiled, args.n, 2)
        print(f"{name:<28} {1000 * t1 / args.n:8.2f} {args.n / t1:13.0f} {args.n / t2:13.0f} {t1 / t2:8.2f}x"
              f"  {serial == pool}   ({t1 / t2 / top:.0%} of the ceiling)")
    compiled = compile_variants(cases[0][1], [BASE])
    small, big = memory(compiled, 1000), memory(compiled, 10000)
    print(f"memory ({cases[0][0]}): peak {small:.1f} MiB for 1,000 summaries, {big:.1f} MiB for 10,000: "
          f"{(big - small) / 9000 * 1024:.1f} KiB per replication kept")


if __name__ == "__main__":
    main()
