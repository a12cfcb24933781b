"""The simulation engine. Its only entry point is :func:`run_replication`; it reads no files."""

from __future__ import annotations

from drillsim.sim.compile import CompiledScenario
from drillsim.sim.engine.model import DrillModel
from drillsim.sim.records import ReplicationResult
from drillsim.sim.rng import RandomStreams

__all__ = ["run_replication"]


def run_replication(
    compiled: CompiledScenario, seed: int, replication: int = 0
) -> ReplicationResult:
    """Simulate one replication of the response.

    Args:
        compiled: The scenario (with any variant applied) compiled once by ``compile_scenario``.
        seed: The run's seed.
        replication: Index of the replication; with ``seed`` it fixes every random draw, and the
            same index in two variants shares random streams (common random numbers).

    Returns:
        The whole event log and how the run ended. Never raises for a valid scenario: what
        could not finish is in ``unfinished`` with its reason.
    """
    return DrillModel(compiled, RandomStreams(seed, replication)).run(replication)
