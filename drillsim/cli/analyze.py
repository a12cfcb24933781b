"""``drillsim analyze``: ranked bottlenecks with evidence, and the tested improvements."""

from __future__ import annotations

from pathlib import Path

import click

from drillsim.analysis.api import Analysis, to_json
from drillsim.analysis.api import analyze as run_analysis
from drillsim.analysis.findings import localized
from drillsim.analysis.queues import by_p90
from drillsim.analysis.results import clock_or_never, percent, signed
from drillsim.analysis.suggest import Suggestion, split, suggestion_label
from drillsim.analysis.summary import ReplicationSummary
from drillsim.cli.options import (
    force_option,
    json_option,
    lang_option,
    max_replications_option,
    replications_option,
    results_option,
    seed_option,
    suggest_option,
    variant_option,
    workers_option,
)
from drillsim.cli.output import adopt, echo, language, open_scenario, spoken
from drillsim.errors import InputError
from drillsim.files import check_output, write_atomic
from drillsim.i18n import Msg, number
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
@lang_option
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
    lang: str | None,
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
        raise click.UsageError(spoken(Msg("cli.analyze.one_variant")))
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
        raise click.UsageError(spoken(Msg("cli.file_or_results")))
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
        echo(Msg("cli.analyze.wrote", path=str(json_path)))


def _saved(
    results: Path, variant: str | None, seed: int | None
) -> tuple[Scenario, list[ReplicationSummary], int]:
    """A saved run's scenario, finished summaries of the base (or of ``variant``), and seed."""
    data, scenario = open_run(results)
    adopt(scenario.scenario.language)
    base = (
        data.summaries.get(variant, [])
        if variant and variant != BASE
        else finished_replications(data)
    )
    if not base:
        has = ", ".join(v for v, rows in data.summaries.items() if rows)
        raise InputError(
            Msg("cli.no_finished", run=str(results), missing=variant or BASE, has=has or NONE)
        )
    return scenario, base, data.manifest.seed if seed is None else seed


NONE = Msg("cli.none")
"""Said where a list of variants is empty."""


def _mp(ts: object, lang: str) -> str:
    """``median / p90`` of a TimeStats, 'never' where not reached."""
    return f"{clock_or_never(ts.median, lang)} / {clock_or_never(ts.p90, lang)}"  # type: ignore[attr-defined]


def _print(a: object) -> None:
    assert isinstance(a, Analysis)
    lang = language()
    echo(Msg("cli.analyze.objectives"))
    for o in a.objectives:
        row = Msg(
            "cli.analyze.objective",
            objective=f"{o.objective.id:<24}",
            met=percent(o.met.share, lang, width=6),
            median=clock_or_never(o.time.median, lang),
            target=clock(o.objective.within),
        )
        echo(row)
    echo(Msg("cli.analyze.agencies"))
    for ag in a.agencies:
        alerted, on_scene = _mp(ag.alerted, lang), _mp(ag.on_scene, lang)
        echo(
            Msg("cli.analyze.agency", agency=f"{ag.agency:<24}", alerted=alerted, on_scene=on_scene)
        )
    echo(Msg("cli.analyze.tasks"))
    for ts in a.tasks:
        name = f"{ts.incident}/{ts.task}"
        start, done = _mp(ts.start, lang), _mp(ts.done, lang)
        echo(Msg("cli.analyze.task", task=f"{name:<24}", start=start, done=done))
    _print_queues(a, lang)
    _print_findings(a, lang)
    s = a.structure
    if s.slowest_path:
        path = " -> ".join(s.slowest_path)
        echo(Msg("cli.analyze.slowest_path", path=path, expected=clock(s.slowest_time)))
    if a.suggestions:
        good, rest = split(a.suggestions)
        echo(Msg("cli.analyze.suggested"))
        for sg in good:
            gain = signed(sg.benefit * 100, lang, 0, width=6)
            label = _label(sg, lang)
            echo(
                Msg(
                    "cli.analyze.suggested_row", gain=gain, change=label, effects=_effects(sg, lang)
                )
            )
        if rest:
            echo(Msg("cli.analyze.no_effect"))
            for sg in rest:
                label = _label(sg, lang)
                echo(Msg("cli.analyze.no_effect_row", change=label, effects=_effects(sg, lang)))


def _print_findings(a: Analysis, lang: str) -> None:
    """The bottlenecks, most severe first, in the reader's language."""
    echo(Msg("cli.analyze.bottlenecks"))
    for i, f in enumerate(a.findings, 1):
        words = {k: getattr(f, k) for k in ("title", "text", "evidence", "suggestion")}
        words |= {"message": f.message, "params": f.params, "evidence_parts": f.evidence_parts}
        title, text, evidence, suggestion = localized(words, lang)
        echo(Msg("cli.analyze.finding", number=str(i), kind=f.kind, title=title))
        echo("     " + text)
        if evidence:
            echo(Msg("cli.analyze.evidence", evidence=evidence))
        echo(Msg("cli.analyze.suggestion", suggestion=suggestion))


def _label(sg: Suggestion, lang: str) -> str:
    """The change's short label: the variant's own description in English, else the catalogue's."""
    if lang == "en" or not sg.message:
        return sg.variant.description or sg.variant.id
    entry = {"message": sg.message, "params": sg.params, "variant": {"id": sg.variant.id}}
    return suggestion_label(entry, lang)


def _effects(sg: object, lang: str) -> str:
    """``obj 62% -> 81% [+14, +24 pp]`` for every objective significantly moved, else 'no significant change'."""
    assert isinstance(sg, Suggestion)
    parts = []
    for e in sg.effects:
        if not e.significant:
            continue
        lo, hi = e.met_ci.low, e.met_ci.high
        ci = (
            ""
            if lo is None or hi is None
            else f" [{signed(lo * 100, lang, 0)}, {signed(hi * 100, lang, 0)} pp]"
        )
        share = (
            f"{percent(e.before, lang, 0)} -> {percent(e.after, lang, 0)}"
            if e.before is not None and e.after is not None
            else f"{signed(e.met_diff * 100, lang, 0)} pp"
        )
        worse = Msg("cli.analyze.worse").say(lang) if e.worse else ""
        parts.append(f"{e.objective} {share}{ci}{worse}")
    return "; ".join(parts) or Msg("cli.analyze.no_significant").say(lang)


def _print_queues(a: object, lang: str) -> None:
    """Waits at every busy desk and unit pool, longest 90th percentile first."""
    rows = by_p90(a.queues)  # type: ignore[attr-defined]
    if not rows:
        return
    echo(Msg("cli.analyze.queues"))
    still = Msg("cli.analyze.still_waiting").say(lang)
    for q in rows:
        desk = q.resource == "desk"
        row = Msg(
            "cli.analyze.queue_row",
            name=f"{q.name:<24}",
            resource=Msg("cli.analyze.desk") if desk else Msg("cli.analyze.units"),
            capacity=f"{q.capacity:<3}",
            requests=number(q.requests_per_replication, lang, 1).rjust(6),
            what=Msg("cli.analyze.alerts") if desk else Msg("cli.analyze.requests"),
            waited=percent(q.waited_share, lang, 0, width=4),
            mean=clock(q.mean_wait),
            median=still if q.median_wait is None else clock(q.median_wait),
            p90=still if q.p90_wait is None else clock(q.p90_wait),
            longest=str(q.longest_queue),
            busy=percent(q.utilisation, lang, 0),
        )
        echo(row)
