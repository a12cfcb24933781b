"""``drillsim report`` and ``drillsim chart``: documents and charts from a run folder."""

from __future__ import annotations

from pathlib import Path

import click

from drillsim.cli.hold import hold_folder
from drillsim.cli.options import (
    REPORT_FORMATS,
    check_formats,
    force_option,
    format_option,
    lang_option,
    out_option,
    start_option,
)
from drillsim.cli.output import adopt, echo, spoken
from drillsim.errors import InputError, OutputExistsError
from drillsim.files import check_folder
from drillsim.i18n import Msg
from drillsim.report import build, charts_folder, write_report
from drillsim.report.bridge import add_findings
from drillsim.report.data import run_language
from drillsim.report.figures import make_charts
from drillsim.runs.store import holds_files


@click.command()
@click.argument("results_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@format_option
@lang_option
@click.option(
    "--observed",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV of times observed in the live drill (agency,event,time) to compare.",
)
@start_option
@force_option
def report(
    results_dir: Path,
    formats: tuple[str, ...] | None,
    lang: str | None,
    observed: Path | None,
    start: float | None,
    force: bool,
) -> None:
    """Write the after-action report (HSEEP AAR/IP) of a run folder.

    The report reads the run's results and never simulates. Files go into the run folder, in
    each --format (default html,md); one already there (perhaps edited since) is only replaced
    with --force.

    With --observed, each CSV row (agency,event,time; event is alerted, activated, on_scene,
    task_started or task_done, and for task events agency holds the task id) is placed in the
    simulated distribution. Its time is read as in `drillsim msel import`:

    \b
      35m, 1h30m                 a duration since the exercise start
      D+1 H+2 M+30, H+2, M+30    days, hours, minutes since the start
      H+0:35, T+0:35, +00:35     hours:minutes since the start
      09:50, 9:50:30, 9h50       a clock time, counted from --start (required then)

    \b
    Examples:
      drillsim report reports/lai-chau-hydropower
      drillsim report reports/lai-chau-hydropower --format html,docx,pdf --lang vi
      drillsim report reports/lai-chau-hydropower --observed live-drill.csv --start 08:30 --force
    """
    adopt(run_language(results_dir))
    formats = formats or ("html", "md")
    check_formats(formats, REPORT_FORMATS, Msg("cli.report.a_report"))
    if start is not None and observed is None:
        raise click.BadParameter(
            spoken(Msg("cli.report.start_without_observed")), param_hint="--start"
        )
    hold_folder(results_dir)
    for path in write_report(
        results_dir,
        formats=formats,
        lang=lang,
        observed=observed,
        observed_start=start,
        force=force,
    ):
        echo(Msg("cli.report.wrote", file=str(path)))


@click.command()
@click.argument("results_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@out_option
@lang_option
@force_option
def chart(results_dir: Path, out: Path | None, lang: str | None, force: bool) -> None:
    """Draw the report's charts (PNG and SVG) without writing the report.

    By default they are redrawn in the run folder's own charts folder (RESULTS_DIR/charts, or
    charts-LANG in another language), which holds nothing but drillsim's charts. A folder given
    with --out may hold your files, so drawing into one that is not empty needs --force (only
    charts of the same name are replaced; nothing else is touched).

    \b
    Example:
      drillsim chart reports/lai-chau-hydropower --out charts/
    """
    adopt(run_language(results_dir))
    if out is not None and str(out) == "-":
        raise InputError(Msg("cli.chart.not_stdout"))
    if out is not None:
        check_folder(out)
    if out is not None and holds_files(out) and not force:
        raise OutputExistsError(Msg("cli.chart.folder_not_empty", folder=str(out)))
    if out is None or out.absolute().is_relative_to(results_dir.absolute()):
        hold_folder(results_dir)
    data = build(results_dir, lang)
    add_findings(data)
    folder = out or results_dir / charts_folder(data.lang, data.scenario.scenario.language)
    for name, path in sorted(make_charts(data, folder).items()):
        echo(Msg("cli.chart.wrote", name=name, file=str(path)))
