"""``drillsim msel export`` and ``drillsim msel import``: the Master Scenario Events List as a spreadsheet."""

from __future__ import annotations

from pathlib import Path

import click

from drillsim.analysis.results import objective_stats
from drillsim.cli.options import (
    SHEET_FORMATS,
    check_formats,
    force_option,
    format_option,
    lang_option,
    max_replications_option,
    out_option,
    replications_option,
    seed_option,
    start_option,
    workers_option,
)
from drillsim.cli.output import adopt, echo, echo_data, language, open_scenario, spoken
from drillsim.files import check_output, write_atomic
from drillsim.i18n import Msg
from drillsim.msel import (
    Expected,
    export_sheet,
    import_incidents,
    incidents_text,
    replace_incidents,
)
from drillsim.msel.files import csv_bytes, read_tables, xlsx_bytes
from drillsim.msel.rows import in_sheet
from drillsim.runs.experiment import BASE, check_replications, default_workers, simulate_summaries
from drillsim.scenario.loader import decode, load_scenario_text, read_limited
from drillsim.scenario.model import Scenario

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.group()
def msel() -> None:
    """The injects as a Master Scenario Events List (MSEL) spreadsheet, and back.

    \b
    Example:
      drillsim msel export scenarios/lai-chau-hydropower.yaml -o lai-chau-msel.xlsx
      drillsim msel import lai-chau-msel.xlsx --scenario scenarios/lai-chau-hydropower.yaml -o new.yaml
    """


@msel.command("export")
@click.argument("scenario_file", metavar="SCENARIO", type=_FILE)
@format_option
@out_option
@force_option
@replications_option
@max_replications_option
@seed_option
@workers_option
@click.option("--no-simulate", is_flag=True, help="Leave the expected-time columns blank.")
@lang_option
def export(
    scenario_file: Path,
    formats: tuple[str, ...] | None,
    out: Path | None,
    force: bool,
    replications: int,
    max_replications: int,
    seed: int | None,
    workers: int | None,
    no_simulate: bool,
    lang: str | None,
) -> None:
    """Write a scenario's injects as an MSEL spreadsheet (XLSX or CSV), in time order.

    Planner columns first: Event No., Scenario time (H+h:mm since the exercise start), Synopsis,
    Inject, From, To, Method, Responsible controller, Expected action, then the objectives each
    inject addresses (one per line) with their core capability and the simulated time by which
    they are reached: Expected by (median) and (p90) over -n replications, counted from the
    objective's clock start (the inject that triggers it, unless the line says "after ...").
    The drillsim columns that follow (Incident id ... Description) let `drillsim msel import`
    rebuild each incident exactly. XLSX files get a Notes sheet explaining the columns.

    The file is --out (default: SCENARIO's name + -msel.xlsx here; - sends CSV to stdout); its
    format is --format, else --out's suffix, else xlsx. The sheet's headers and notes are in
    English (planners' tools read them); what the command prints is in --lang, else the
    scenario's language.

    \b
    Example:
      drillsim msel export scenarios/lai-chau-hydropower.yaml
      drillsim msel export scenarios/lai-chau-hydropower.yaml -o msel.csv -n 1000 --seed 7
      drillsim msel export scenarios/jiangcheng-school-campus.yaml --no-simulate -o -
    """
    fmt = _format(formats, out)
    scenario = open_scenario(scenario_file)
    out = out or Path(f"{scenario_file.stem}-msel.{fmt}")
    to_stdout = str(out) == "-"
    if to_stdout and fmt == "xlsx":
        raise click.BadParameter(spoken(Msg("cli.msel.xlsx_to_stdout")), param_hint="--out")
    if not to_stdout:
        check_output(out, force=force, inputs=(scenario_file,))
    seed = scenario.scenario.seed if seed is None else seed
    expected, about = (
        (None, Msg("cli.msel.not_simulated"))
        if no_simulate
        else _simulate(scenario, replications, seed, workers, max_replications)
    )
    sheet = export_sheet(scenario, expected, about)
    data = xlsx_bytes(sheet) if fmt == "xlsx" else csv_bytes(sheet)
    if to_stdout:
        echo_data(data)  # bytes go to the binary stream as they are
    else:
        write_atomic(out, data)
    echo(
        Msg(
            "cli.msel.wrote",
            file="stdout" if to_stdout else str(out),
            n=len(sheet.rows),
            about=about,
        ),
        err=True,
    )


def _format(formats: tuple[str, ...] | None, output: Path | None) -> str:
    """The sheet's format: --format (one of csv, xlsx), else the output's suffix, else xlsx."""
    if formats is not None:
        check_formats(formats, SHEET_FORMATS, Msg("cli.msel.a_sheet"))
        if len(formats) > 1:
            raise click.BadParameter(spoken(Msg("cli.msel.one_format")), param_hint="--format")
    fmt = formats[0] if formats else None
    suffix = output.suffix.lower().lstrip(".") if output else ""
    if fmt is not None and suffix in ("csv", "xlsx") and suffix != fmt:
        raise click.BadParameter(
            spoken(Msg("cli.msel.format_not_suffix", format=fmt, suffix=suffix)),
            param_hint="--format",
        )
    if fmt is None and output is not None and str(output) == "-":
        return "csv"  # stdout takes text only
    return fmt or (suffix if suffix in ("csv", "xlsx") else "xlsx")


