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

from drillsim.i18n import LANGUAGES, Msg, said
from drillsim.runs import inputs
from drillsim.scenario.model import Scenario
from drillsim.textsafe import terminal


class Reader:
    """The language of the person reading this command's output.

    ``--lang`` when given (``explicit``), else the language of the scenario the command works
    on (``adopted`` once it is read; ``validate`` adopts each file's in turn), else English.
    The state is reset at the start of every command (the ``--lang`` option's callback), so one
    test process running many commands never carries a language from one to the next.
    """

    explicit: str | None = None
    adopted: str | None = None

    @classmethod
    def reset(cls, explicit: str | None = None) -> None:
        cls.explicit, cls.adopted = explicit, None


def language(fallback: str | None = None) -> str:
    """The reader's language: ``--lang``, else ``fallback`` (a failed file's own), else the
    scenario's, else English."""
    for lang in (Reader.explicit, fallback, Reader.adopted):
        if lang in LANGUAGES:
            return lang
    return "en"


def adopt(lang: str | None) -> None:
    """The command now works on a scenario in ``lang``: speak it, unless ``--lang`` said otherwise."""
    Reader.adopted = lang


def spoken(message: object) -> str:
    """``message`` said now in the reader's language: for a text click shows itself (a usage
    error, a progress label), which cannot wait for :func:`echo`."""
    return said(message, language())


def echo(message: object = "", *, err: bool = False, nl: bool = True) -> None:
    """Print a message for a person, in the reader's language (a :class:`~drillsim.i18n.Msg`),
    escape sequences shown as text and very long lines cut."""
    click.echo(
        terminal(said(message, language()) if isinstance(message, Msg) else message), err=err, nl=nl
    )


def echo_data(data: str | bytes, *, nl: bool = False) -> None:
    """Write file content to stdout exactly (bytes to the binary stream)."""
    click.echo(data, nl=nl)


def open_scenario(path: Path, variants: Sequence[str] = ()) -> Scenario:
    """Open a scenario for simulation (drillsim.runs.inputs), printing its warnings on stderr."""
    opened = inputs.open_scenario(path, variants)
    adopt(opened.scenario.scenario.language)
    for w in opened.warnings:
        echo(w.format(language()), err=True)
    if opened.variant_warnings:
        echo(Msg("cli.variant_warnings", n=len(opened.variant_warnings), path=str(path)), err=True)
    return opened.scenario
