"""Time the report's two charts that grow with the scenario, at 100, 1,000 and 10,000 agencies.

``python -m benchmarks.bench_charts [--sizes 100,1000,10000]`` draws the coordination diagram
of a random graph (out-degree about 3, one agency flagged as the bottleneck, four sectors) and
the Gantt timeline of one replication (an agency row and a desk row per agency) and saves each
as PNG and SVG, as the report does. It prints CPU seconds per stage (a shared machine's wall
time says more about the other tenants), the fitted exponent of each
stage between the smallest and the largest size (1 = linear) and the peak memory of the
process. The scenario-level figure (``drillsim run -n 20`` with its report) is measured with
``benchmarks/scale_scenario.py`` and ``/usr/bin/time -v``; see benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import math
import random
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from drillsim import charts
from drillsim.charts import GanttBar, GraphEdge, GraphNode

SECTORS = ("Security", "Health", "Fire and rescue", "Government")


def graph_inputs(n: int, seed: int = 1) -> tuple[list[GraphNode], list[GraphEdge]]:
    """n agencies, each alerted by an earlier one and by two at random."""
    rng = random.Random(seed)
    grouped = "group" in GraphNode.__dataclass_fields__  # not before the summarised diagram
    nodes = [
        GraphNode(
            f"a{i}",
            f"Commune police post {i}",
            rng.random() * 300 if i % 3 else None,
            i == min(5, n - 1),
            i == 0,
            **({"group": SECTORS[i % len(SECTORS)]} if grouped else {}),
        )
        for i in range(n)
    ]
    edges = []
    for i in range(1, n):
        for s in dict.fromkeys((rng.randrange(i), rng.randrange(n), rng.randrange(n))):
            if s != i:
                edges.append(
                    GraphEdge(f"a{s}", f"a{i}", 60 + rng.random() * 60, simulated=i % 2 == 0)
                )
    return nodes, edges


def gantt_inputs(n: int, seed: int = 1) -> tuple[list[GanttBar], list[str], dict[str, str]]:
    """One replication's bars: a desk row (handling) and a units row (work) per agency."""
    rng = random.Random(seed)
    bars, order, subs = [], [], {}
    for i in range(n):
        row, desk = f"Commune police post {i}", f"Commune police post {i} · duty desk"
        start = rng.random() * 3000
        bars.append(GanttBar(desk, start / 2, start, "desk_handling"))
        bars.append(GanttBar(row, start, start + rng.random() * 600, "work"))
        order += [row, desk]
        subs[desk] = "duty desk"
    return bars, order, subs


def _timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    """The result and the CPU seconds of this process (not wall time: the machine is shared)."""
    t = time.process_time()
    out = fn()
    return out, time.process_time() - t


def measure(n: int, folder: Path) -> dict[str, float]:
    """Seconds to build and to save each chart for ``n`` agencies."""
    nodes, edges = graph_inputs(n)
    fig, build_graph = _timed(lambda: charts.coordination_graph(nodes, edges, seed=1))
    _, save_graph = _timed(lambda: charts.save_figure(fig, folder / f"graph-{n}"))
    bars, order, subs = gantt_inputs(n)
    fig, build_gantt = _timed(lambda: charts.gantt(bars, rows=order, sub_rows=subs))
    _, save_gantt = _timed(lambda: charts.save_figure(fig, folder / f"gantt-{n}"))
    return {
        "graph": build_graph,
        "graph save": save_graph,
        "gantt": build_gantt,
        "gantt save": save_gantt,
    }


def main(argv: list[str] | None = None) -> None:
    """Print each stage's seconds per size, its fitted exponent and the peak memory."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000")
    sizes = [int(s) for s in parser.parse_args(argv).sizes.split(",")]
    charts.coordination_graph(*graph_inputs(3), seed=1)  # imports and fonts, outside the timing
    with tempfile.TemporaryDirectory() as tmp:
        results = {n: measure(n, Path(tmp)) for n in sizes}
    stages = list(results[sizes[0]])
    print(f"{'agencies':>9} " + " ".join(f"{s:>11}" for s in stages))
    for n in sizes:
        print(f"{n:>9,} " + " ".join(f"{results[n][s]:>10.2f}s" for s in stages))
    if len(sizes) > 1:
        lo, hi = sizes[0], sizes[-1]
        slopes = [math.log(results[hi][s] / results[lo][s]) / math.log(hi / lo) for s in stages]
        print(f"{'exponent':>9} " + " ".join(f"{x:>11.2f}" for x in slopes))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak:,.0f} MB")


if __name__ == "__main__":
    main()
