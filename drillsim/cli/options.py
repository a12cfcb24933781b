"""Options shared by the commands, declared once: one name, one meaning, one default everywhere.

A command takes an option from here or, when no other command has it, declares its own.
tests/test_cli_options.py checks that every option name means the same in every command.
"""

from __future__ import annotations

from pathlib import Path

import click

from drillsim.cli.output import Reader, spoken
from drillsim.i18n import Msg
from drillsim.msel.times import start_seconds
from drillsim.runs.experiment import MAX_REPLICATIONS

REPLICATIONS = 300
"""What ``-n`` means when it is not given, in every command that simulates."""

SUGGEST = 300
"""Replications each suggested improvement is tested with, when ``--suggest`` is not given."""

REPORT_FORMATS = ("html", "md", "docx", "pdf")
SHEET_FORMATS = ("csv", "xlsx")
LANGUAGES = ("en", "vi", "zh")


class ClockTime(click.ParamType):
    """A clock time of day (``08:00``, ``8h00``) given as seconds since midnight."""

    name = "HH:MM"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        if isinstance(value, float):
            return value
        try:
            return start_seconds(str(value))
        except ValueError as exc:
            self.fail(spoken(exc.args[0] if exc.args else str(exc)), param, ctx)


class FormatList(click.ParamType):
    """Comma-separated file formats (``html,docx``), each a known one; which fit is the command's call."""

    name = "LIST"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[str, ...]:
        if isinstance(value, tuple):
            return value
        wanted = tuple(dict.fromkeys(f.strip().lower() for f in str(value).split(",") if f.strip()))
        bad = [f for f in wanted if f not in (*REPORT_FORMATS, *SHEET_FORMATS)]
        if bad or not wanted:
            formats = ", ".join(bad) or Msg("cli.options.no_format")
            self.fail(spoken(Msg("cli.options.unknown_format", formats=formats)), param, ctx)
        return wanted


def check_formats(formats: tuple[str, ...], allowed: tuple[str, ...], what: str) -> None:
    """A ``--format`` list holds only formats this command writes (else a usage error, exit 2).

    ``what`` names the command's output (``a report``), best a :class:`~drillsim.i18n.Msg`.
    """
    bad = [f for f in formats if f not in allowed]
    if bad:
        text = Msg(
            "cli.options.not_a_format",
            formats=", ".join(bad),
            what=what,
            allowed=", ".join(allowed),
        )
        raise click.BadParameter(spoken(text), param_hint="--format")


replications_option = click.option(
    "-n",
    "--replications",
    type=int,
    default=REPLICATIONS,
    show_default=True,
    help="Replications simulated per variant (common random numbers: replication i of every "
    "variant shares its random streams).",
)
"""``-n``: checked by drillsim.runs.experiment.check_replications (at least 1, under the limit)."""

max_replications_option = click.option(
    "--max-replications",
    type=click.IntRange(min=1),
    default=MAX_REPLICATIONS,
    show_default=True,
    help="Protective limit on -n.",
)

seed_option = click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=None,
    help="Run seed, 0 or more (default: the scenario's seed).",
)
"""``--seed``: negative seeds are refused by click as a usage error (exit 2)."""

workers_option = click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Local processes, 1 or more (default: the machine's cores).",
)
"""``--workers``: at least one process."""

variant_option = click.option(
    "--variant",
    "variants",
    multiple=True,
    default=(),
    metavar="VARIANT",
    help="A variant of the scenario, by id (repeatable where the command takes several).",
)

suggest_option = click.option(
    "--suggest",
    type=click.IntRange(min=0),
    default=SUGGEST,
    show_default=True,
    help="Most replications to test each suggested improvement with (fewer once its effect is clear; "
    "at most -n; 0: do not test).",
)

out_option = click.option(
    "-o",
    "--out",
    type=click.Path(path_type=Path, allow_dash=True),
    default=None,
    help="Where the command writes: a folder for run and chart, a file for the others "
    "(- is stdout, where the command writes text). The command's help gives the default.",
)
"""``--out``: each command checks what it needs (a folder, a file, whether - fits)."""

force_option = click.option(
    "--force",
    is_flag=True,
    help="Replace what is already at the output (of a run folder, only drillsim's own files).",
)

json_option = click.option(
    "--json",
    "json_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the results as JSON to this file.",
)


def _reader_language(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """Every message of the command is said in ``--lang`` from here on (eager: before other options)."""
    Reader.reset(value)
    return value


lang_option = click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default=None,
    is_eager=True,
    callback=_reader_language,
    help="Language of what is written and printed: en, vi or zh (default: the scenario's; "
    "else en).",
)

format_option = click.option(
    "--format",
    "formats",
    type=FormatList(),
    default=None,
    help="File formats, comma-separated: a report's html, md, docx, pdf (default html,md; pdf "
    "needs Chromium) or an MSEL sheet's csv or xlsx (default: from --out, else xlsx).",
)

results_option = click.option(
    "--results",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Read a saved run folder instead of simulating.",
)

quiet_option = click.option("-q", "--quiet", is_flag=True, help="No progress bar.")

max_events_option = click.option(
    "--max-events",
    type=click.IntRange(min=1),
    default=None,
    help="Events one replication may record (default 2,000,000).",
)

start_option = click.option(
    "--start",
    type=ClockTime(),
    default=None,
    help="Clock time the exercise started (HH:MM); clock times read from a file count from it.",
)
