"""Behaviour is pinned: the example scenarios give the event logs, summaries and analysis that
were recorded in tests/fixtures/digests.json (scripts/record-digests.py says how and when to
regenerate them)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def recorder():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "record_digests", ROOT / "scripts" / "record-digests.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_example_scenarios_give_the_recorded_logs_summaries_and_analysis() -> None:
    module = recorder()
    expected = json.loads(module.FIXTURE.read_text(encoding="utf-8"))
    actual = module.record()
    assert sorted(actual) == sorted(expected)
    for scenario, files in expected.items():
        changed = sorted(name for name in files if actual[scenario].get(name) != files[name])
        assert not changed, f"{scenario}: {changed} differ from the recorded digests"
        assert sorted(actual[scenario]) == sorted(files), scenario


def test_the_digest_check_would_see_a_changed_byte(tmp_path: Path) -> None:
    """The comparison is of bytes: one changed byte changes the digest; analysis.json is
    compared on content, its format version aside."""
    module = recorder()
    assert module.sha(b"a\n") != module.sha(b"b\n")
    one, two = tmp_path / "one.json", tmp_path / "two.json"
    one.write_text(json.dumps({"findings": [1]}), encoding="utf-8")
    two.write_text(json.dumps({"version": 2, "findings": [1]}), encoding="utf-8")
    assert module.analysis_digest(one) == module.analysis_digest(two)
    two.write_text(json.dumps({"version": 2, "findings": [2]}), encoding="utf-8")
    assert module.analysis_digest(one) != module.analysis_digest(two)
