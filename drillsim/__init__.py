"""drillsim: design and simulate tabletop drills and exercises.

Data flows one way: scenario file -> validated Scenario -> CompiledScenario -> replications
(event logs) -> summaries -> analysis -> charts and the after-action report.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("drillsim")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
