"""Engine benchmark: time per replication against hand-written SimPy models of the same mechanisms.

Run with ``python -m benchmarks`` (or ``python benchmarks/run.py``); see benchmarks/README.md.

* Each example scenario whole (alerts with desks, retries and backups, mobilisation, tasks with
  units and prerequisites, casualties) against ``benchmarks.baseline.FullModel``, after checking
  that the two give the same times: on a copy with every distribution at its mean, and on the
  scenario itself with the baseline drawing from drillsim's own streams. The summary's cost is
  timed beside the replication's.

Two things are timed in the same process, in interleaved rounds (engine, baseline, engine,
baseline, ...), and the median of the rounds is reported, because the machines this runs on are
shared and noisy: ratios measured side by side are the figures to compare (PERFORMANCE.md).

* drillsim: ``run_replication(compiled, seed, replication)`` on a compiled scenario, and
  ``Summarizer(compiled)`` on its results (``summary ms``, ``share`` of a replication).
* baseline: for a whole scenario the model above; for the ``alerts only`` rows and the generated
  graphs a minimal hand-written SimPy model of alert propagation only: a desk
  ``simpy.Resource`` per agency, a handling timeout, a link delay, the first alert wins. No
  records, no reasons, no units. It is the floor a SimPy engine can reach for this model.
  Each baseline is timed twice: as written (``ratio``) and with the cyclic GC off during the run
  like drillsim's engine (``no-GC`` column), so the GC trick cannot flatter the ratio unseen.

Generated graphs: N agencies, each with links to 3 other agencies chosen by a seeded
``random.Random``; one duty officer per agency (so messages queue at the desks), handling 30s,
link delay 60s; every fifth agency has a uniform handling time and every fifth link an exponential
delay. One incident detected by agency 0; no tasks.
"""

from __future__ import annotations

import argparse
import gc
import math
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import simpy

from benchmarks.baseline import (
    Times,
    drillsim_times,
    full_replication,
    same_streams_replication,
    with_means,
)
from drillsim.analysis.summary import Summarizer
from drillsim.scenario.model import Scenario
from drillsim.sim.compile import CompiledScenario, compile_scenario
from drillsim.sim.engine import run_replication
from drillsim.sim.records import EventKind

ROOT = Path(__file__).resolve().parent.parent


# -- generated scenarios ---------------------------------------------------------------------
def graph_scenario(
    n: int, *, seed: int = 1, out_degree: int = 3, stochastic: bool = True
) -> Scenario:
    """N agencies with ``out_degree`` random links each (alert propagation only)."""
    rng = random.Random(seed)
    agencies: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    for i in range(n):
        handling: Any = {"uniform": ["10s", "50s"]} if stochastic and i % 5 == 4 else "30s"
        agencies.append({"id": f"a{i}", "handling": handling})
        targets = (
            rng.sample([j for j in range(n) if j != i], min(out_degree, n - 1)) if n > 1 else []
        )
        for k, j in enumerate(targets):
            delay: Any = {"exponential": "60s"} if stochastic and (3 * i + k) % 5 == 2 else "60s"
            links.append({"from": f"a{i}", "to": f"a{j}", "delay": delay})
    return Scenario.model_validate(
        {
            "scenario": {"id": f"graph{n}", "title": f"{n} agencies", "horizon": "30d"},
            "target": {"name": "generated", "kind": "other"},
            "agencies": agencies,
            "links": links,
            "incidents": [{"id": "i", "at": "0s", "detected_by": "a0"}],
        }
    )


def alerts_only(s: Scenario, *, deterministic: bool = False) -> Scenario:
    """The alert propagation of a real scenario, in the form the baseline models.

    Same agencies (desks, duty officers, handling times) and links (delays), but every try gets
    through (reliability 1, no backup), the first inject alone, detected at once, and no tasks,
    objectives, activation or travel. ``deterministic`` replaces each distribution by its mean,
    so the two models can be checked to alert the same agencies at the same times.
    """

    def dist(d: Any) -> Any:
        return {"fixed": f"{d.mean()}s"} if deterministic else d.model_dump(mode="json")

    first = min(s.incidents, key=lambda i: i.at)
    return Scenario.model_validate(
        {
            "scenario": {
                "id": f"{s.scenario.id}-alerts",
                "title": s.scenario.title,
                "horizon": "30d",
            },
            "target": {"name": s.target.name, "kind": s.target.kind},
            "agencies": [
                {"id": a.id, "duty_officers": a.duty_officers, "handling": dist(a.handling)}
                for a in s.agencies
            ],
            "links": [
                {"from": link.from_, "to": list(link.to), "delay": dist(link.delay)}
                for link in s.links
            ],
            "incidents": [{"id": first.id, "at": "0s", "detected_by": first.detected_by}],
        }
    )


