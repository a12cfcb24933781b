"""One command-line style: an option name means the same in every command, and the command
modules wire into the group without importing it back."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path
from typing import Any

import click
import pytest

from drillsim.cli import cli
from tests.helpers import run_cli

CLI_DIR = Path(__file__).resolve().parent.parent / "drillsim" / "cli"


def commands(group: click.Group = cli, prefix: str = "") -> dict[str, click.Command]:
    """Every command of the group, subcommands of msel included, by their full name."""
    out: dict[str, click.Command] = {}
    for name, command in group.commands.items():
        full = f"{prefix}{name}"
        if isinstance(command, click.Group):
            out.update(commands(command, f"{full} "))
        else:
            out[full] = command
    return out


def describe(option: click.Option, command: click.Command) -> dict[str, Any]:
    """What a user sees of an option: its spellings, type, default, help, flag-ness."""
    return {
        "spellings": sorted(option.opts + option.secondary_opts),
        "type": repr(option.type),
        "default": option.get_default(click.Context(command), call=False),
        "help": option.help,
        "flag": option.is_flag,
        "multiple": option.multiple,
        "dest": option.name,
    }


def declarations() -> dict[str, dict[str, dict[str, Any]]]:
    """Long option name -> command -> what the option is there."""
    seen: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for name, command in commands().items():
        for param in command.params:
            if isinstance(param, click.Option):
                long = max(param.opts, key=len)
                seen[long][name] = describe(param, command)
    return seen


def test_the_walk_sees_every_command() -> None:
    assert set(commands()) == {
        "analyze",
        "chart",
        "compare",
        "msel export",
        "msel import",
        "new",
        "report",
        "run",
        "schema",
        "sweep",
        "timeline",
        "validate",
    }


@pytest.mark.parametrize("option", sorted(declarations()))
def test_an_option_means_the_same_in_every_command(option: str) -> None:
    found = declarations()[option]
    first_command, first = next(iter(found.items()))
    for command, there in found.items():
        assert there == first, f"{option} differs between {first_command} and {command}"


def test_the_shared_options_are_shared() -> None:
    """The options several commands need are declared by each of them (so the test above
    compares something), with the one default the project chose."""
    found = declarations()
    wanted = {
        "--replications": ({"run", "analyze", "compare", "sweep", "msel export"}, 300),
        "--force": (
            {"run", "timeline", "analyze", "compare", "sweep", "report", "chart", "new"}
            | {"schema", "msel export", "msel import"},
            False,
        ),
        "--seed": ({"run", "timeline", "analyze", "compare", "sweep", "msel export"}, None),
        "--workers": ({"run", "analyze", "compare", "sweep", "msel export"}, None),
        "--out": ({"run", "chart", "schema", "msel export", "msel import"}, None),
        "--lang": (
            {"run", "report", "chart", "new", "validate", "schema", "timeline", "analyze"}
            | {"compare", "sweep", "msel export", "msel import"},
            None,
        ),
        "--json": ({"analyze", "compare", "sweep"}, None),
        "--suggest": ({"run", "analyze"}, 300),
        "--format": ({"run", "report", "msel export"}, None),
        "--variant": ({"run", "timeline", "analyze", "compare"}, ()),
        "--results": ({"analyze", "compare"}, None),
        "--start": ({"report", "msel import"}, None),
        "--max-events": ({"run", "timeline"}, None),
        "--max-replications": ({"run", "analyze", "compare", "sweep", "msel export"}, 1_000_000),
    }
    for option, (where, default) in wanted.items():
        assert set(found[option]) == where, option
        assert {d["default"] for d in found[option].values()} == {default}, option


def test_one_spelling_for_where_a_command_writes() -> None:
    """No --output anywhere; -o is always --out, -n always --replications, -q always --quiet."""
    found = declarations()
    assert "--output" not in found
    short = {"-o": "--out", "-n": "--replications", "-q": "--quiet"}
    for option, where in found.items():
        for there in where.values():
            for spelling in there["spellings"]:
                if spelling in short:
                    assert option == short[spelling], (spelling, option)


def test_suggest_is_a_number_in_run_and_analyze() -> None:
    for name in ("run", "analyze"):
        r = run_cli(name, "--suggest", "-1", "x.yaml")
        assert r.exit_code == 2 and "--suggest" in r.stderr, r.output


def test_command_modules_never_import_the_cli_package() -> None:
    """The group imports the commands; a command importing ``drillsim.cli`` (or its main)
    back would be a cycle. Helpers (options, output, hold) are shared; commands are not."""
    helpers = {"options", "output", "hold"}
    for path in sorted(CLI_DIR.glob("*.py")):
        if path.stem in ("__init__", "main"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                module = node.module
                assert module not in ("drillsim.cli", "drillsim.cli.main"), path.name
                if module.startswith("drillsim.cli."):
                    assert module.split(".")[2] in helpers, (path.name, module)
            if isinstance(node, ast.Import):
                for alias in node.names:
                    assert not alias.name.startswith("drillsim.cli"), path.name


def test_no_import_error_is_swallowed() -> None:
    for path in sorted(CLI_DIR.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert "ModuleNotFoundError" not in text and "importlib" not in text, path.name


def test_imports_inside_functions_say_why() -> None:
    """Only a heavy optional dependency is imported inside a function, and the line says so."""
    for path in sorted(CLI_DIR.glob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        tree = ast.parse("\n".join(lines))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Import | ast.ImportFrom):
                        line = lines[inner.lineno - 1]
                        assert "# NOTE:" in line, f"{path.name}:{inner.lineno}: {line.strip()}"


@pytest.mark.parametrize("name", sorted(commands()))
def test_every_command_has_help_with_an_example(name: str) -> None:
    r = run_cli(*name.split(), "--help")
    assert r.exit_code == 0, r.output
    assert "Example" in r.stdout and f"drillsim {name}" in r.stdout, name
