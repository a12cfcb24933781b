"""Shared test setup: hypothesis profiles and the paths of the scenario fixtures.

Profiles: ``ci`` (default; bounded so the suite stays fast), ``dev`` and ``thorough`` (more
examples; ``HYPOTHESIS_MAX_EXAMPLES=N`` sets how many, e.g. for a long fuzz run). Choose one with
``HYPOTHESIS_PROFILE=thorough pytest``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings

TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS / "fixtures"
BAD = TESTS / "bad_scenarios"
SCENARIOS = TESTS.parent / "scenarios"

BAD_INPUTS: dict[str, list[str]] = {"tried": [], "crashed": []}
"""Bad inputs fed to the loader in this session (filled by test_loader_errors), for the summary line."""


def pytest_collection_modifyitems(items: list[Any]) -> None:
    """Browser tests are slow tests too: ``-m "not slow"`` leaves headless Chromium out."""
    import pytest

    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.slow)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """End the run with "bad inputs tried: N, crashed: M" when the corpus ran."""
    if BAD_INPUTS["tried"]:
        terminalreporter.write_line(
            f"bad inputs tried: {len(BAD_INPUTS['tried'])}, crashed: {len(BAD_INPUTS['crashed'])}"
        )


settings.register_profile(
    "ci", max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=200, deadline=None)
settings.register_profile(
    "thorough",
    max_examples=int(os.environ.get("HYPOTHESIS_MAX_EXAMPLES", "2000")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