# -- the baseline: minimal SimPy alert propagation -------------------------------------------
class MinimalModel:
    """Desk resource per agency, handling timeout, link delay, first alert wins; nothing else."""

    def __init__(self, compiled: CompiledScenario, seed: int) -> None:
        self.rng = random.Random(seed)
        self.env = simpy.Environment()
        self.desks = [simpy.Resource(self.env, a.duty_officers) for a in compiled.agencies]
        # Plain tuples: (handling, [(target, delay), ...]); a callable is an inverse CDF.
        self.table = [
            (a.handling, [(e.target, e.channels[0].delay) for e in a.out_edges])
            for a in compiled.agencies
        ]
        self.alerted: dict[int, float] = {}
        self.start = compiled.incidents[0].detector
        self.at = compiled.incidents[0].at

    def value(self, s: Any) -> float:
        return s if s.__class__ is float else s(self.rng.random())

    def send(self, source: int, target: int, delay: Any) -> Any:
        env = self.env
        desk = self.desks[source]
        with desk.request() as req:
            yield req
            yield env.timeout(self.value(self.table[source][0]))
        yield env.timeout(self.value(delay))
        if target not in self.alerted:
            self.alert(target)

    def alert(self, agency: int) -> None:
        self.alerted[agency] = self.env.now
        for target, delay in self.table[agency][1]:
            self.env.process(self.send(agency, target, delay))

    def run(self) -> dict[int, float]:
        self.env.timeout(self.at).callbacks.append(lambda _e: self.alert(self.start))  # type: ignore[arg-type]
        self.env.run()
        return self.alerted


def baseline_replication(compiled: CompiledScenario, seed: int) -> dict[int, float]:
    return MinimalModel(compiled, seed).run()


def baseline_replication_nogc(compiled: CompiledScenario, seed: int) -> dict[int, float]:
    """The baseline with the cyclic GC off during the run, as drillsim's engine does."""
    gc.disable()
    try:
        return MinimalModel(compiled, seed).run()
    finally:
        gc.enable()


# -- timing ----------------------------------------------------------------------------------
def _time(fn: Callable[[int], Any], reps: int, start: int) -> float:
    t0 = time.perf_counter()
    for k in range(reps):
        fn(start + k)
    return (time.perf_counter() - t0) / reps


def interleaved(
    fns: dict[str, Callable[[int], Any]], rounds: int, budget: float
) -> dict[str, float]:
    """Median seconds per call of each function, over ``rounds`` interleaved rounds."""
    first = next(iter(fns.values()))
    once = max(_time(first, 1, 0), 1e-6)
    reps = max(1, int(budget / rounds / len(fns) / once))
    times: dict[str, list[float]] = {name: [] for name in fns}
    for r in range(rounds):
        for name, fn in fns.items():
            times[name].append(_time(fn, reps, r * reps))
    return {name: statistics.median(ts) for name, ts in times.items()}


def check_same_alert_times(compiled: CompiledScenario) -> None:
    """On a deterministic graph the baseline and drillsim must alert the same agencies at the same times."""
    ours = {
        compiled.agency_index[x.agency]: x.time
        for x in run_replication(compiled, 0).records
        if x.kind in (EventKind.DETECTED, EventKind.ALERTED)
    }
    theirs = baseline_replication(compiled, 0)
    assert ours.keys() == theirs.keys() and all(math.isclose(ours[k], theirs[k]) for k in ours), (
        "baseline and engine disagree: the comparison would be meaningless"
    )


def same_times(ours: Times, theirs: Times) -> bool:
    """The same milestones at the same times (and, for task work, by the same agency)."""
    if ours.keys() != theirs.keys():
        return False
    for k, x in ours.items():
        y = theirs[k]
        if isinstance(x, tuple):
            if x[1] != y[1] or not math.isclose(x[0], y[0]):
                return False
        elif not math.isclose(x, y):
            return False
    return True


def check_same_times(name: str, scenario: Scenario, replications: int = 5) -> None:
    """drillsim and the hand-written model give the same times on the scenario with every
    distribution at its mean, and on the scenario itself when both draw from the same streams."""
    for label, s, reps in (("means", with_means(scenario), 1), ("streams", scenario, replications)):
        c = compile_scenario(s)
        for k in range(reps):
            ours = drillsim_times(run_replication(c, 0, k), c)
            assert same_times(ours, same_streams_replication(c, 0, k)), (
                f"{name} ({label}, replication {k}): the baseline and drillsim disagree, "
                "the comparison would be meaningless"
            )


def bench_full(name: str, compiled: CompiledScenario, rounds: int, budget: float) -> dict[str, Any]:
    """A whole scenario against the hand-written model of all its mechanisms, and its summary."""
    return bench(name, compiled, rounds, budget, full_replication)


