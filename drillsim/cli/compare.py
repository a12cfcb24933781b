"""``drillsim compare``: variants side by side, paired by replication."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import click

from drillsim.cli import cli
from drillsim.cli.options import seed_option, workers_option
from drillsim.cli.output import echo
from drillsim.errors import SimulationError

if TYPE_CHECKING:  # the simulation modules load only when a command runs
    from drillsim.analysis.summary import ReplicationSummary
    from drillsim.runs.experiment import Failure, Job


@cli.command()
@click.argument(
    "file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--variant",
    "variants",
    multiple=True,
    help="Variants to compare with the reference (repeatable; default: every variant).",
)
@click.option(
    "--reference",
    default=None,
    metavar="VARIANT",
    help="What the others are compared with (default: 'base', the unchanged scenario).",
)
@click.option(
    "-n",
    "--replications",
    type=int,
    default=500,
    show_default=True,
    help="Replications per variant.",
)
@seed_option
@workers_option
@click.option(
    "--results",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Compare the variants of a saved run folder instead of simulating.",
)
@click.option(
    "--json",
    "json_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the table as JSON.",
)
@click.option("--force", is_flag=True, help="Replace an existing output file.")
def compare(
    file: Path | None,
    variants: tuple[str, ...],
    reference: str | None,
    replications: int,
    seed: int | None,
    workers: int | None,
    results: Path | None,
    json_path: Path | None,
    force: bool,
) -> None:
    """Compare variants: each objective and on-scene time, with paired differences.

    Replication i of every variant shares its random numbers, so differences are paired: a
    scenario compared with itself differs by exactly zero, and real effects show sooner.

    \b
    Examples:
      drillsim compare scenarios/lai-chau-hydropower.yaml
      drillsim compare scenarios/lai-chau-hydropower.yaml --variant direct-115 --variant hotline-down
      drillsim compare scenarios/lai-chau-hydropower.yaml --reference hotline-down --variant direct-115
      drillsim compare --results reports/lai-chau-hydropower
    """
    from drillsim.analysis.compare import compare_variants, table
    from drillsim.errors import InputError
    from drillsim.runs.store import BASE, check_output, read_files, write_atomic

    if json_path is not None:
        check_output(json_path, force=force, inputs=read_files(file, results))

    if results is not None:
        from drillsim.runs.check import open_run

        data, scenario = open_run(results)
        summaries = {
            v: rows for v, rows in data.summaries.items() if rows
        }  # variants that finished some
        names = _lineup(reference or BASE, variants or tuple(summaries))
        missing = [v for v in names if v not in summaries]
        if missing:
            raise InputError(
                f"the run in {results} has no finished replications of {', '.join(missing)}; it has "
                f"{', '.join(summaries) or 'none'}"
            )
    elif file is not None:
        from drillsim.cli.run import check_variants, load
        from drillsim.runs.experiment import (
            Failure,
            check_replications,
            compile_variants,
            default_workers,
            plan,
            run_jobs,
        )

        scenario = load(file)
        names = _lineup(reference or BASE, variants or (BASE, *(v.id for v in scenario.variants)))
        check_variants(scenario, tuple(names))
        check_replications(replications)
        compiled = compile_variants(scenario, names)
        summaries = {v: [] for v in names}
        failures: list[Failure] = []

        def keep(job: Job, rows: list[ReplicationSummary | Failure]) -> None:
            for r in rows:
                if isinstance(r, Failure):
                    failures.append(r)
                else:
                    summaries[job.variant].append(r)

        w = default_workers() if workers is None else workers
        run_jobs(
            compiled,
            plan(names, replications, max(1, min(50, replications // (4 * w) or 1))),
            scenario.scenario.seed if seed is None else seed,
            workers=w,
            on_batch=keep,
        )
        if failures:  # a comparison over fewer replications than asked must not look clean
            raise _failed(failures, file)
        summaries = {v: sorted(rows, key=lambda s: s.replication) for v, rows in summaries.items()}
    else:
        raise click.UsageError("give a scenario FILE or --results RUN_DIR")
    result = compare_variants(scenario, summaries, names)
    for line in table(result):
        echo(line)
    if json_path is not None:
        write_atomic(json_path, json.dumps(asdict(result), indent=2, ensure_ascii=False))


def _failed(failures: list[Failure], file: Path) -> SimulationError:
    """Exit 3 with the first failed replication's error and its replay command, as ``run`` does."""
    f = min(failures, key=lambda f: (f.replication, f.variant))
    return SimulationError(
        f"{len(failures)} replication(s) failed, the first with {f.error.splitlines()[0]}; "
        "nothing was compared",
        seed=f.seed,
        replication=f.replication,
        variant=f.variant,
        file=str(file),
    )


def _lineup(reference: str, variants: tuple[str, ...]) -> list[str]:
    """The reference first, then each other variant once."""
    return list(dict.fromkeys((reference, *variants)))
