"""``drillsim validate`` and ``drillsim schema``: check scenario files, publish the format."""

from __future__ import annotations

import json
from pathlib import Path

import click

from drillsim.cli.options import force_option, out_option
from drillsim.cli.output import echo, echo_data
from drillsim.errors import ScenarioError
from drillsim.files import check_output, write_atomic
from drillsim.scenario.durations import format_duration
from drillsim.scenario.loader import load_scenario_with_warnings
from drillsim.scenario.model import Scenario
from drillsim.scenario.schema import scenario_schema


def summary(scenario: Scenario) -> str:
    """One line: what the scenario holds (links counted as sender -> recipient edges)."""
    counts = [
        (len(scenario.agencies), "agencies"),
        (len(scenario.edges()), "links"),
        (len(scenario.incidents), "injects"),
        (len(scenario.tasks), "tasks"),
        (len(scenario.objectives), "objectives"),
        (len(scenario.variants), "variants"),
    ]
    parts = ", ".join(f"{n} {what}" for n, what in counts)
    return f"{parts}, horizon {format_duration(scenario.scenario.horizon)}"


@click.command()
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
def validate(files: tuple[Path, ...]) -> None:
    """Check scenario files and report every problem with its line and column.

    Each valid file gets a one-line summary on stdout; errors and warnings go to stderr as
    FILE:LINE:COL: error: PATH: MESSAGE, each followed by a hint. Warnings do not make a file
    invalid. Exit status: 0 when every file is valid, 1 when any is not.

    \b
    Example:
      drillsim validate scenarios/lai-chau-hydropower.yaml
      drillsim validate scenarios/*.yaml
    """
    invalid = 0
    for path in files:
        try:
            scenario, warnings = load_scenario_with_warnings(path)
        except ScenarioError as exc:
            invalid += 1
            echo(exc.render(), err=True)
            continue
        for w in warnings:
            echo(w.format(), err=True)
        note = f" ({len(warnings)} warning(s))" if warnings else ""
        echo(f"{path}: valid: {summary(scenario)}{note}")
    if invalid:
        if len(files) > 1:
            echo(f"{invalid} of {len(files)} file(s) invalid", err=True)
        raise click.exceptions.Exit(1)


@click.command()
@out_option
@force_option
def schema(out: Path | None, force: bool) -> None:
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
        echo(f"wrote {out}", err=True)