def bench(
    name: str,
    compiled: CompiledScenario,
    rounds: int,
    budget: float,
    baseline: Callable[[CompiledScenario, int], Any] | None = None,
) -> dict[str, Any]:
    """drillsim, the baseline (alerts only unless given), it without GC, and the summary."""
    base_fn = baseline or baseline_replication
    results = [run_replication(compiled, 0, k) for k in range(10)]
    records = len(results[0].records)
    links = len(compiled.edges)
    summarize = Summarizer(compiled)

    def nogc(k: int) -> Any:
        gc.disable()
        try:
            return base_fn(compiled, k)
        finally:
            gc.enable()

    timings = interleaved(
        {
            "drillsim": lambda k: run_replication(compiled, 0, k),
            "simpy": lambda k: base_fn(compiled, k),
            "simpy_nogc": nogc,
            "summary": lambda k: summarize(results[k % len(results)]),
        },
        rounds,
        budget,
    )
    ours, base, nogc_s = timings["drillsim"], timings["simpy"], timings["simpy_nogc"]
    return {
        "case": name,
        "agencies": len(compiled.agencies),
        "links": links,
        "records": records,
        "ms": ours * 1e3,
        "baseline_ms": base * 1e3,
        "ratio": ours / base,
        "ratio_nogc": ours / nogc_s,
        "events_per_s": records / ours,
        "us_per_link": ours * 1e6 / max(links, 1),
        "summary_ms": timings["summary"] * 1e3,
        "summary_share": timings["summary"] / ours,
    }


def example_scenarios() -> list[tuple[str, Scenario]]:
    """Every scenarios/*.yaml that loads (skipped with a note when it does not)."""
    from drillsim.scenario.loader import load_scenario

    out = []
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        try:
            out.append((path.stem, load_scenario(path)))
        except Exception as exc:  # noqa: BLE001 - a benchmark reports and goes on
            print(
                f"skipped {path.name}: {type(exc).__name__}: {str(exc).splitlines()[0][:100]}",
                file=sys.stderr,
            )
    return out


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="10,100,1000,10000", help="generated graph sizes (agencies)")
    p.add_argument("--rounds", type=int, default=7, help="interleaved rounds (median reported)")
    p.add_argument("--budget", type=float, default=3.0, help="seconds of timing per case")
    p.add_argument(
        "--quick", action="store_true", help="3 rounds, 1 s per case, up to 1,000 agencies"
    )
    p.add_argument("--no-gc-note", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.quick:
        args.rounds, args.budget, args.sizes = 3, 1.0, "10,100,1000"
    rows = []
    for name, scenario in example_scenarios():
        check_same_times(name, scenario)
        rows.append(bench_full(name, compile_scenario(scenario), args.rounds, args.budget))
        _print(rows[-1], header=len(rows) == 1)
        check_same_alert_times(compile_scenario(alerts_only(scenario, deterministic=True)))
        rows.append(
            bench(
                "  alerts only", compile_scenario(alerts_only(scenario)), args.rounds, args.budget
            )
        )
        _print(rows[-1], header=False)
    for n in (int(x) for x in args.sizes.split(",")):
        check_same_alert_times(compile_scenario(graph_scenario(n, stochastic=False)))
        t0 = time.perf_counter()
        compiled = compile_scenario(graph_scenario(n))
        build = time.perf_counter() - t0
        gc.collect()
        rows.append(bench(f"graph-{n}", compiled, args.rounds, max(args.budget, 0.0)))
        rows[-1]["build_s"] = build
        _print(rows[-1], header=len(rows) == 1)
    return rows


def _print(row: dict[str, Any], header: bool) -> None:
    if header:
        print(
            f"{'case':<28}{'agencies':>9}{'links':>8}{'records':>9}{'ms/rep':>10}{'simpy ms':>10}"
            f"{'ratio':>7}{'no-GC':>7}{'events/s':>11}{'us/link':>9}{'summary ms':>11}{'share':>7}"
        )

    def num(x: float, width: int, digits: int) -> str:
        return f"{'-':>{width}}" if math.isnan(x) else f"{x:>{width}.{digits}f}"

    print(
        f"{row['case']:<28}{row['agencies']:>9}{row['links']:>8}{row['records']:>9}{row['ms']:>10.3f}"
        f"{num(row['baseline_ms'], 10, 3)}{num(row['ratio'], 7, 2)}{num(row['ratio_nogc'], 7, 2)}"
        f"{row['events_per_s']:>11,.0f}{row['us_per_link']:>9.2f}"
        f"{row['summary_ms']:>11.3f}{row['summary_share']:>7.2f}",
        flush=True,
    )


if __name__ == "__main__":
    main()
