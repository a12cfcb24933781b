"""Scaling benchmark: every stage of ``drillsim run`` with its report, timed at 100 to 10,000 agencies.

Run with ``python -m benchmarks --scale`` (``--quick`` for 100 and 1,000 agencies); see
benchmarks/README.md. Each size runs in a child process of its own, so the peak memory printed
(``ru_maxrss``) is that size's alone, and a stage that runs past ``--stage-timeout`` is stopped and
shown as such instead of holding the whole run (CPU seconds: a loaded machine does not stop it). Times are the child's CPU seconds
(``time.process_time``), which other programs on a shared machine disturb far less than the
wall clock; the wall time is in the rows ``--json`` writes. The fitted exponent of a stage is the
slope of log(time) against log(agencies) by least squares over the sizes (1 = linear).

Stages, in the order a run does them (see ``STAGES``): reading the YAML, validating it (pydantic),
the semantic checks, compiling, one replication and its summary, the analysis (graph structure with
betweenness and single points of failure, the agencies tasks need, findings, the suggestions
listed but not simulated), a run folder of two replications, and the report: each chart (timed
where the report calls it, so changes in drillsim.charts show) and each format.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SIZES = (100, 1_000, 10_000)
QUICK_SIZES = (100, 1_000)


class StageTimeout(Exception):
    """A stage ran past ``--stage-timeout`` CPU seconds."""


@contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    def ring(_sig: int, _frame: Any) -> None:
        raise StageTimeout

    # NOTE: a CPU-time timer (ITIMER_PROF), so that a loaded machine does not stop a stage early.
    old = signal.signal(signal.SIGPROF, ring)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, old)


def _rss_mb() -> float:
    """Peak resident memory of this process so far, MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- the stages ------------------------------------------------------------------------------------
# Each stage takes the state dict and adds what later stages need. Imports are inside, so that a
# stage's import cost is not charged to the stage before it and a broken one does not stop the rest.


def s_yaml(st: dict[str, Any]) -> None:
    from drillsim.scenario.loader import parse_yaml

    st["located"] = parse_yaml(st["text"], st["file"])


def s_validate(st: dict[str, Any]) -> None:
    from drillsim.scenario import loader

    if hasattr(loader, "validate_located"):
        st["scenario"] = loader.validate_located(st["located"], st["file"])
    else:  # a tree from before it existed: what load_scenario_text did
        from drillsim.scenario import limits
        from drillsim.scenario.model import Scenario

        assert not limits.cost_problems(st["located"], st["file"])
        st["scenario"] = Scenario.model_validate(st["located"].data)


def s_semantics(st: dict[str, Any]) -> None:
    from drillsim.scenario import semantics
    from drillsim.scenario.locate import locate_problems

    problems = locate_problems(semantics.check(st["scenario"]), st["located"], st["file"])
    errors = [p for p in problems if p.severity == "error"]
    assert not errors, errors[:3]


def s_compile(st: dict[str, Any]) -> None:
    from drillsim.sim.compile import compile_scenario

    st["compiled"] = compile_scenario(st["scenario"])


def s_replication(st: dict[str, Any]) -> None:
    from drillsim.sim.engine import run_replication

    st["result"] = run_replication(st["compiled"], 1, 0)


def s_summary(st: dict[str, Any]) -> None:
    from drillsim.analysis.summary import summarize

    st["summaries"] = [summarize(st["result"], st["compiled"])]


def s_build_graph(st: dict[str, Any]) -> None:
    from drillsim.sim.compile import build_graph

    st["graph"] = build_graph(st["scenario"])


def s_structure(st: dict[str, Any]) -> None:
    from drillsim.analysis.graph import structure

    st["structure"] = structure(st["graph"], st["scenario"])


def s_betweenness(st: dict[str, Any]) -> None:
    """The betweenness the structure uses, alone (part of ``graph structure``)."""
    from drillsim.analysis import graph as g

    fn = getattr(g, "betweenness", None)
    if fn is not None:  # the shared, size-aware computation
        fn(st["graph"], g._latency_graph(st["graph"]))
    else:  # before it existed: the two exact computations structure() ran
        import networkx as nx

        nx.betweenness_centrality(st["graph"])
        nx.betweenness_centrality(g._latency_graph(st["graph"]), weight="weight")


def s_dominators(st: dict[str, Any]) -> None:
    """Single points of failure alone (part of ``graph structure``)."""
    from drillsim.analysis.graph import single_points_of_failure, sources

    single_points_of_failure(st["graph"], sources(st["scenario"]))


def s_needed(st: dict[str, Any]) -> None:
    """The agencies some task needs, alone (part of ``graph structure``)."""
    from drillsim.analysis.graph import needed_agencies

    needed_agencies(st["scenario"])


