"""``drillsim compare``: variants side by side, paired by replication."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click

from drillsim.analysis.compare import compare_variants, table
from drillsim.analysis.summary import ReplicationSummary
from drillsim.cli.options import (
    force_option,
    json_option,
    lang_option,
    max_replications_option,
    replications_option,
    results_option,
    seed_option,
    variant_option,
    workers_option,
)
from drillsim.cli.output import adopt, echo, language, open_scenario, spoken
from drillsim.errors import InputError, SimulationError
from drillsim.files import check_output, write_atomic
from drillsim.i18n import Msg
from drillsim.runs.batch import Failure
from drillsim.runs.check import open_run
from drillsim.runs.experiment import check_replications, default_workers, simulate_summaries
from drillsim.runs.inputs import check_variants
from drillsim.runs.store import read_files
from drillsim.scenario.model import Scenario
from drillsim.scenario.variants import BASE


@click.command()
@click.argument(
    "file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@variant_option
@click.option(
    "--reference",
    default=None,
    metavar="VARIANT",
    help="What the others are compared with (default: 'base', the unchanged scenario).",
)
@replications_option
@max_replications_option
@seed_option
@workers_option
@results_option
@json_option
@force_option
@lang_option
def compare(
    file: Path | None,
    variants: tuple[str, ...],
    reference: str | None,
    replications: int,
    max_replications: int,
    seed: int | None,
    workers: int | None,
    results: Path | None,
    json_path: Path | None,
    force: bool,
    lang: str | None,
) -> None:
    """Compare variants: each objective and on-scene time, with paired differences.

    The reference (--reference, default the base scenario) is compared with each --variant
    (default: every variant). Replication i of every variant shares its random numbers, so
    differences are paired: a scenario compared with itself differs by exactly zero, and real
    effects show sooner.

    \b
    Examples:
      drillsim compare scenarios/lai-chau-hydropower.yaml
      drillsim compare scenarios/lai-chau-hydropower.yaml --variant direct-115 --variant hotline-down
      drillsim compare scenarios/lai-chau-hydropower.yaml --reference hotline-down --variant direct-115
      drillsim compare --results reports/lai-chau-hydropower
    """
    if json_path is not None:
        check_output(json_path, force=force, inputs=read_files(file, results))
    if results is not None:
        scenario, summaries, names = _saved(results, reference, variants)
    elif file is not None:
        scenario = open_scenario(file)
        names = _lineup(reference or BASE, variants or (BASE, *(v.id for v in scenario.variants)))
        check_variants(scenario, names)
        check_replications(replications, max_replications)
        failures: list[Failure] = []
        summaries = simulate_summaries(
            scenario,
            names,
            replications,
            scenario.scenario.seed if seed is None else seed,
            workers=default_workers() if workers is None else workers,
            base=False,
            failures=failures,
        )
        if failures:  # a comparison over fewer replications than asked must not look clean
            raise _failed(failures, file)
    else:
        raise click.UsageError(spoken(Msg("cli.file_or_results")))
    result = compare_variants(scenario, summaries, names)
    for line in table(result, language()):
        echo(line)
    if json_path is not None:
        write_atomic(json_path, json.dumps(asdict(result), indent=2, ensure_ascii=False))


def _saved(
    results: Path, reference: str | None, variants: tuple[str, ...]
) -> tuple[Scenario, dict[str, list[ReplicationSummary]], list[str]]:
    """A saved run's scenario, the summaries of the variants that finished some, the lineup."""
    data, scenario = open_run(results)
    adopt(scenario.scenario.language)
    summaries = {v: rows for v, rows in data.summaries.items() if rows}
    names = _lineup(reference or BASE, variants or tuple(summaries))
    missing = [v for v in names if v not in summaries]
    if missing:
        has = ", ".join(summaries) or Msg("cli.none")
        raise InputError(
            Msg("cli.no_finished", run=str(results), missing=", ".join(missing), has=has)
        )
    return scenario, summaries, names


def _failed(failures: list[Failure], file: Path) -> SimulationError:
    """Exit 3 with the first failed replication's error and its replay command, as ``run`` does."""
    f = min(failures, key=lambda f: (f.replication, f.variant))
    return SimulationError(
        Msg("cli.compare.failed", n=len(failures), first=f.error.splitlines()[0]),
        seed=f.seed,
        replication=f.replication,
        variant=f.variant,
        file=str(file),
    )


def _lineup(reference: str, variants: tuple[str, ...]) -> list[str]:
    """The reference first, then each other variant once."""
    return list(dict.fromkeys((reference, *variants)))
