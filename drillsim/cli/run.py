"""``drillsim run``: one replication with its timeline, or many with results and a report."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from drillsim.cli import cli
from drillsim.cli.hold import hold_run_folder
from drillsim.cli.options import seed_option, workers_option
from drillsim.cli.output import echo
from drillsim.cli.report import parse_formats
from drillsim.errors import InputError
from drillsim.runs.experiment import BASE, MAX_REPLICATIONS, check_replications, default_workers
from drillsim.runs.store import (
    MANIFEST,
    check_output,
    log_csv,
    log_jsonl,
    next_free_dir,
    write_atomic,
)
from drillsim.scenario.durations import clock
from drillsim.scenario.model import Scenario
from drillsim.sim.compile import compile_scenario
from drillsim.stopping import exit_code


def load(path: Path) -> Scenario:
    """Load and check a scenario, printing its warnings on stderr."""
    from drillsim.scenario.loader import load_scenario_with_warnings

    scenario, warnings = load_scenario_with_warnings(path)
    what_if = [w for w in warnings if w.path.startswith("variants")]
    for w in warnings:
        if w not in what_if:
            echo(w.format(), err=True)
    if what_if:
        echo(
            f"note: {len(what_if)} warning(s) about what the variants change; "
            f"'drillsim validate {path}' shows them",
            err=True,
        )
    return scenario


def check_variants(scenario: Scenario, variants: tuple[str, ...]) -> None:
    """Every --variant names a variant of the scenario."""
    known = [v.id for v in scenario.variants]
    for v in variants:
        if v not in known and v != BASE:
            raise InputError(
                f"unknown variant {v!r}; the scenario defines: {', '.join(known) or 'none'}"
            )


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-n",
    "--replications",
    type=int,
    default=None,
    help="Replications per variant. Without it, one replication is run and its timeline shown.",
)
@seed_option
@click.option(
    "--variant",
    "variants",
    multiple=True,
    help="A variant to run as well as the base (repeatable).",
)
@click.option("--all-variants", is_flag=True, help="Run every variant the scenario defines.")
@click.option(
    "--replication",
    type=int,
    default=0,
    show_default=True,
    help="Which replication to show (single-run mode): replays a replication of a study.",
)
@click.option(
    "--log",
    "log_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Single run: write the event log (.jsonl or .csv).",
)
@click.option(
    "--verbose", is_flag=True, help="Single run: show every step, desk and queue steps too."
)
@workers_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Run folder (default: reports/<scenario-id>, never replacing an earlier run).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Replace an earlier drillsim run in --out (only its own files) or an existing --log file.",
)
@click.option(
    "--until-ci",
    type=float,
    default=None,
    help="Stop when every objective's 95%% interval of success share is narrower than this "
    "(e.g. 0.02); -n is then the maximum.",
)
@click.option(
    "--dask",
    "dask_address",
    metavar="tcp://HOST:PORT",
    help="Run on a Dask cluster (needs drillsim[dask]).",
)
@click.option("--no-report", is_flag=True, help="Do not write the after-action report.")
@click.option(
    "--suggest",
    "suggest_n",
    type=int,
    default=300,
    show_default=True,
    help="Replications to test each suggested improvement with (0: do not test).",
)
@click.option(
    "--format",
    "formats",
    default="html,md",
    show_default=True,
    help="Report formats: html, md, docx, pdf (comma-separated).",
)
@click.option(
    "--lang",
    type=click.Choice(["en", "vi", "zh"]),
    default=None,
    help="Report language (default: the scenario's).",
)
@click.option(
    "--max-events",
    type=int,
    default=None,
    help="Events one replication may record (default 2,000,000).",
)
@click.option(
    "--max-replications",
    type=int,
    default=MAX_REPLICATIONS,
    show_default=True,
    help="Protective limit on -n.",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
def run(
    file: Path,
    replications: int | None,
    seed: int | None,
    variants: tuple[str, ...],
    all_variants: bool,
    replication: int,
    log_path: Path | None,
    verbose: bool,
    workers: int | None,
    out: Path | None,
    force: bool,
    until_ci: float | None,
    dask_address: str | None,
    no_report: bool,
    suggest_n: int,
    formats: str,
    lang: str | None,
    max_events: int | None,
    max_replications: int,
    quiet: bool,
) -> None:
    """Simulate the response to a scenario.

    Without -n, run one replication and print its timeline (time, agency, what happened).
    With -n, run that many replications of the base scenario and of each --variant, write the
    results to a run folder and an after-action report into it.

    \b
    Examples:
      drillsim run scenarios/lai-chau-hydropower.yaml
      drillsim run scenarios/lai-chau-hydropower.yaml --variant hotline-down --log run.jsonl
      drillsim run scenarios/lai-chau-hydropower.yaml -n 1000 --variant hotline-down
      drillsim run scenarios/lai-chau-hydropower.yaml -n 1000 --all-variants --format html,docx
      drillsim run scenarios/lai-chau-hydropower.yaml -n 20000 --until-ci 0.02 --workers 2
    """
    scenario = load(file)
    seed = scenario.scenario.seed if seed is None else seed
    check_variants(scenario, variants)
    if all_variants:
        variants = (*variants, *(v.id for v in scenario.variants if v.id not in variants))
    if replications is None:
        _single(scenario, file, seed, variants, replication, log_path, force, verbose, max_events)
        return
    check_replications(replications, max_replications)
    _study(
        scenario,
        file,
        seed,
        replications,
        variants,
        workers,
        out,
        force,
        until_ci,
        dask_address,
        no_report,
        formats,
        lang,
        max_events,
        quiet,
        min(suggest_n, replications),
    )


def _single(
    scenario: Scenario,
    file: Path,
    seed: int,
    variants: tuple[str, ...],
    replication: int,
    log_path: Path | None,
    force: bool,
    verbose: bool,
    max_events: int | None,
) -> None:
    from drillsim.analysis.measure import measure
    from drillsim.analysis.timeline import timeline
    from drillsim.scenario.variants import apply_variant
    from drillsim.sim.engine import run_replication

    if len(variants) > 1:
        raise click.UsageError("a single run takes at most one --variant; use -n for a study")
    if log_path is not None:
        check_output(log_path, force=force, inputs=(file,))
    sc = apply_variant(scenario, variants[0]) if variants and variants[0] != BASE else scenario
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
    label = f" variant {variants[0]}" if variants else ""
    echo(f"{sc.scenario.title}{label}: seed {seed}, replication {replication}")
    for line in timeline(result.records, sc, verbose=verbose):
        echo(line)
    echo(f"ended: {result.ended_by} at {clock(result.end_time)}, {len(result.records)} events")
    for obj in sc.objectives:
        m = measure(result.records, obj, sc)
        got = "never reached" if m.time is None else clock(m.time)
        echo(
            f"objective {obj.id}: {got} (target {clock(obj.within)}) "
            f"{'MET' if m.met else 'NOT MET'}"
        )
    if log_path is not None:
        echo(f"event log: {log_path}")


def _study(
    scenario: Scenario,
    file: Path,
    seed: int,
    n: int,
    variants: tuple[str, ...],
    workers: int | None,
    out: Path | None,
    force: bool,
    until_ci: float | None,
    dask_address: str | None,
    no_report: bool,
    formats: str,
    lang: str | None,
    max_events: int | None,
    quiet: bool,
    suggest: int,
) -> None:
    from drillsim.runs.study import run_study

    if until_ci is not None and not 0 < until_ci < 1:
        raise click.BadParameter("give a width between 0 and 1, e.g. 0.02", param_hint="--until-ci")
    workers = default_workers() if workers is None else workers
    names = [BASE, *[v for v in variants if v != BASE]]
    if dask_address:
        from drillsim.runs.distributed import check_scheduler
        from drillsim.runs.store import check_run_dir

        if out is not None:
            check_run_dir(
                out, force=force, inputs=(file,)
            )  # at once, not after a scheduler's seconds
        check_scheduler(dask_address)  # a wrong address fails here, before a run folder exists
    root = hold_run_folder(
        out or next_free_dir(Path("reports") / scenario.scenario.id),
        force=force and out is not None,
        inputs=(file,),
    )
    total = n * len(names)
    with click.progressbar(
        length=total,
        label="replications",
        file=sys.stderr if not quiet else _Null(),  # type: ignore[arg-type]
        show_pos=True,
    ) as bar:
        try:
            run_study(
                scenario,
                file,
                root,
                n=n,
                seed=seed,
                variants=names,
                workers=workers,
                dask_address=dask_address,
                until_ci=until_ci,
                max_events=max_events,
                progress=bar.update,
                suggest=max(0, suggest),
            )
        except KeyboardInterrupt as exc:
            echo(f"\ninterrupted: the replications finished so far are in {root}", err=True)
            raise SystemExit(exit_code(exc)) from None
        except Exception:
            _say_what_was_kept(root)
            raise
    data = _print_results(root)
    if not data.summaries.get(BASE):
        _fail_on_failures(data, file)  # nothing to report on: say why, with the replay command
    if not no_report:
        from drillsim.report import write_report

        for path in write_report(root, formats=parse_formats(formats), lang=lang):
            echo(f"report: {path}")
    _fail_on_failures(data, file)


def _say_what_was_kept(root: Path) -> None:
    """After an error: whether the run folder could be closed as failed (a full disk may prevent it)."""
    from drillsim.runs.store import read_manifest

    try:
        status = read_manifest(root).status
    except Exception:  # noqa: BLE001 - the folder may be unreadable: that is what is reported
        status = None
    if status == "failed":
        echo(
            f"\nstopped: the run folder {root} is marked failed and keeps the replications finished "
            "before the error",
            err=True,
        )
    else:
        echo(
            f"\nstopped: the run folder {root} could not be closed and may be incomplete; run again "
            "with --force",
            err=True,
        )


def _fail_on_failures(data: Any, file: Path) -> None:
    """Replications that raised make the run exit 3 with the first one's replay command.

    The others' results and the report are kept (and say how many failed); a script that checks
    the exit code must not take a run with failed replications for a clean one.
    """
    from drillsim.errors import SimulationError

    failures = data.manifest.failures
    if failures:
        f = failures[0]
        done = sum(len(rows) for rows in data.summaries.values())
        first = f["error"].splitlines()[0]  # the traceback stays in the manifest, for a bug report
        raise SimulationError(
            f"{len(failures)} replication(s) failed, the first with {first}; the results cover "
            f"the other {done} (tracebacks: 'failures' in {data.root / MANIFEST})",
            seed=f["seed"],
            replication=f["replication"],
            variant=f["variant"],
            file=str(file),
        )


def _print_results(root: Path) -> Any:
    """Print the run's warnings and objective rows; return the run data read."""
    from drillsim.analysis.results import objective_rows
    from drillsim.runs.check import load_scenario
    from drillsim.runs.store import read_run

    data = read_run(root)
    for w in data.warnings:
        echo(f"warning: {w}", err=True)
    echo(f"results: {root}")
    for row in objective_rows(load_scenario(root), data.summaries):
        echo(row)
    return data


class _Null:
    """A file that swallows the progress bar (--quiet)."""

    def write(self, _text: str) -> None:
        pass

    def flush(self) -> None:
        pass
