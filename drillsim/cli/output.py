"""What the CLI prints: messages through :func:`drillsim.textsafe.terminal`, file content as it is.

Every message (results, notes, warnings, errors) goes through :func:`echo`, so no title, id, file
name or quoted value from a user's file can send an escape sequence to the terminal (window title,
clear screen, cursor moves) or fill it with megabytes. File content a command writes to stdout on
request (``-o -``: YAML, CSV, JSON) goes through :func:`echo_data` unchanged: it is data for a pipe,
and its own format escapes it (YAML and JSON quote control characters).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from drillsim.runs import inputs
from drillsim.scenario.model import Scenario
from drillsim.textsafe import terminal


def echo(message: object = "", *, err: bool = False, nl: bool = True) -> None:
    """Print a message for a person: escape sequences shown as text, very long lines cut."""
    click.echo(terminal(message), err=err, nl=nl)


def echo_data(data: str | bytes, *, nl: bool = False) -> None:
    """Write file content to stdout exactly (bytes to the binary stream)."""
    click.echo(data, nl=nl)


def open_scenario(path: Path, variants: Sequence[str] = ()) -> Scenario:
    """Open a scenario for simulation (drillsim.runs.inputs), printing its warnings on stderr."""
    opened = inputs.open_scenario(path, variants)
    for w in opened.warnings:
        echo(w.format(), err=True)
    if opened.variant_warnings:
        echo(
            f"note: {len(opened.variant_warnings)} warning(s) about what the variants change; "
            f"'drillsim validate {path}' shows them",
            err=True,
        )
    return opened.scenario
