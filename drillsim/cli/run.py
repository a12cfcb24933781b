"""``drillsim run``: a study of many replications, its results in a run folder, and the report."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from drillsim.analysis.results import objective_rows
from drillsim.cli.hold import hold_run_folder
from drillsim.cli.options import (
    REPORT_FORMATS,
    check_formats,
    force_option,
    format_option,
    lang_option,
    max_events_option,
    max_replications_option,
    out_option,
    quiet_option,
    replications_option,
    seed_option,
    suggest_option,
    variant_option,
    workers_option,
)
from drillsim.cli.output import echo, language, open_scenario, spoken
from drillsim.errors import InputError, SimulationError
from drillsim.i18n import Msg, said
from drillsim.report import write_report
from drillsim.runs.check import load_scenario
from drillsim.runs.distributed import check_scheduler
from drillsim.runs.experiment import BASE, check_replications, default_workers
from drillsim.runs.inputs import with_all_variants
from drillsim.runs.store import MANIFEST, check_run_dir, next_free_dir, read_manifest, read_run
from drillsim.runs.study import run_study
from drillsim.scenario.model import Scenario
from drillsim.stopping import exit_code


@dataclass(frozen=True, slots=True)
class Study:
    """What ``drillsim run`` was asked for, checked."""

    file: Path
    n: int
    seed: int | None
    variants: tuple[str, ...]
    workers: int | None
    out: Path | None
    force: bool
    until_ci: float | None
    dask_address: str | None
    report: bool
    suggest: int
    formats: tuple[str, ...]
    lang: str | None
    max_events: int | None
    quiet: bool


MOVED_TO_TIMELINE = ("--log", "--replication", "--verbose")
"""Options of the single run ``drillsim run`` once had without -n; ``drillsim timeline`` has them."""


class _RunCommand(click.Command):
    """Points a single-run option given to ``run`` to ``drillsim timeline``, where it went."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.NoSuchOption as exc:
            if exc.option_name not in MOVED_TO_TIMELINE:
                raise
            text = Msg("cli.run.moved_to_timeline", option=exc.option_name)
            raise click.UsageError(said(text, _lang_in(args)), ctx) from None


def _lang_in(args: list[str]) -> str:
    """The ``--lang`` among ``args`` (the options are not read yet when parsing failed)."""
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--lang="):
            return arg.removeprefix("--lang=")
    return language()


@click.command(cls=_RunCommand)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@replications_option
@seed_option
@variant_option
@click.option("--all-variants", is_flag=True, help="Run every variant the scenario defines.")
@workers_option
@out_option
@force_option
@click.option(
    "--until-ci",
    type=float,
    default=None,
    help="Stop when every objective's 95% interval of success share is narrower than this "
    "(e.g. 0.02); -n is then the maximum.",
)
@click.option(
    "--dask",
    "dask_address",
    metavar="tcp://HOST:PORT",
    help="Run on a Dask cluster (needs drillsim[dask]).",
)
@click.option("--no-report", is_flag=True, help="Do not write the after-action report.")
@suggest_option
@format_option
@lang_option
@max_events_option
@max_replications_option
@quiet_option
def run(
    file: Path,
    replications: int,
    variants: tuple[str, ...],
    all_variants: bool,
    max_replications: int,
    no_report: bool,
    formats: tuple[str, ...] | None,
    **options: Any,
) -> None:
    """Simulate many responses to a scenario, write the results and the after-action report.

    Runs -n replications of the base scenario and of each --variant (replication i of every
    variant shares its random numbers), writes the results to a run folder (--out, default
    reports/<scenario-id>, never replacing an earlier run) and the report into it. The
    suggested improvements are simulated too (--suggest). To watch one response step by step,
    use drillsim timeline.

    \b
    Examples:
      drillsim run scenarios/lai-chau-hydropower.yaml -n 1000
      drillsim run scenarios/lai-chau-hydropower.yaml -n 1000 --variant hotline-down
      drillsim run scenarios/lai-chau-hydropower.yaml -n 1000 --all-variants --format html,docx
      drillsim run scenarios/lai-chau-hydropower.yaml -n 20000 --until-ci 0.02 --workers 2
    """
    scenario = open_scenario(file, variants)
    if all_variants:
        variants = with_all_variants(scenario, variants)
    check_replications(replications, max_replications)
    formats = formats or ("html", "md")
    check_formats(formats, REPORT_FORMATS, Msg("cli.options.a_report"))
    study = Study(
        file=file,
        n=replications,
        variants=variants,
        report=not no_report,
        formats=formats,
        **{**options, "suggest": min(options["suggest"], replications)},
    )
    _study(scenario, study)


