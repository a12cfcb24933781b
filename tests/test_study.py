"""Monte Carlo studies: identical results wherever they run, CRN, stopping rule, failures, run folders."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from drillsim.analysis.stats import paired_difference, paired_share_difference
from drillsim.analysis.summary import ReplicationSummary
from drillsim.errors import ResultsFormatError
from drillsim.runs import batch, experiment
from drillsim.runs.experiment import Failure, compile_variants, plan, run_batch, run_jobs
from drillsim.runs.store import prepare_dir, read_run
from drillsim.runs.study import run_study
from drillsim.scenario.loader import load_scenario
from drillsim.scenario.variants import BASE

FIXTURE = Path(__file__).parent / "fixtures" / "report" / "hub.yaml"


@pytest.fixture(scope="module")
def scenario():  # type: ignore[no-untyped-def]
    return load_scenario(FIXTURE)


def collect(compiled, variants, n, *, workers=1, dask=None, size=7):  # type: ignore[no-untyped-def]
    out: dict[str, list] = {v: [] for v in variants}
    run_jobs(
        compiled,
        plan(variants, n, size),
        11,
        workers=workers,
        dask_address=dask,
        on_batch=lambda job, rows: out[job.variant].extend(rows),
    )
    return {v: sorted(rows, key=lambda r: r.replication) for v, rows in out.items()}


def test_serial_pool_and_dask_give_identical_replications(scenario) -> None:  # type: ignore[no-untyped-def]
    variants = [BASE, "second-officer"]
    compiled = compile_variants(scenario, variants)
    serial = collect(compiled, variants, 40)
    pool = collect(compiled, variants, 40, workers=2)
    assert serial == pool
    assert [r.replication for r in serial[BASE]] == list(range(40))
    import distributed  # a test dependency: a missing Dask must fail the test, not skip it

    with distributed.LocalCluster(
        host="127.0.0.1", n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        on_dask = collect(compiled, variants, 40, dask=cluster.scheduler_address)
    assert on_dask == serial


def test_common_random_numbers_and_self_comparison(scenario) -> None:  # type: ignore[no-untyped-def]
    compiled = compile_variants(scenario, [BASE, "second-officer"])
    rows = collect(compiled, [BASE, "second-officer"], 60)
    base, other = rows[BASE], rows["second-officer"]
    # The cordon is dispatched first by the hub, so a second officer cannot change it: with
    # common random numbers its time is identical replication by replication.
    assert [b.objectives[0].time for b in base] == [o.objectives[0].time for o in other]
    # So the paired difference between the two separately simulated variants is exactly zero with a
    # zero-width interval...
    times = [(b.objectives[0].time, o.objectives[0].time) for b, o in zip(base, other)]
    both = [(a, b) for a, b in times if a is not None and b is not None]
    assert len(both) >= 50 and len({a for a, _ in both}) > 10  # a random time, not a constant
    d = paired_difference([a for a, _ in both], [b for _, b in both])
    assert d.mean == 0 and d.ci.low == d.ci.high == 0 and not d.significant
    # ...which is the common random numbers at work, not a deterministic cordon: the same base run
    # again on other streams (study seed 12, not 11), an unpaired copy of the same scenario, differs
    # from it by noise, neither zero nor with a zero-width interval.
    fresh: list = []
    run_jobs(compiled, plan([BASE], 60, 7), 12, on_batch=lambda job, rows: fresh.extend(rows))
    fresh.sort(key=lambda r: r.replication)
    assert [r.replication for r in fresh] == list(range(60))
    indep = [(a, f.objectives[0].time) for (a, _), f in zip(times, fresh)]
    indep = [(a, b) for a, b in indep if a is not None and b is not None]
    d = paired_difference([a for a, _ in indep], [b for _, b in indep])
    assert d.mean != 0 and d.ci.width > 30  # seconds: the noise that pairing removed
    # The second officer helps EMS (objective 1): a significant paired improvement.
    d = paired_share_difference(
        [b.objectives[1].met for b in base], [o.objectives[1].met for o in other]
    )
    assert d.mean > 0 and d.significant


def test_removing_the_only_link_fails_every_replication(scenario) -> None:  # type: ignore[no-untyped-def]
    compiled = compile_variants(scenario, ["hotline-down"])
    rows = collect(compiled, ["hotline-down"], 30)["hotline-down"]
    assert all(not r.objectives[0].met and r.objectives[0].time is None for r in rows)
    assert all(any("no path in the coordination graph" in u[2] for u in r.unfinished) for r in rows)


def test_until_ci_stops_early(scenario, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = prepare_dir(tmp_path / "ci", force=False)
    run_study(scenario, FIXTURE, out, n=5000, seed=3, until_ci=0.15)
    data = read_run(out)
    n = len(data.summaries[BASE])
    assert 100 <= n < 5000
    from drillsim.analysis.stats import share_stats

    for k in range(3):
        met = sum(s.objectives[k].met for s in data.summaries[BASE])
        assert share_stats(met, n).ci.width < 0.15


def test_a_failing_replication_is_reported_and_the_others_kept(scenario, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    real = batch.run_replication

    def flaky(compiled, seed, replication=0):  # type: ignore[no-untyped-def]
        if replication == 3:
            raise RuntimeError("boom")
        return real(compiled, seed, replication)

    monkeypatch.setattr(batch, "run_replication", flaky)
    compiled = compile_variants(scenario, [BASE])
    rows = collect(compiled, [BASE], 10)[BASE]
    failures = [r for r in rows if isinstance(r, Failure)]
    assert [(f.replication, f.seed) for f in failures] == [(3, 11)] and "boom" in failures[0].error
    assert sum(isinstance(r, ReplicationSummary) for r in rows) == 9


def test_run_folder_checks(scenario, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = prepare_dir(tmp_path / "run", force=False)
    run_study(scenario, FIXTURE, out, n=30, seed=1)
    data = read_run(out)
    assert (
        data.manifest.status == "complete" and len(data.summaries[BASE]) == 30 and not data.warnings
    )
    assert data.manifest.logs[BASE].keys() == {"median", "worst"}
    # A run folder is never replaced without force.
    with pytest.raises(Exception, match="--force"):
        prepare_dir(out, force=False)
    # Truncated summaries of a complete run are refused.
    path = out / "summaries" / "base.jsonl"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(ResultsFormatError):
        read_run(out)
    # An interrupted run reads back what it finished, with a warning, dropping a partial line.
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    manifest["status"] = "interrupted"
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    partial = read_run(out)
    assert 0 < len(partial.summaries[BASE]) < 30 and partial.warnings
    # Another format version is refused with a clear message.
    manifest["format_version"] = 99
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ResultsFormatError, match="format version 99"):
        read_run(out)


def _dies_at_17(variant: str, seed: int, lo: int, hi: int) -> list[ReplicationSummary | Failure]:
    """A batch holding replication 17 kills its worker process every time (a deterministic crash)."""
    if lo <= 17 < hi:
        os._exit(9)
    return _REAL_WORKER_BATCH(variant, seed, lo, hi)


def _dies_once(variant: str, seed: int, lo: int, hi: int) -> list[ReplicationSummary | Failure]:
    """The first batch holding replication 17 loses its worker (killed from outside, once)."""
    marker = Path(os.environ["DRILLSIM_TEST_MARKER"])
    if lo <= 17 < hi and not marker.exists():
        marker.write_text("died", encoding="utf-8")
        os._exit(9)
    return _REAL_WORKER_BATCH(variant, seed, lo, hi)


_REAL_WORKER_BATCH = experiment._worker_batch


@pytest.mark.parametrize(
    "crash", [_dies_once, _dies_at_17], ids=["killed-once", "kills-every-time"]
)
def test_a_dead_worker_costs_at_most_the_replication_that_killed_it(
    scenario,
    tmp_path,
    monkeypatch,  # type: ignore[no-untyped-def]
    crash,
) -> None:
    """Killed from outside: nothing is lost. Killing its worker every time: only that replication,
    reported with its seed for replay; every other replication equals a serial run."""
    compiled = compile_variants(scenario, [BASE])
    serial = collect(compiled, [BASE], 42)[BASE]
    monkeypatch.setenv("DRILLSIM_TEST_MARKER", str(tmp_path / "died-once"))
    monkeypatch.setattr(experiment, "_worker_batch", crash)  # forked workers inherit the patch
    got = collect(compiled, [BASE], 42, workers=2)[BASE]
    assert [r.replication for r in got] == list(range(42))
    lost = [r for r in got if isinstance(r, Failure)]
    if crash is _dies_once:
        assert (tmp_path / "died-once").exists() and lost == []
    else:
        assert [(f.replication, f.seed) for f in lost] == [(17, 11)]
        assert "worker process died" in lost[0].error
    assert [r for r in got if isinstance(r, ReplicationSummary)] == [
        r for r in serial if r.replication != 17 or crash is _dies_once
    ]


def _dask_fails_at_17(compiled, variant: str, seed: int, lo: int, hi: int):  # type: ignore[no-untyped-def]
    """A Dask task holding replication 17 fails as a whole (as after its worker was killed)."""
    if lo <= 17 < hi:
        raise RuntimeError("KilledWorker: the worker running this task died")
    return run_batch(compiled, variant, seed, range(lo, hi))


def test_a_failed_dask_task_is_halved_down_to_the_replication(scenario, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import distributed

    import drillsim.runs.distributed as on_dask

    compiled = compile_variants(scenario, [BASE])
    serial = collect(compiled, [BASE], 42)[BASE]
    monkeypatch.setattr(on_dask, "_dask_batch", _dask_fails_at_17)
    with distributed.LocalCluster(
        host="127.0.0.1",
        n_workers=2,
        threads_per_worker=1,
        processes=False,
        protocol="tcp",
        dashboard_address=None,
    ) as cluster:
        got = collect(compiled, [BASE], 42, dask=cluster.scheduler_address, size=8)[BASE]
    assert [r.replication for r in got] == list(range(42))
    lost = [r for r in got if isinstance(r, Failure)]
    assert [(f.replication, f.seed) for f in lost] == [(17, 11)] and "KilledWorker" in lost[0].error
    assert [r for r in got if isinstance(r, ReplicationSummary)] == [
        r for r in serial if r.replication != 17
    ]