def s_stats(st: dict[str, Any]) -> None:
    from drillsim.analysis.results import objective_stats, queue_summaries

    st["stats"] = objective_stats(st["scenario"], "base", st["summaries"])
    st["queues"] = queue_summaries(st["scenario"], st["summaries"])


def s_findings(st: dict[str, Any]) -> None:
    from drillsim.analysis.findings import find

    st["findings"] = find(st["scenario"], st["stats"], st["queues"], st["structure"])


def s_suggestions(st: dict[str, Any]) -> None:
    from drillsim.analysis.suggest import candidates

    candidates(st["findings"], 6, st["scenario"])


def s_run_folder(st: dict[str, Any]) -> None:
    """``run_study`` of 2 replications into a folder (simulation, summaries, analysis.json)."""
    from drillsim.runs.study import run_study

    root = Path(st["tmp"]) / "run"
    root.mkdir()
    path = Path(st["tmp"]) / st["file"]
    path.write_text(st["text"], encoding="utf-8")
    st["root"] = run_study(st["scenario"], path, root, n=2, seed=1, workers=1)


def s_report_data(st: dict[str, Any]) -> None:
    from drillsim.report import _add_analysis
    from drillsim.report.data import build

    st["report"] = build(st["root"], "en")
    _add_analysis(st["report"])


CHARTS = (
    "ecdf",
    "critical_path_split",
    "gantt",
    "coordination_graph",
    "variant_comparisons",
    "observed_vs_simulated",
    "tornado",
    "save_figure",
)
"""The chart callables the report draws through ``drillsim.charts`` (each timed where called)."""


def s_charts(st: dict[str, Any]) -> None:
    """Every chart of the report (``make_charts``); each builder's own time goes to ``chart:NAME``."""
    import drillsim.charts as ch
    from drillsim.report import charts_folder
    from drillsim.report.figures import make_charts

    spent: dict[str, float] = st.setdefault("chart_times", {})
    saved: dict[str, Any] = {}

    def timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            c0 = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.process_time() - c0

        return call

    for name in CHARTS:
        saved[name] = getattr(ch, name)
        setattr(ch, name, timed(name, saved[name]))
    d = st["report"]
    try:
        d.charts = make_charts(d, st["root"] / charts_folder(d.lang, d.scenario.scenario.language))
    finally:
        for name, fn in saved.items():
            setattr(ch, name, fn)


def s_html(st: dict[str, Any]) -> None:
    from drillsim.report import render_html

    render_html(st["report"])


def s_markdown(st: dict[str, Any]) -> None:
    from drillsim.report import render_markdown

    render_markdown(st["report"])


def s_docx(st: dict[str, Any]) -> None:
    from drillsim.report.docx import docx_bytes

    docx_bytes(st["report"])


def s_pdf(st: dict[str, Any]) -> None:
    from drillsim.report import pdf_bytes, render_html

    pdf_bytes(render_html(st["report"]))


Stage = tuple[str, Callable[[dict[str, Any]], None], tuple[str, ...]]
STAGES: tuple[Stage, ...] = (
    ("YAML load", s_yaml, ()),
    ("validation", s_validate, ("YAML load",)),
    ("semantic checks", s_semantics, ("validation",)),
    ("compile", s_compile, ("validation",)),
    ("one replication", s_replication, ("compile",)),
    ("summary", s_summary, ("one replication",)),
    ("coordination graph", s_build_graph, ("validation",)),
    ("graph structure", s_structure, ("coordination graph",)),
    ("  betweenness", s_betweenness, ("coordination graph",)),
    ("  dominators", s_dominators, ("coordination graph",)),
    ("  needed agencies", s_needed, ("validation",)),
    ("objective/queue stats", s_stats, ("summary",)),
    ("findings", s_findings, ("objective/queue stats", "graph structure")),
    ("suggestions listed", s_suggestions, ("findings",)),
    ("run folder (n=2)", s_run_folder, ("validation",)),
    ("report data+analysis", s_report_data, ("run folder (n=2)",)),
    ("charts (all)", s_charts, ("report data+analysis",)),
    ("HTML", s_html, ("report data+analysis",)),
    ("Markdown", s_markdown, ("report data+analysis",)),
)
OPTIONAL: dict[str, Stage] = {
    "docx": ("DOCX", s_docx, ("report data+analysis",)),
    "pdf": ("PDF", s_pdf, ("report data+analysis",)),
}
"""Report formats timed only when asked (``--docx``, ``--pdf``). A format is rendered with the
charts drawn, or without them when the charts stage timed out or failed."""

REPORT_STAGES = 5
"""The last stages of ``STAGES`` that write and read the run folder and report (``--no-report``)."""

