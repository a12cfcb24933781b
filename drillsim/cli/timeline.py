"""``drillsim timeline``: one simulated response, as a timeline; the replay of a study's replication."""

from __future__ import annotations

from pathlib import Path

import click

from drillsim.analysis.measure import measure
from drillsim.analysis.timeline import timeline as timeline_lines
from drillsim.cli.options import (
    force_option,
    lang_option,
    max_events_option,
    seed_option,
    variant_option,
)
from drillsim.cli.output import echo, language, open_scenario, spoken
from drillsim.files import check_output, write_atomic
from drillsim.i18n import Msg
from drillsim.runs.store import log_csv, log_jsonl
from drillsim.scenario.durations import clock
from drillsim.scenario.model import Scenario
from drillsim.scenario.variants import BASE, apply_variant
from drillsim.sim.compile import compile_scenario
from drillsim.sim.engine import run_replication
from drillsim.sim.records import ReplicationResult


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@seed_option
@variant_option
@click.option(
    "--replication",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Which replication: with a study's --seed, the same response as in its results.",
)
@click.option(
    "--log",
    "log_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the event log to this file (.jsonl, or .csv for a spreadsheet).",
)
@click.option("--verbose", is_flag=True, help="Show every step, desk and queue steps too.")
@force_option
@max_events_option
@lang_option
def timeline(
    file: Path,
    seed: int | None,
    variants: tuple[str, ...],
    replication: int,
    log_path: Path | None,
    verbose: bool,
    force: bool,
    max_events: int | None,
    lang: str | None,
) -> None:
    """Simulate one response and print its timeline: time, agency, what happened.

    Each objective follows with the time it was reached and whether its target was met.
    Replication K with the seed of a study is exactly replication K of that study, so a
    replication the results single out (or one that failed) can be watched step by step.

    \b
    Examples:
      drillsim timeline scenarios/lai-chau-hydropower.yaml
      drillsim timeline scenarios/lai-chau-hydropower.yaml --variant hotline-down --log run.jsonl
      drillsim timeline scenarios/lai-chau-hydropower.yaml --seed 7 --replication 3 --verbose
    """
    if len(variants) > 1:
        raise click.UsageError(spoken(Msg("cli.timeline.one_variant")))
    scenario = open_scenario(file, variants)
    seed = scenario.scenario.seed if seed is None else seed
    if log_path is not None:
        check_output(log_path, force=force, inputs=(file,))
    variant = variants[0] if variants and variants[0] != BASE else None
    sc = apply_variant(scenario, variant) if variant else scenario
    compiled = compile_scenario(sc, **({"max_events": max_events} if max_events else {}))
    result = run_replication(compiled, seed, replication)
    if log_path is not None:
        # NOTE: written before anything is printed: the log is what the user asked to keep, and a
        # reader that stops early (`| head`) ends the command quietly at the next print.
        text = (
            log_csv(result.records)
            if log_path.suffix.lower() == ".csv"
            else log_jsonl(result.records)
        )
        write_atomic(log_path, text)
    label = Msg("cli.timeline.variant", variant=variants[0]) if variants else ""
    echo(
        Msg(
            "cli.timeline.header",
            title=sc.scenario.title,
            variant=label,
            seed=str(seed),
            replication=str(replication),
        )
    )
    _print(sc, result, verbose)
    if log_path is not None:
        echo(Msg("cli.timeline.event_log", path=str(log_path)))


ENDED_BY = {
    "complete": Msg("cli.timeline.end.complete"),
    "horizon": Msg("cli.timeline.end.horizon"),
    "event_limit": Msg("cli.timeline.end.event_limit"),
}
"""How a replication ended, in the reader's words (English: the event log's own token)."""


def _print(scenario: Scenario, result: ReplicationResult, verbose: bool) -> None:
    """The timeline, how the replication ended, and each objective: reached when, target met."""
    for line in timeline_lines(result.records, scenario, verbose=verbose, lang=language()):
        echo(line)
    echo(
        Msg(
            "cli.timeline.ended",
            ended_by=ENDED_BY.get(result.ended_by, result.ended_by),
            at=clock(result.end_time),
            events=len(result.records),
        )
    )
    for obj in scenario.objectives:
        m = measure(result.records, obj, scenario)
        got = Msg("cli.timeline.never_reached") if m.time is None else clock(m.time)
        verdict = Msg("cli.timeline.met") if m.met else Msg("cli.timeline.not_met")
        echo(
            Msg(
                "cli.timeline.objective",
                objective=obj.id,
                time=got,
                target=clock(obj.within),
                verdict=verdict,
            )
        )
