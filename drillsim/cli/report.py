"""``drillsim report`` and ``drillsim chart``: documents and charts from a run folder."""

from __future__ import annotations

from pathlib import Path

import click

from drillsim.cli import cli
from drillsim.cli.options import ClockTime
from drillsim.cli.output import echo

FORMAT_HELP = "Comma-separated: html, md, docx, pdf (pdf needs Chromium)."


def parse_formats(text: str) -> tuple[str, ...]:
    """The --format list, checked."""
    wanted = tuple(f.strip().lower() for f in text.split(",") if f.strip())
    bad = [f for f in wanted if f not in ("html", "md", "docx", "pdf")]
    if bad or not wanted:
        raise click.BadParameter(
            f"unknown format {', '.join(bad) or '(none)'}; use html, md, docx, pdf",
            param_hint="--format",
        )
    return wanted


@cli.command()
@click.argument("results_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--format", "formats", default="html,md", show_default=True, help=FORMAT_HELP)
@click.option(
    "--lang",
    type=click.Choice(["en", "vi", "zh"]),
    default=None,
    help="Language of headings and labels (default: the scenario's).",
)
@click.option(
    "--observed",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV of times observed in the live drill (agency,event,time) to compare.",
)
@click.option(
    "--start",
    type=ClockTime(),
    help="Clock time the live drill started; clock times in --observed count from it.",
)
@click.option("--force", is_flag=True, help="Replace report files already in the run folder.")
def report(
    results_dir: Path,
    formats: str,
    lang: str | None,
    observed: Path | None,
    start: float | None,
    force: bool,
) -> None:
    """Write the after-action report (HSEEP AAR/IP) of a run folder.

    The report reads the run's results and never simulates. Files go into the run folder; one
    already there (perhaps edited since) is only replaced with --force.

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
    from drillsim.cli.hold import hold_folder
    from drillsim.report import write_report

    if start is not None and observed is None:
        raise click.BadParameter(
            "only used with --observed (the clock time the live drill started)",
            param_hint="--start",
        )
    hold_folder(results_dir)
    for path in write_report(
        results_dir,
        formats=parse_formats(formats),
        lang=lang,
        observed=observed,
        observed_start=start,
        force=force,
    ):
        echo(f"report: {path}")


@cli.command()
@click.argument("results_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the PNG and SVG files (default: RESULTS_DIR/charts, or charts-LANG in another language).",
)
@click.option("--lang", type=click.Choice(["en", "vi", "zh"]), default=None, help="Label language.")
@click.option("--force", is_flag=True, help="Draw into an --out folder that already holds files.")
def chart(results_dir: Path, out: Path | None, lang: str | None, force: bool) -> None:
    """Draw the report's charts (PNG and SVG) without writing the report.

    By default they are redrawn in the run folder's own charts folder, which holds nothing but
    drillsim's charts. A folder given with --out may hold your files, so drawing into one that
    is not empty needs --force (only charts of the same name are replaced; nothing else is touched).

    \b
    Example:
      drillsim chart reports/lai-chau-hydropower --out charts/
    """
    from drillsim.errors import OutputExistsError
    from drillsim.files import check_folder
    from drillsim.report import build, charts_folder
    from drillsim.report.bridge import add_findings
    from drillsim.report.figures import make_charts
    from drillsim.runs.store import holds_files

    if out is not None:
        check_folder(out)
    if out is not None and holds_files(out) and not force:
        raise OutputExistsError(
            f"{out} already holds files; choose an empty or new folder, or pass --force "
            "to draw into it (charts of the same name are replaced)"
        )
    if out is None or out.absolute().is_relative_to(results_dir.absolute()):
        from drillsim.cli.hold import hold_folder

        hold_folder(results_dir)
    data = build(results_dir, lang)
    add_findings(data)
    folder = out or results_dir / charts_folder(data.lang, data.scenario.scenario.language)
    for name, path in sorted(make_charts(data, folder).items()):
        echo(f"{name}: {path} (+ .svg)")
