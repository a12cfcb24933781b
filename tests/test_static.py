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
