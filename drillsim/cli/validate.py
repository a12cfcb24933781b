"""``drillsim validate`` and ``drillsim schema``: check scenario files, publish the format."""

from __future__ import annotations

import json
from pathlib import Path

import click

from drillsim.cli.options import force_option, lang_option, out_option
from drillsim.cli.output import adopt, echo, echo_data, language
from drillsim.errors import ScenarioError
from drillsim.files import check_output, write_atomic
from drillsim.i18n import Msg
from drillsim.scenario.durations import format_duration
from drillsim.scenario.loader import load_scenario_with_warnings
from drillsim.scenario.model import Scenario
from drillsim.scenario.schema import scenario_schema


def summary(scenario: Scenario) -> Msg:
    """One line: what the scenario holds (links counted as sender -> recipient edges)."""
    return Msg(
        "cli.validate.summary",
        agencies=len(scenario.agencies),
        links=len(scenario.edges()),
        injects=len(scenario.incidents),
        tasks=len(scenario.tasks),
        objectives=len(scenario.objectives),
        variants=len(scenario.variants),
        horizon=format_duration(scenario.scenario.horizon),
    )


@click.command()
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@lang_option
def validate(files: tuple[Path, ...], lang: str | None) -> None:
    """Check scenario files and report every problem with its line and column.

    Each valid file gets a one-line summary on stdout; errors and warnings go to stderr as
    FILE:LINE:COL: error: PATH: MESSAGE, each followed by a hint. Warnings do not make a file
    invalid. Each file's lines are in its own language (--lang: all in one). Exit status: 0
    when every file is valid, 1 when any is not.

    \b
    Example:
      drillsim validate scenarios/lai-chau-hydropower.yaml
      drillsim validate scenarios/*.yaml
    """
    invalid = 0
    seen: set[str | None] = set()
    for path in files:
        try:
            scenario, warnings = load_scenario_with_warnings(path)
        except ScenarioError as exc:
            invalid += 1
            adopt(exc.language)
            seen.add(exc.language)
            echo(exc.render(language()), err=True)
            continue
        adopt(scenario.scenario.language)
        seen.add(scenario.scenario.language)
        for w in warnings:
            echo(w.format(language()), err=True)
        note = Msg("cli.validate.warnings_note", n=len(warnings)) if warnings else ""
        echo(Msg("cli.validate.valid", file=str(path), summary=summary(scenario), note=note))
    if invalid:
        # the count is about every file: in their language when they share one, else English
        adopt(seen.pop() if len(seen) == 1 else None)
        if len(files) > 1:
            echo(Msg("cli.validate.invalid_count", invalid=invalid, files=len(files)), err=True)
        raise click.exceptions.Exit(1)


@click.command()
@out_option
@force_option
@lang_option
def schema(out: Path | None, force: bool, lang: str | None) -> None:
    """Print the JSON Schema of the scenario format (for editor completion and checks).

    The schema accepts the shorthands scenario files use: durations such as 5m, distributions
    such as {uniform: [1m, 4m]} and a single id where a list of ids is expected. It goes to
    the file --out, else to stdout.

    \b
    Example:
      drillsim schema --out scenario.schema.json
      # VS Code (YAML extension), first line of a scenario file:
      # yaml-language-server: $schema=./scenario.schema.json
    """
    text = json.dumps(scenario_schema(), indent=2, ensure_ascii=False) + "\n"
    if out is None or str(out) == "-":
        echo_data(text)
    else:
        check_output(out, force=force)
        write_atomic(out, text)
        echo(Msg("cli.wrote", path=str(out)), err=True)