def _simulate(
    scenario: Scenario, n: int, seed: int, workers: int | None, limit: int
) -> tuple[dict[str, Expected], str]:
    """Median and p90 of every objective over n replications of the base scenario (in memory)."""
    check_replications(n, limit)
    workers = default_workers() if workers is None else workers
    summaries = simulate_summaries(scenario, [], n, seed, workers=min(workers, n))[BASE]
    stats = objective_stats(scenario, BASE, summaries)
    about = Msg("cli.msel.simulated", n=len(summaries), seed=str(seed))
    return {st.objective.id: Expected(st.time.median, st.time.p90) for st in stats}, about


@msel.command("import")
@click.argument("msel_file", metavar="MSEL", type=_FILE)
@click.option("--sheet", help="Sheet to read (default: the sheet named MSEL, else the first).")
@click.option(
    "--scenario",
    "scenario_file",
    type=_FILE,
    help="Scenario whose incidents section is replaced; recipients are matched to its agencies.",
)
@start_option
@out_option
@force_option
@lang_option
def import_(
    msel_file: Path,
    sheet: str | None,
    scenario_file: Path | None,
    start: float | None,
    out: Path | None,
    force: bool,
    lang: str | None,
) -> None:
    """Read an MSEL spreadsheet (XLSX or CSV) into the incidents of a scenario.

    The header row is found in the first 20 rows (a title above it, merged cells and two-row
    headers are fine). Headers are matched in any case and spacing, with English, Vietnamese and
    Chinese names: No, #, Seq, MSEL No, STT, 序号; Time, Date/Time, Thời gian, 时间; Inject,
    Description, Message, Nội dung, 内容; To, Recipient, Player, Đơn vị nhận, 接收方; Delivery
    method; Expected player action; ... (docs/scenario-format.md has the whole table). Blank rows
    are skipped; unknown columns are ignored and listed on stderr. The YAML goes to --out, else
    to stdout.

    \b
    Scenario times:
      35m, 1h30m                 a duration since the exercise start
      D+1 H+2 M+30, H+2, M+30    days, hours, minutes since the start
      H+0:35, T+0:35, +00:35     hours:minutes since the start
      [h]:mm duration cell       a duration since the start
      09:30, 9h30, time cell     a clock time, counted from --start
                                 (default: the earliest clock time in the sheet)

    Each row becomes an incident. Its id is the Incident id column, else inject-<Event No.>; its
    detecting agency is the Detected by column, else the first recipient in To that is an agency
    id or name of --scenario. Every cell that cannot be read is reported with its row and column,
    all at once, and nothing is written (exit code 1).

    Without --scenario the incidents: section is printed as YAML. With --scenario the whole
    scenario is printed with its incidents: section replaced (every other line and comment kept),
    checked as `drillsim validate` would before anything is written. Messages are in --lang,
    else --scenario's language, else English.

    \b
    Example:
      drillsim msel import lai-chau-msel.xlsx --scenario scenarios/lai-chau-hydropower.yaml -o new.yaml
      drillsim msel import planners-msel.csv --start 08:00
    """
    output = None if out is None or str(out) == "-" else out
    if output is not None:
        check_output(output, force=force, inputs=(msel_file,))  # --scenario may be updated in place
    scenario, text = None, ""
    if scenario_file is not None:  # read first: the sheet's problems are said in its language
        text = decode(read_limited(scenario_file, str(scenario_file)), str(scenario_file))
        scenario = load_scenario_text(text, str(scenario_file))
        adopt(scenario.scenario.language)
    tables, notes = read_tables(msel_file, sheet)
    result = import_incidents(tables, scenario, start)
    for note in (*notes, *result.notes):
        echo(Msg("cli.msel.note", note=note), err=True)
    if scenario is None:
        yaml_text = incidents_text(result.incidents)
    else:
        yaml_text, warnings = replace_incidents(
            text, str(scenario_file), scenario, result.incidents, str(output or "<output>")
        )
        for w in warnings:
            echo(w.format(language()), err=True)
    if output is None:
        echo_data(yaml_text)
    else:
        write_atomic(output, yaml_text)
    read = {
        "n": len(result.incidents),
        "file": str(msel_file),
        "sheet": in_sheet(tables[0].sheet),
        "row": str(result.header.row),
    }
    echo(
        Msg("cli.msel.read_wrote", **read, out=str(output))
        if output
        else Msg("cli.msel.read", **read),
        err=True,
    )
