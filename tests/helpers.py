"""Small functions several test modules share (plain functions, no fixtures)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import click
from click.testing import CliRunner, Result

from drillsim.cli import cli
from drillsim.scenario.model import Scenario


def with_prerequisites(scenario: Scenario, tasks: Iterable[str]) -> set[str]:
    """The tasks and, transitively, every prerequisite they wait for."""
    todo, seen = list(tasks), set()
    while todo:
        task = todo.pop()
        if task not in seen:
            seen.add(task)
            todo.extend(scenario.task(task).after)
    return seen


def english(args: Sequence[object], lang: str | None = "en") -> list[str]:
    """``args`` of a ``drillsim`` command line, with ``--lang LANG`` added after the command.

    The command line speaks the scenario's language (most examples are Vietnamese, one is
    Chinese), so a test that pins English words reads the command in English. ``--lang`` is
    added only to a command that has the option and was not given one; ``lang=None`` adds none.
    """
    words = [str(a) for a in args]
    if lang is None or any(w == "--lang" or w.startswith("--lang=") for w in words):
        return words
    command: click.Command = cli
    depth = 0
    while (
        isinstance(command, click.Group) and depth < len(words) and words[depth] in command.commands
    ):
        command = command.commands[words[depth]]
        depth += 1
    if not any(isinstance(p, click.Option) and "--lang" in p.opts for p in command.params):
        return words
    return [*words[:depth], "--lang", lang, *words[depth:]]


def run_cli(*args: object, lang: str | None = "en", **kwargs: Any) -> Result:
    """``drillsim ARGS`` run in this process (click's CliRunner), read in ``lang`` (see english)."""
    return CliRunner().invoke(cli, english(args, lang), **kwargs)


QUICK = ("-n", "5", "--workers", "1", "--suggest", "0", "-q")
"""A small study: five replications on one process, no suggestions tested, no progress bar."""


def run_study(scenario: object, out: object, *extra: object, lang: str | None = "en") -> Result:
    """``drillsim run SCENARIO -n 5 --workers 1 --suggest 0 -q --out OUT EXTRA...``."""
    return run_cli("run", scenario, *QUICK, "--out", out, *extra, lang=lang)
