"""The unit of work every executor runs: a batch of replications of one variant.

Serial runs, the local process pool (:mod:`drillsim.runs.experiment`) and a Dask cluster
(:mod:`drillsim.runs.distributed`) all cut the work into the same :class:`Job` ranges and run each
through :func:`run_batch`, so replication ``i`` gives the same summary wherever it runs. A
replication that raises becomes a :class:`Failure` with the seed to replay it, not a lost batch.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from drillsim.analysis.summary import ReplicationSummary, Summarizer
from drillsim.i18n import Msg
from drillsim.sim.compile import CompiledScenario
from drillsim.sim.engine import run_replication


@dataclass(frozen=True, slots=True)
class Failure:
    """A replication that raised inside the engine: enough to replay it."""

    variant: str
    replication: int
    seed: int
    error: str
    """What happened: a catalogue message (a worker that died, a Dask task that failed), or the
    engine's exception and its traceback (a bug to report)."""

    @property
    def headline(self) -> str:
        """The error for a message: a catalogue message whole (said in the reader's language),
        else the first line (the traceback stays in the manifest, for a bug report)."""
        if isinstance(self.error, Msg):
            return self.error
        return (self.error.splitlines() or [""])[0]


@dataclass(frozen=True, slots=True)
class Job:
    """A batch of replications of one variant."""

    variant: str
    lo: int
    hi: int


def plan(variants: Sequence[str], n: int, size: int, start: int = 0) -> list[Job]:
    """Jobs interleaved across variants so that partial results stay balanced."""
    per_variant = [[Job(v, r.start, r.stop) for r in batches(n, size, start)] for v in variants]
    return [job for group in zip(*per_variant) for job in group]


def run_batch(
    compiled: CompiledScenario, variant: str, seed: int, replications: Sequence[int]
) -> list[ReplicationSummary | Failure]:
    """Simulate and summarise a batch; a failing replication becomes a Failure, not a lost batch."""
    out: list[ReplicationSummary | Failure] = []
    summarize = Summarizer(compiled)  # what every replication's summary shares, worked out once
    for i in replications:
        try:
            out.append(summarize(run_replication(compiled, seed, i)))
        except Exception as exc:  # noqa: BLE001 - one bad replication must not lose the others
            out.append(
                Failure(variant, i, seed, f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}")
            )
    return out


def batches(n: int, size: int, start: int = 0) -> Iterator[range]:
    """Replication indices ``start .. start+n-1`` cut into ranges of ``size``."""
    for lo in range(start, start + n, size):
        yield range(lo, min(lo + size, start + n))


def batch_size(n: int, workers: int, per_worker_batches: int = 8, cap: int = 200) -> int:
    """Batches big enough to amortise task overhead, small enough to balance and report progress."""
    return max(1, min(cap, n // max(1, workers * per_worker_batches)))
