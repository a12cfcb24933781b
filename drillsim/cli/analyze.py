"""``drillsim analyze``: ranked bottlenecks with evidence, and the tested improvements."""

from __future__ import annotations

from pathlib import Path

import click

from drillsim.analysis.api import Analysis, to_json
from drillsim.analysis.api import analyze as run_analysis
from drillsim.analysis.queues import by_p90
from drillsim.analysis.suggest import Suggestion, split
from drillsim.analysis.summary import ReplicationSummary
from drillsim.cli.options import (
    force_option,
    json_option,
    max_replications_option,
    replications_option,
    results_option,
    seed_option,
    suggest_option,
    variant_option,
    workers_option,
)
from drillsim.cli.output import echo, open_scenario
from drillsim.errors import InputError
from drillsim.files import check_output, write_atomic
from drillsim.report.data import finished_replications
from drillsim.runs.check import open_run
from drillsim.runs.experiment import (
    check_replications,
    default_workers,
    simulate_summaries,
    simulator,
)
from drillsim.runs.inputs import check_variants
from drillsim.runs.store import read_files
from drillsim.scenario.durations import clock
from drillsim.scenario.model import Scenario
from drillsim.scenario.variants import BASE, apply_variant


@click.command()
@click.argument(
    "file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@replications_option
@max_replications_option
@seed_option
@variant_option
@workers_option
@suggest_option
@results_option
@json_option
@force_option
def analyze(
    file: Path | None,
    replications: int,
    max_replications: int,
    seed: int | None,
    variants: tuple[str, ...],
    workers: int | None,
    suggest: int,
    results: Path | None,
    json_path: Path | None,
    force: bool,
) -> None:
    """Find where the response loses time and what change would win it back.

    Prints the ranked bottlenecks with their evidence (critical-path shares, queue figures,
    single points of failure in the coordination graph) for the base scenario or one --variant.
    Each suggested change is then simulated under common random numbers (--suggest
    replications, 0 to skip) and ranked by its effect on the objectives, as in drillsim run.

    \b
    Examples:
      drillsim analyze scenarios/lai-chau-hydropower.yaml
      drillsim analyze scenarios/lai-chau-hydropower.yaml --variant hotline-down --suggest 0
      drillsim analyze --results reports/lai-chau-hydropower --json findings.json
    """
    if len(variants) > 1:
        raise click.UsageError("analyze takes one --variant at a time")
    variant = variants[0] if variants else None
    if json_path is not None:  # before minutes of simulation
        check_output(json_path, force=force, inputs=read_files(file, results))
    w = default_workers() if workers is None else workers
    if results is not None:
        scenario, base, seed = _saved(results, variant, seed)
        replications = len(base)
    elif file is not None:
        scenario = open_scenario(file, variants)
        check_replications(replications, max_replications)
        seed = scenario.scenario.seed if seed is None else seed
        base = []
    else:
        raise click.UsageError("give a scenario FILE or --results RUN_DIR")
    if variant:
        check_variants(scenario, variants)
        scenario = apply_variant(scenario, variant)
    if not base:
        base = simulate_summaries(scenario, [], replications, seed, workers=w)[BASE]
    n = min(replications, suggest)
    result = run_analysis(
        scenario,
        base,
        simulate=simulator(seed, workers=w) if n else None,
        replications=n,
    )
    _print(result)
    if json_path is not None:
        write_atomic(json_path, to_json(result))
        echo(f"analysis: {json_path}")


def _saved(
    results: Path, variant: str | None, seed: int | None
) -> tuple[Scenario, list[ReplicationSummary], int]:
    """A saved run's scenario, finished summaries of the base (or of ``variant``), and seed."""
    data, scenario = open_run(results)
    base = (
        data.summaries.get(variant, [])
        if variant and variant != BASE
        else finished_replications(data)
    )
    if not base:
        raise InputError(
            f"the run in {results} has no finished replications of {variant or BASE}; it has "
            f"{', '.join(v for v, rows in data.summaries.items() if rows) or 'none'}"
        )
    return scenario, base, data.manifest.seed if seed is None else seed


def _mp(ts: object) -> str:
    """``median / p90`` of a TimeStats, 'never' where not reached."""

    def c(x: float | None) -> str:
        return "never" if x is None else clock(x)

    return f"{c(ts.median)} / {c(ts.p90)}"  # type: ignore[attr-defined]


def _print(a: object) -> None:
    assert isinstance(a, Analysis)
    echo("Objectives")
    for o in a.objectives:
        med = "never" if o.time.median is None else clock(o.time.median)
        echo(
            f"  {o.objective.id:<24} met {o.met.share:6.1%}  median {med}  target {clock(o.objective.within)}"
        )
    echo("Agencies (from the exercise start): alerted, on scene; median and 90th percentile")
    for ag in a.agencies:
        echo(f"  {ag.agency:<24} alerted {_mp(ag.alerted)}  on scene {_mp(ag.on_scene)}")
    echo("Tasks (from the inject that brought them in): start, done; median and 90th percentile")
    for ts in a.tasks:
        name = f"{ts.incident}/{ts.task}"
        echo(f"  {name:<24} start {_mp(ts.start)}  done {_mp(ts.done)}")
    _print_queues(a)
    echo("Bottlenecks (most severe first)")
    for i, f in enumerate(a.findings, 1):
        echo(f"  {i}. [{f.kind}] {f.title}")
        echo(f"     {f.text}")
        if f.evidence:
            echo(f"     evidence: {f.evidence}")
        echo(f"     suggestion: {f.suggestion}")
    s = a.structure
    if s.slowest_path:
        echo(
            f"Slowest alert path: {' -> '.join(s.slowest_path)} (expected {clock(s.slowest_time)})"
        )
    if a.suggestions:
        good, rest = split(a.suggestions)
        echo("Suggested changes, simulated (paired with the base; ranked by the significant gains)")
        for sg in good:
            echo(
                f"  {sg.benefit * 100:+6.0f}pp  {sg.variant.description or sg.variant.id}: {_effects(sg)}"
            )
        if rest:
            echo("Tested, no measurable effect (not recommended)")
            for sg in rest:
                echo(f"          {sg.variant.description or sg.variant.id}: {_effects(sg)}")


def _effects(sg: object) -> str:
    """``obj 62% -> 81% [+14, +24 pp]`` for every objective significantly moved, else 'no significant change'."""
    assert isinstance(sg, Suggestion)
    parts = []
    for e in sg.effects:
        if not e.significant:
            continue
        lo, hi = e.met_ci.low, e.met_ci.high
        ci = "" if lo is None or hi is None else f" [{lo * 100:+.0f}, {hi * 100:+.0f} pp]"
        share = (
            f"{e.before:.0%} -> {e.after:.0%}"
            if e.before is not None and e.after is not None
            else f"{e.met_diff * 100:+.0f} pp"
        )
        parts.append(f"{e.objective} {share}{ci}{' WORSE' if e.worse else ''}")
    return "; ".join(parts) or "no significant change"


def _print_queues(a: object) -> None:
    """Waits at every busy desk and unit pool, longest 90th percentile first."""
    rows = by_p90(a.queues)  # type: ignore[attr-defined]
    if not rows:
        return
    echo(
        "Duty desks and unit pools: wait per alert (desk) or request (units), every one of every "
        "replication pooled; longest 90th percentile first"
    )
    for q in rows:

        def c(x: float | None) -> str:
            return "still waiting" if x is None else clock(x)

        what = "alerts" if q.resource == "desk" else "requests"
        echo(
            f"  {q.name:<24} {q.resource} x{q.capacity:<3} {q.requests_per_replication:6.1f} {what}/rep  "
            f"waited {q.waited_share:4.0%}  mean {clock(q.mean_wait)}  median {c(q.median_wait)}  "
            f"p90 {c(q.p90_wait)}  longest queue {q.longest_queue}  busy {q.utilisation:.0%}"
        )