def _study(scenario: Scenario, study: Study) -> None:
    """Run the study into its (held) run folder, print the results, write the report."""
    if study.until_ci is not None and not 0 < study.until_ci < 1:
        raise click.BadParameter(spoken(Msg("cli.run.until_ci_width")), param_hint="--until-ci")
    out = _run_folder(study)
    seed = scenario.scenario.seed if study.seed is None else study.seed
    names = [BASE, *[v for v in study.variants if v != BASE]]
    root = hold_run_folder(
        out or next_free_dir(Path("reports") / scenario.scenario.id),
        force=study.force and out is not None,
        inputs=(study.file,),
    )
    with click.progressbar(
        length=study.n * len(names),
        label=spoken(Msg("cli.run.progress")),
        file=sys.stderr if not study.quiet else _Null(),  # type: ignore[arg-type]
        show_pos=True,
    ) as bar:
        try:
            run_study(
                scenario,
                study.file,
                root,
                n=study.n,
                seed=seed,
                variants=names,
                workers=default_workers() if study.workers is None else study.workers,
                dask_address=study.dask_address,
                until_ci=study.until_ci,
                max_events=study.max_events,
                progress=bar.update,
                suggest=study.suggest,
            )
        except KeyboardInterrupt as exc:
            echo(err=True)
            echo(Msg("cli.run.interrupted", folder=str(root)), err=True)
            raise SystemExit(exit_code(exc)) from None
        except Exception:
            _say_what_was_kept(root)
            raise
    _finish(root, study)


def _run_folder(study: Study) -> Path | None:
    """The --out folder, checked; with --dask the scheduler is reached before a folder exists."""
    if study.out is not None and str(study.out) == "-":
        raise InputError(Msg("cli.run.out_not_stdout"))
    if study.dask_address:
        if study.out is not None:  # at once, not after a scheduler's seconds
            check_run_dir(study.out, force=study.force, inputs=(study.file,))
        check_scheduler(
            study.dask_address
        )  # a wrong address fails here, before a run folder exists
    return study.out


def _finish(root: Path, study: Study) -> None:
    """Print the results, write the report, and exit 3 if replications failed."""
    data = _print_results(root)
    if not data.summaries.get(BASE):
        _fail_on_failures(
            data, study.file
        )  # nothing to report on: say why, with the replay command
    if study.report:
        for path in write_report(root, formats=study.formats, lang=study.lang):
            echo(Msg("cli.run.report", path=str(path)))
    _fail_on_failures(data, study.file)


def _say_what_was_kept(root: Path) -> None:
    """After an error: whether the run folder could be closed as failed (a full disk may prevent it)."""
    try:
        status = read_manifest(root).status
    except Exception:  # noqa: BLE001 - the folder may be unreadable: that is what is reported
        status = None
    folder = str(root)
    kept = (
        Msg("cli.run.stopped_failed", folder=folder)
        if status == "failed"
        else Msg("cli.run.stopped_open", folder=folder)
    )
    echo(err=True)
    echo(kept, err=True)


def _fail_on_failures(data: Any, file: Path) -> None:
    """Replications that raised make the run exit 3 with the first one's replay command.

    The others' results and the report are kept (and say how many failed); a script that checks
    the exit code must not take a run with failed replications for a clean one.
    """
    failures = data.manifest.failures
    if failures:
        f = failures[0]
        done = sum(len(rows) for rows in data.summaries.values())
        first = f["error"].splitlines()[0]  # the traceback stays in the manifest, for a bug report
        raise SimulationError(
            Msg(
                "cli.run.failed",
                n=len(failures),
                first=first,
                done=done,
                manifest=str(data.root / MANIFEST),
            ),
            seed=f["seed"],
            replication=f["replication"],
            variant=f["variant"],
            file=str(file),
        )


def _print_results(root: Path) -> Any:
    """Print the run's warnings and objective rows; return the run data read."""
    data = read_run(root)
    for w in data.warnings:
        echo(Msg("cli.run.warning", warning=w), err=True)
    echo(Msg("cli.run.results", folder=str(root)))
    for row in objective_rows(load_scenario(root), data.summaries, language()):
        echo(row)
    return data


class _Null:
    """A file that swallows the progress bar (--quiet)."""

    def write(self, _text: str) -> None:
        pass

    def flush(self) -> None:
        pass
