"""Scale-out on a Dask distributed cluster (optional extra: ``pip install 'drillsim[dask]'``).

drillsim is only a *client* here: it connects to the scheduler address the user gives and opens
no listening socket of its own. The compiled scenarios are sent to every worker once
(``scatter(broadcast=True)``); replications go in batches, since a Dask task costs about 2 ms
against 0.2 ms for a local process (shared/PERFORMANCE.md). Results are identical to a serial
run: replication ``i`` draws from the streams of ``(seed, i)`` wherever it runs.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from drillsim.errors import InputError, SimulationError
from drillsim.i18n import Msg
from drillsim.runs.batch import Failure, Job, run_batch

if TYPE_CHECKING:
    from drillsim.analysis.summary import ReplicationSummary
    from drillsim.sim.compile import CompiledScenario


CONNECT_TIMEOUT = "15s"
"""How long to wait for the scheduler to answer before the address is reported as unreachable."""

CLOSE_TIMEOUT = 3
"""Seconds the disconnection may take (after Ctrl-C the study must end within a few seconds)."""


def connect(address: str) -> Any:
    """A Dask client of the scheduler at ``address`` (never set as the global default client).

    Raises:
        InputError: Dask is not installed, the address is malformed, or nothing answers there
            within :data:`CONNECT_TIMEOUT`; the message names the address.
    """
    try:  # NOTE: imported here: Dask is an optional extra (about 1 s to import)
        from distributed import Client
        from distributed.comm import get_address_host_port
    except ImportError:
        raise InputError(Msg("runs.dask_missing")) from None
    try:
        # NOTE: checked first: a Client built on a malformed address fails, then hangs for seconds
        # at interpreter exit in its __del__.
        get_address_host_port(address)
    except ValueError as exc:
        raise InputError(
            Msg("runs.dask_bad_address", address=repr(address), detail=str(exc))
        ) from None
    try:
        return Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise InputError(Msg("runs.dask_unreachable", address=address, detail=str(exc))) from None


def check_scheduler(address: str) -> None:
    """Connect to the scheduler and disconnect, so a wrong address fails before any output is made.

    Raises:
        InputError: As :func:`connect`.
    """
    connect(address).close()


def _dask_batch(compiled: CompiledScenario, variant: str, seed: int, lo: int, hi: int) -> list[Any]:
    return run_batch(compiled, variant, seed, range(lo, hi))


def _failed(job: Job, seed: int, exc: BaseException) -> list[Any]:
    return [
        Failure(
            job.variant, i, seed, Msg("runs.dask_task_failed", error=f"{type(exc).__name__}: {exc}")
        )
        for i in range(job.lo, job.hi)
    ]


def run_on_dask(
    address: str,
    compiled: dict[str, CompiledScenario],
    jobs: Sequence[Job],
    seed: int,
    on_batch: Callable[[Job, list[ReplicationSummary | Failure]], None],
) -> None:
    """Submit the jobs to the scheduler at ``address`` and hand back each batch as it completes.

    A batch whose task fails (Dask gives up on a task after its worker died several times) is
    halved and resubmitted, down to the single replication, so one replication that kills its
    worker is reported with its seed and the rest of its batch is kept.
    """
    client = connect(address)
    from distributed import as_completed  # NOTE: the optional Dask extra, present once connected

    futures: dict[Any, Job] = {}

    try:
        shared = client.scatter(compiled, broadcast=True)

        def submit(job: Job) -> Any:
            return client.submit(
                _dask_batch, shared[job.variant], job.variant, seed, job.lo, job.hi, pure=False
            )

        for job in jobs:
            futures[submit(job)] = job
        with (
            client.as_current()
        ):  # as_completed looks up the current client; never a global default
            queue = as_completed(list(futures))
            for fut in queue:
                job = futures.pop(fut)
                try:
                    rows = fut.result()
                except OSError:
                    raise  # the scheduler is gone (CommClosedError): not this batch's fault
                except Exception as exc:  # noqa: BLE001 - a killed worker loses a replication, not the run
                    if job.hi - job.lo == 1:
                        on_batch(job, _failed(job, seed, exc))
                        continue
                    mid = (job.lo + job.hi) // 2
                    for half in (replace(job, hi=mid), replace(job, lo=mid)):
                        futures[new := submit(half)] = half
                        queue.add(new)
                    continue
                on_batch(job, rows)
    except OSError as exc:  # distributed's CommClosedError and friends: the connection, not a file
        raise SimulationError(
            Msg("runs.dask_connection_lost", address=address, detail=str(exc))
        ) from None
    except KeyboardInterrupt:
        # Ctrl-C: the cluster is shared and outlives the study; take back what it still runs for us.
        with contextlib.suppress(Exception):
            client.cancel(list(futures), force=True)
        raise
    finally:
        with contextlib.suppress(
            Exception
        ):  # an error closing must not hide the one that stopped us
            client.close(timeout=CLOSE_TIMEOUT)
