"""Data flows one way: the import contracts of pyproject.toml hold (docs/architecture.md).

The contracts are import-linter's ([tool.importlinter] in pyproject.toml): a ``layers`` contract
for the stages, an ``acyclic_siblings`` contract against cycles, and forbidden or protected imports
for the rules of shared/STYLE.md. They run here through ``lint-imports`` in a child process (the
import graph is built from the package found on its path). A second test copies the package,
breaks every contract on purpose, and checks that each is reported broken, naming the import.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "pyproject.toml"
CONTRACTS: list[dict[str, object]] = tomllib.loads(CONFIG.read_text(encoding="utf-8"))["tool"][
    "importlinter"
]["contracts"]
LINT = "from importlinter.cli import lint_imports_command; lint_imports_command()"


def lint(root: Path) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` over the ``drillsim`` package in ``root``, with ``root``'s contracts."""
    env = {**os.environ, "PYTHONPATH": str(root), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        [sys.executable, "-c", LINT, str(root / "pyproject.toml"), "--no-cache", "--no-logo"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def verdicts(output: str) -> dict[str, str]:
    """Contract name -> KEPT or BROKEN, from the report's summary lines."""
    found = {}
    for c in CONTRACTS:
        name = str(c["name"])
        for line in output.splitlines():
            if line.startswith(name + " "):
                found[name] = line[len(name) :].split()[0]
    return found


def broken_sections(output: str) -> dict[str, str]:
    """Contract name -> the text of its part of the "Broken contracts" report."""
    lines = output[output.index("Broken contracts") :].splitlines()[2:]
    heads = [
        i
        for i in range(len(lines) - 1)
        if lines[i] and set(lines[i + 1]) == {"-"} and len(lines[i + 1]) == len(lines[i])
    ]
    ends = [*heads[1:], len(lines)]
    return {lines[h]: "\n".join(lines[h + 2 : e]) for h, e in zip(heads, ends, strict=True)}


def test_every_contract_is_kept() -> None:
    run = lint(ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert verdicts(run.stdout) == {str(c["name"]): "KEPT" for c in CONTRACTS}, run.stdout


def test_the_contracts_cover_the_style_rules() -> None:
    """The stage order of shared/STYLE.md §6, and one contract per rule, each named by its id."""
    by_id = {c["id"]: c for c in CONTRACTS}
    assert by_id["layers"]["layers"][:7] == [
        "cli",
        "report",
        "msel | charts",
        "runs",
        "analysis",
        "sim",
        "scenario",
    ]
    assert set(by_id) == {
        "layers",
        "acyclic",
        "engine-reads-no-files",
        "engine-opens-nothing",
        "report-never-simulates",
        "only-loader-reads-yaml",
        "matplotlib-in-charts",
        "nothing-imports-cli",
    }


# What each contract must say when it is broken: (file in the copy, line appended, expected text).
BREAKS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "layers": (
        "sim/rng.py",
        "import drillsim.report",
        (
            "drillsim.sim is not allowed to import drillsim.report",
            "drillsim.sim.rng -> drillsim.report",
            "not listed as layers",  # the module added below, placed in no layer
            "- drillsim.unplaced",
        ),
    ),
    "acyclic": (
        "runs/batch.py",
        "from drillsim.runs import experiment",
        ("No cycles are allowed in drillsim.runs", ".batch -> .experiment"),
    ),
    "engine-opens-nothing": (
        "sim/engine/pools.py",
        "import pathlib",
        ("drillsim.sim.engine.pools -> pathlib",),
    ),
    "only-loader-reads-yaml": (
        "msel/export.py",
        "import yaml",
        ("drillsim.msel.export -> yaml",),
    ),
    "matplotlib-in-charts": (
        "analysis/stats.py",
        "import matplotlib",
        ("drillsim.analysis.stats -> matplotlib",),
    ),
    "nothing-imports-cli": (
        "report/plan.py",
        "import drillsim.cli",
        ("drillsim.report.plan -> drillsim.cli",),
    ),
    "report-never-simulates": (
        "report/vocab.py",
        "import simpy",
        ("drillsim.report.vocab -> simpy",),
    ),
    "engine-reads-no-files": (
        "sim/compile.py",
        "import drillsim.files",
        ("drillsim.sim.compile -> drillsim.files",),
    ),
}


@pytest.fixture(scope="module")
def broken_copy(tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess[str]:
    """The contracts run over a copy of the package with one violation of each appended, and a
    new top-level module that no layer names."""
    root = tmp_path_factory.mktemp("broken")
    shutil.copytree(
        ROOT / "drillsim", root / "drillsim", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy2(CONFIG, root / "pyproject.toml")
    (root / "drillsim" / "unplaced.py").write_text('"""In no layer."""\n', encoding="utf-8")
    for file, line, _ in BREAKS.values():
        path = root / "drillsim" / file
        path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
    return lint(root)


def test_every_contract_has_a_break() -> None:
    assert set(BREAKS) == {c["id"] for c in CONTRACTS}


@pytest.mark.parametrize("contract", sorted(BREAKS))
def test_a_broken_contract_is_reported_with_its_import(
    broken_copy: subprocess.CompletedProcess[str], contract: str
) -> None:
    out = broken_copy.stdout
    assert broken_copy.returncode == 1, out + broken_copy.stderr
    name = next(str(c["name"]) for c in CONTRACTS if c["id"] == contract)
    assert verdicts(out)[name] == "BROKEN", out
    section = broken_sections(out)[name]
    for text in BREAKS[contract][2]:
        assert text in section, f"{contract}: {text!r} not in\n{section}"


# --- what an import contract cannot see ---------------------------------------------------------

PKG = ROOT / "drillsim"
FILE_CALLS = {"open", "read_text", "read_bytes", "write_text", "write_bytes", "iterdir", "glob"}
DEFERRED_EXEMPT: set[str] = set()
"""Folders whose imports inside functions are not checked (none: every folder follows the rule)."""


def _called_names(tree: ast.AST) -> set[str]:
    """Names of everything called: ``open(...)`` gives open, ``p.read_text()`` gives read_text."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            out.add(
                f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
            )
    return out


def test_the_engine_calls_no_file_function() -> None:
    """The engine neither imports a file module (the contracts) nor opens a file with a builtin."""
    for path in sorted((PKG / "sim").rglob("*.py")):
        used = _called_names(ast.parse(path.read_text(encoding="utf-8"))) & FILE_CALLS
        assert not used, f"{path.relative_to(ROOT)} calls {sorted(used)}"


def deferred_imports(path: Path) -> list[tuple[int, bool]]:
    """(line, says why) of every import inside a function: a ``# NOTE:`` on its line or in the
    comment and import lines just above it (a ``try:`` opening the block included)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found = []
    for fn in ast.walk(ast.parse("\n".join(lines))):
        if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(fn):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                i = node.lineno - 1
                block = [lines[i]]
                while i > 0 and lines[i - 1].strip().startswith(("#", "from ", "import ", "try:")):
                    i -= 1
                    block.append(lines[i])
                found.append((node.lineno, any("# NOTE:" in b for b in block)))
    return found


def test_an_import_inside_a_function_says_why() -> None:
    """Imports go at the top; one kept inside a function (a heavy or optional package held out of
    start-up) carries a ``# NOTE:`` saying so, so that no cycle hides behind it."""
    bare = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in sorted(PKG.rglob("*.py"))
        if path.relative_to(PKG).parts[0] not in DEFERRED_EXEMPT
        for line, noted in deferred_imports(path)
        if not noted
    ]
    assert not bare, "imports inside functions without a # NOTE: " + ", ".join(bare)


def test_the_import_check_finds_a_bare_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def a():\n    import json\n\n\ndef b():\n    # NOTE: heavy\n    import csv\n",
        encoding="utf-8",
    )
    assert deferred_imports(sample) == [(2, False), (7, True)]


def test_the_file_call_check_finds_a_builtin_open() -> None:
    tree = ast.parse("with open('x') as f:\n    pass\nPath('y').read_text()\nlen([])\n")
    assert _called_names(tree) & FILE_CALLS == {"open", "read_text"}
