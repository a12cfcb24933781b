"""``drillsim new``: write a commented starting scenario for a kind of target."""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from drillsim.cli.options import force_option, lang_option
from drillsim.cli.output import echo, echo_data, spoken
from drillsim.errors import InputError
from drillsim.files import check_output, write_atomic
from drillsim.i18n import Msg
from drillsim.scenario.new import KINDS, render, scenario_id_for, summaries


class _NewCommand(click.Command):
    """Lists the templates, one line each, under the help text (read only when help is shown)."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Templates"):
            formatter.write_dl(list(summaries("en").items()))


@click.command(cls=_NewCommand)
@click.argument("out", required=False, metavar="[OUT.yaml]")
@click.option(
    "-t",
    "--template",
    "kind",
    type=click.Choice(KINDS),
    metavar="KIND",
    help="Kind of target (see Templates below, or --list).",
)
@lang_option
@force_option
@click.option("--list", "list_only", is_flag=True, help="List the templates and exit.")
def new(out: str | None, kind: str | None, lang: str | None, force: bool, list_only: bool) -> None:
    """Write a starting scenario for a kind of target, ready to validate and run.

    The file is a teaching document: a header saying what the drill models and how to run
    it, a comment on every section, and on every figure its published source or the label
    "assumption" (all assumptions are listed again under assumptions:). The scenario id is
    OUT's name when that is a valid id. OUT.yaml "-" writes to stdout. Names, titles and
    comments are in --lang (default English); ids stay ASCII.

    \b
    Examples:
      drillsim new --template school --lang zh my-drill.yaml
      drillsim new --template hospital --lang vi benh-vien.yaml
      drillsim new --template telecom_site - | less
      drillsim new --list --lang vi
    """
    lang = lang or "en"
    if list_only:
        for name, text in summaries(lang).items():
            echo(Msg("cli.new.template", name=f"{name:18}", summary=text))
        return
    if kind is None or out is None:
        raise click.UsageError(spoken(Msg("cli.new.give_template")))
    if not out.isprintable():
        text = Msg("cli.new.control_character", name=repr(out))
        raise click.BadParameter(spoken(text), param_hint="OUT.yaml")
    text = render(kind, lang, out)
    if out == "-":
        echo_data(text)
        return
    _write(Path(out), text, force)
    _next_steps(out, kind, lang)


def _write(path: Path, text: str, force: bool) -> None:
    """Write atomically; never over an earlier file without --force."""
    if path.is_dir():
        raise InputError(Msg("cli.new.folder", path=str(path), example=str(path / "my-drill.yaml")))
    check_output(path, force=force)
    write_atomic(path, text)


def _next_steps(out: str, kind: str, lang: str) -> None:
    """Say what was written and what to run next."""
    arg = shlex.quote(out)
    wrote = Msg("cli.new.wrote", path=out, kind=kind, lang=lang, id=scenario_id_for(out, kind))
    echo(wrote)
    steps = [
        (f"drillsim validate {arg}", Msg("cli.new.step_validate")),
        (f"drillsim timeline {arg}", Msg("cli.new.step_timeline")),
        (f"drillsim run {arg} -n 1000 --all-variants", Msg("cli.new.step_run")),
    ]
    width = max(len(cmd) for cmd, _ in steps)
    echo(Msg("cli.new.next"))
    for cmd, why in steps:
        echo(Msg("cli.new.step", command=f"{cmd:{width}}", why=why))