SUB_STAGES = {"  betweenness", "  dominators", "  needed agencies"}
"""Parts of ``graph structure`` timed alone too; not added again to the total."""


def stages(docx: bool = False, pdf: bool = False, report: bool = True) -> list[Stage]:
    """The stage list, with the optional report formats asked for (none without ``report``)."""
    if not report:
        return list(STAGES[:-REPORT_STAGES])
    return [*STAGES, *(OPTIONAL["docx"],) * docx, *(OPTIONAL["pdf"],) * pdf]


def warm_up() -> None:
    """Import every module the stages use and run the analysis stages once on a tiny scenario,
    so that no stage's time includes an import or a first-call cache."""
    import drillsim.charts.graph
    import drillsim.charts.timeline
    import drillsim.report.docx
    import drillsim.report.figures
    import drillsim.runs.study  # noqa: F401

    run_stages(12, report=False)


def run_stages(
    n: int,
    *,
    seed: int = 1,
    timeout: float = 0.0,
    docx: bool = False,
    pdf: bool = False,
    report: bool = True,
    emit: Callable[[dict[str, Any]], None] = lambda _row: None,
) -> dict[str, dict[str, Any]]:
    """Run every stage once on the ``n``-agency scenario; name -> {seconds, status, rss_mb}.

    A stage whose inputs are missing (an earlier stage failed or timed out) is ``skipped``.
    """
    from benchmarks.scale_scenario import scenario_text

    out: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="drillsim-scale-") as tmp:
        st: dict[str, Any] = {"text": scenario_text(n, seed), "file": f"scale-{n}.yaml", "tmp": tmp}
        for name, fn, needs in stages(docx, pdf, report):
            row: dict[str, Any] = {"stage": name, "n": n, "seconds": math.nan, "wall": math.nan}
            if any(out[x]["status"] != "ok" for x in needs):
                row["status"] = "skipped"
            else:
                t0, c0 = time.perf_counter(), time.process_time()
                try:
                    with _alarm(timeout) if timeout > 0 else _nothing():
                        fn(st)
                    row["status"] = "ok"
                except StageTimeout:
                    row["status"] = "timeout"
                except Exception as exc:  # noqa: BLE001 - a benchmark reports and goes on
                    row["status"] = f"failed: {type(exc).__name__}: {str(exc)[:120]}"
                row["seconds"] = time.process_time() - c0
                row["wall"] = time.perf_counter() - t0
            row["rss_mb"] = _rss_mb()
            out[name] = row
            emit(row)
            if name == "charts (all)":
                for chart, sec in sorted(st.get("chart_times", {}).items()):
                    sub = {"stage": f"  chart: {chart}", "n": n, "seconds": sec, "status": "ok"}
                    sub["wall"] = math.nan
                    sub["rss_mb"] = row["rss_mb"]
                    out[sub["stage"]] = sub
                    emit(sub)
    return out


@contextmanager
def _nothing() -> Iterator[None]:
    yield


# -- the parent: one child per size and tree, then the table ---------------------------------------


def child_rows(
    n: int, tree: Path | None, args: argparse.Namespace
) -> tuple[dict[str, dict[str, Any]], float]:
    """Run one size in a child process (drillsim from ``tree``); its rows and peak memory in MB."""
    cmd = [sys.executable, str(HERE / "bench_scale.py"), "--child", str(n)]
    cmd += ["--seed", str(args.seed), "--stage-timeout", str(args.stage_timeout)]
    cmd += ["--docx"] * args.docx + ["--pdf"] * args.pdf + ["--no-report"] * args.no_report
    env = dict(os.environ)
    if tree is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(tree), str(HERE.parent)])
    rows: dict[str, dict[str, Any]] = {}
    peak = math.nan
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=env) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            row = json.loads(line)
            if "peak_mb" in row:
                peak = row["peak_mb"]
                continue
            rows[row["stage"]] = row
            if args.verbose:
                print(f"  [{n}] {row['stage']}: {row['seconds']:.3f} s {row['status']}", flush=True)
    return rows, peak


def exponent(sizes: list[int], seconds: list[float]) -> float:
    """Least-squares slope of log(seconds) on log(size): 1 is linear, 2 quadratic."""
    pts = [(math.log(n), math.log(s)) for n, s in zip(sizes, seconds, strict=True) if s > 0]
    if len(pts) < 2:
        return math.nan
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    sxx = sum((x - mx) ** 2 for x, _ in pts)
    return sum((x - mx) * (y - my) for x, y in pts) / sxx if sxx else math.nan


