"""``drillsim new``: write a commented starting scenario for a kind of target."""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from drillsim.cli.options import force_option, lang_option
from drillsim.cli.output import echo, echo_data
from drillsim.errors import InputError
from drillsim.files import check_output, write_atomic
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
            echo(f"{name:18} {text}")
        return
    if kind is None or out is None:
        raise click.UsageError(
            "give a template and an output file, e.g. "
            "drillsim new --template school my-drill.yaml (--list shows the templates)"
        )
    if not out.isprintable():
        raise click.BadParameter(
            f"{out!r} holds a line break, tab or other control character; choose a plain file name",
            param_hint="OUT.yaml",
        )
    text = render(kind, lang, out)
    if out == "-":
        echo_data(text)
        return
    _write(Path(out), text, force)
    _next_steps(out, kind, lang)


def _write(path: Path, text: str, force: bool) -> None:
    """Write atomically; never over an earlier file without --force."""
    if path.is_dir():
        raise InputError(f"{path} is a folder; give a file name such as {path / 'my-drill.yaml'}")
    check_output(path, force=force)
    write_atomic(path, text)


def _next_steps(out: str, kind: str, lang: str) -> None:
    """Say what was written and what to run next."""
    arg = shlex.quote(out)
    echo(f"wrote {out}: the {kind} template in {lang} (scenario id {scenario_id_for(out, kind)})")
    steps = [
        (f"drillsim validate {arg}", "check it"),
        (f"drillsim timeline {arg}", "one simulated response, as a timeline"),
        (f"drillsim run {arg} -n 1000 --all-variants", "the study and the after-action report"),
    ]
    width = max(len(cmd) for cmd, _ in steps)
    echo("next:")
    for cmd, why in steps:
        echo(f"  {cmd:{width}}  # {why}")
