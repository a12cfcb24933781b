"""The static checks are part of the test run: ruff (lint and format) and mypy report nothing.

They run as subprocesses of the interpreter running the tests, so they use the versions pinned in
the ``test`` extra and the configuration in pyproject.toml ([tool.ruff], [tool.mypy]).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHECKED = ["drillsim", "tests", "scripts", "benchmarks"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize(
    "command",
    [
        ("ruff", "check", "--no-cache", "--output-format", "concise", *CHECKED),
        ("ruff", "format", "--no-cache", "--check", *CHECKED),
    ],
    ids=["ruff-check", "ruff-format"],
)
def test_ruff_finds_nothing(command: tuple[str, ...]) -> None:
    r = _run(*command)
    assert r.returncode == 0, f"{' '.join(command)}:\n{r.stdout}{r.stderr}"


def test_mypy_finds_nothing_in_the_package() -> None:
    r = _run("mypy")  # files, plugins and strictness come from [tool.mypy]
    assert r.returncode == 0, f"mypy:\n{r.stdout}{r.stderr}"
    assert "Success: no issues found" in r.stdout, r.stdout


def _imported_top_modules() -> set[str]:
    """Top-level names of every module the package imports (at the top or inside a function)."""
    import ast

    names: set[str] = set()
    for path in (ROOT / "drillsim").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    from drillsim.fontfiles import CJK_FONT_PACKAGE  # read as a resource, never imported

    return (names | {CJK_FONT_PACKAGE}) - set(sys.stdlib_module_names) - {"drillsim"}


def _requirement_name(spec: str) -> str:
    import re

    return re.split(r"[\s\[<>=!~;]", spec, maxsplit=1)[0].lower().replace("_", "-")


def test_every_declared_dependency_is_imported_and_every_import_is_declared() -> None:
    import tomllib
    from importlib.metadata import packages_distributions

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {_requirement_name(s) for s in project["dependencies"]}
    # dask[distributed] brings the distributed package: the extra's name counts as declared
    dask = project["optional-dependencies"]["dask"]
    optional = {_requirement_name(s) for s in dask} | {
        e.strip() for s in dask if "[" in s for e in s.split("[")[1].split("]")[0].split(",")
    }
    dists = packages_distributions()
    used: dict[str, str] = {}  # distribution -> a module of it that the package imports
    for module in sorted(_imported_top_modules()):
        for dist in dists.get(module, [module]):
            used[dist.lower().replace("_", "-")] = module
    undeclared = {d: m for d, m in used.items() if d not in declared | optional}
    assert not undeclared, f"imported but not declared in pyproject.toml: {undeclared}"
    unused = declared - set(used)
    assert not unused, f"declared in pyproject.toml but never imported by drillsim: {unused}"
