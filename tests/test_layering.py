"""Data flows one way: each stage imports only what its layer may (shared/STYLE.md §6)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "drillsim"


def imports(path: Path) -> set[str]:
    """Top-level module names and drillsim submodules imported anywhere in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def modules(pattern: str) -> list[Path]:
    return sorted(PKG.glob(pattern))


def _uses(found: set[str], banned: str) -> bool:
    return any(m == banned or m.startswith(banned + ".") for m in found)


RULES: list[tuple[str, tuple[str, ...]]] = [
    ("scenario/model.py", ("yaml", "simpy", "click", "matplotlib")),
    ("scenario/durations.py", ("yaml", "simpy", "click", "matplotlib", "networkx")),
    ("scenario/semantics.py", ("yaml", "simpy", "click", "matplotlib")),
    ("scenario/variants.py", ("yaml", "simpy", "click", "matplotlib")),
    ("scenario/rules.py", ("yaml", "simpy", "click", "matplotlib", "networkx")),
    ("sim/compile.py", ("yaml", "simpy", "click", "matplotlib", "drillsim.scenario.loader")),
    (
        "sim/engine/*.py",
        (
            "yaml",
            "click",
            "matplotlib",
            "drillsim.scenario.loader",
            "drillsim.report",
            "drillsim.analysis",
        ),
    ),
    ("analysis/*.py", ("simpy", "yaml", "matplotlib", "drillsim.sim.engine.model")),
    ("analysis/summary.py", ("simpy", "yaml", "matplotlib")),
    (
        "report/*.py",
        ("simpy", "drillsim.sim.engine", "drillsim.runs.study", "drillsim.runs.experiment", "yaml"),
    ),
    ("runs/store.py", ("simpy", "matplotlib", "yaml")),
]


@pytest.mark.parametrize(("pattern", "banned"), RULES, ids=[r[0] for r in RULES])
def test_layer_imports(pattern: str, banned: tuple[str, ...]) -> None:
    files = modules(pattern)
    assert files, f"no module matches {pattern}"
    for path in files:
        found = imports(path)
        bad = [b for b in banned if _uses(found, b)]
        assert not bad, f"{path.relative_to(PKG)} imports {bad}"


def test_only_loader_imports_yaml() -> None:
    users = [p.relative_to(PKG) for p in PKG.rglob("*.py") if _uses(imports(p), "yaml")]
    assert [str(u) for u in users] == ["scenario/loader.py"]


def test_only_charts_import_matplotlib() -> None:
    users = {
        p.relative_to(PKG).parts[0] for p in PKG.rglob("*.py") if _uses(imports(p), "matplotlib")
    }
    assert users <= {"charts"}


def test_engine_reads_no_files() -> None:
    for path in modules("sim/engine/*.py"):
        text = path.read_text(encoding="utf-8")
        assert "open(" not in text and "read_text" not in text, path