def _cell(row: dict[str, Any] | None) -> str:
    if row is None:
        return "-"
    if row["status"] == "ok":
        s = row["seconds"]
        return f"{s * 1e3:.1f} ms" if s < 1 else f"{s:.2f} s"
    if row["status"] == "timeout":
        return f">{row['seconds']:.0f} s (stopped)"
    return row["status"].split(":")[0]


def table(
    label: str, sizes: list[int], results: dict[int, dict[str, Any]], peaks: dict[int, float]
) -> str:
    """The Markdown table of one tree's run: stage x size, fitted exponent."""
    names = list(dict.fromkeys(k for n in sizes for k in results[n]))
    head = f"| {label} | " + " | ".join(f"{n:,}" for n in sizes) + " | exponent |"
    lines = [head, "|---|" + "---:|" * (len(sizes) + 1)]
    for name in names:
        rows = [results[n].get(name) for n in sizes]
        ok = [r is not None and r["status"] == "ok" for r in rows]
        fit = exponent(sizes, [r["seconds"] for r in rows]) if all(ok) else math.nan  # type: ignore[index]
        cells = " | ".join(_cell(r) for r in rows)
        lines.append(f"| {name} | {cells} | {'-' if math.isnan(fit) else f'{fit:.2f}'} |")
    total = []
    for n in sizes:
        rs = [r for k, r in results[n].items() if k not in SUB_STAGES and "chart:" not in k]
        total.append(sum(r["seconds"] for r in rs if not math.isnan(r["seconds"])))
    lines.append(
        "| total (all stages) | "
        + " | ".join(f"{t:.2f} s" for t in total)
        + f" | {exponent(sizes, total):.2f} |"
    )
    lines.append(
        "| peak memory (child) | " + " | ".join(f"{peaks[n]:,.0f} MB" for n in sizes) + " | |"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict[str, dict[int, dict[str, Any]]]:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks --scale", description=__doc__.splitlines()[0]
    )
    p.add_argument("--scale", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--quick", action="store_true", help="100 and 1,000 agencies only")
    p.add_argument(
        "--sizes", default=None, help="agencies, comma-separated (default 100,1000,10000)"
    )
    p.add_argument("--seed", type=int, default=1)
    p.add_argument(
        "--stage-timeout", type=float, default=300.0, help="seconds before a stage is stopped (300)"
    )
    p.add_argument("--docx", action="store_true", help="also time the DOCX report")
    p.add_argument("--no-report", action="store_true", help="stop before the run folder and report")
    p.add_argument("--pdf", action="store_true", help="also time the PDF report (needs Chromium)")
    p.add_argument(
        "--trees",
        default="",
        help="drillsim source trees to compare, comma-separated (e.g. before,after); default this one",
    )
    p.add_argument("--verbose", action="store_true", help="print each stage as it finishes")
    p.add_argument("--json", default="", help="also write every row (CPU and wall seconds) here")
    p.add_argument("--child", type=int, default=0, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        _child(args)
        return {}
    sizes = (
        [int(x) for x in args.sizes.split(",")]
        if args.sizes
        else list(QUICK_SIZES if args.quick else SIZES)
    )
    trees: list[Path | None] = [Path(t).resolve() for t in args.trees.split(",") if t] or [None]
    results: dict[str, dict[int, dict[str, Any]]] = {str(t or "this tree"): {} for t in trees}
    peaks: dict[str, dict[int, float]] = {k: {} for k in results}
    for n in sizes:  # trees interleaved size by size: the same machine state for before and after
        for tree in trees:
            key = str(tree or "this tree")
            print(f"{key}: {n:,} agencies ...", file=sys.stderr, flush=True)
            results[key][n], peaks[key][n] = child_rows(n, tree, args)
    for key, rows in results.items():
        print(f"\n{key} (CPU seconds)\n")
        print(table("stage", sizes, rows, peaks[key]), flush=True)
    if args.json:
        plain = {
            k: {"rows": {str(n): r for n, r in v.items()}, "peak_mb": peaks[k]}
            for k, v in results.items()
        }
        Path(args.json).write_text(json.dumps(plain, indent=1), encoding="utf-8")
    return results


def _child(args: argparse.Namespace) -> None:
    def emit(row: dict[str, Any]) -> None:
        print(json.dumps(row), flush=True)

    warm_up()
    run_stages(
        args.child,
        report=not args.no_report,
        seed=args.seed,
        timeout=args.stage_timeout,
        docx=args.docx,
        pdf=args.pdf,
        emit=emit,
    )
    print(json.dumps({"peak_mb": _rss_mb()}), flush=True)


if __name__ == "__main__":
    if str(HERE.parent) not in sys.path:
        sys.path.append(
            str(HERE.parent)
        )  # after PYTHONPATH: drillsim comes from the tree asked for
    main()
