"""Waits per alert and per request at desks and unit pools: hand-computed traces, pooling over
replications, the still-waiting rule, the Woodruff interval, and the compact summary form."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from drillsim.analysis.findings import IDLE_UTILISATION, idle
from drillsim.analysis.queues import (
    PooledWaits,
    QueueSummary,
    by_p90,
    pooled_quantile,
    queue_summaries,
)
from drillsim.analysis.stats import quantile
from drillsim.analysis.summary import QueueStats, ReplicationSummary, pack_waits, summarize
from drillsim.scenario.loader import load_scenario_text
from drillsim.sim.compile import compile_scenario
from drillsim.sim.engine import run_replication

# One duty officer relays to three recipients, 2 minutes a message; one unit does three
# 10-minute tasks, all ready at 0: the desk's waits are 0, 2 and 4 minutes, the pool's 0, 10, 20.
TRACE = """
scenario: {{id: q, title: "Q", horizon: {horizon}, seed: 1}}
target: {{name: "Site", kind: other}}
agencies:
  - {{id: hub, name: "Hub police", duty_officers: 1, handling: 2m, units: 1, activation: 0s, travel: 0s}}
  - {{id: a, handling: 0s, activation: 0s, travel: 0s}}
  - {{id: b, handling: 0s, activation: 0s, travel: 0s}}
  - {{id: c, handling: 0s, activation: 0s, travel: 0s}}
links:
  - {{from: hub, to: [a, b, c], channel: phone, delay: 0s}}
incidents:
  - {{id: i, at: 0s, detected_by: hub, detection: 0s, triggers: [t1, t2, t3]}}
tasks:
  - {{id: t1, by: [hub], duration: 10m}}
  - {{id: t2, by: [hub], duration: 10m}}
  - {{id: t3, by: [hub], duration: 10m}}
"""


def _queues(horizon: str) -> dict[str, object]:
    sc = load_scenario_text(TRACE.format(horizon=horizon))
    compiled = compile_scenario(sc)
    summary = summarize(run_replication(compiled, 1, 0), compiled)
    return {
        "summary": summary,
        "queues": {q.resource: q for q in queue_summaries(sc, [summary]) if q.had_traffic},
    }


def test_one_officer_three_messages_and_one_unit_three_tasks_by_hand() -> None:
    got = _queues("4h")
    s = got["summary"]
    assert isinstance(s, ReplicationSummary)
    assert (
        list(s.desks[0].waits) == [120.0, 240.0] and s.desks[0].served == 3
    )  # the zero wait is counted
    assert list(s.units[0].waits) == [600.0, 1200.0] and s.units[0].served == 3
    desk, units = got["queues"]["desk"], got["queues"]["units"]  # type: ignore[index]
    # Linear interpolation (stats.quantile): p90 of (0, 2, 4) min sits at rank 0.9 * 2 = 1.8,
    # 2 + 0.8 * (4 - 2) = 3.6 min.
    assert (desk.name, desk.capacity, desk.requests_per_replication) == ("Hub police", 1, 3.0)
    assert desk.waited_share == pytest.approx(2 / 3)
    assert (desk.mean_wait, desk.median_wait, desk.p90_wait) == pytest.approx((120.0, 120.0, 216.0))
    assert (desk.longest_queue, desk.longest_queue_at) == (2, 0.0)
    assert desk.utilisation == pytest.approx(360 / 1800)  # 3 x 2 min of a 30-min replication
    assert (units.mean_wait, units.median_wait, units.p90_wait) == pytest.approx(
        (600.0, 600.0, 1080.0)
    )
    assert units.waited_share == pytest.approx(2 / 3) and units.unserved_per_replication == 0
    assert by_p90([desk, units]) == [units, desk]  # 18 min before 3.6 min
    # Busy while needed: the desk had work from 0 to 6 min (the third message sent) and was busy
    # all of it; the unit from 0 to 30 min, all of it. A 20% desk of the whole run is not idle.
    assert (s.desks[0].active, desk.busy_while_needed) == (360.0, 1.0)
    assert (s.units[0].active, units.busy_while_needed) == (1800.0, 1.0)
    assert not idle(desk) and not idle(units)


def test_idle_means_nothing_waited_or_little_busy_while_needed() -> None:
    """Two officers, alerts that never overlap: nobody waits, so more officers cannot help; a pool
    busy 10% of the time it had work is idle; one busy 50% with waits is not."""

    def q(busy: float, waited: float) -> QueueSummary:
        return QueueSummary(
            "a",
            "desk",
            2,
            0.05,
            0.0,
            0.0,
            0,
            None,
            1.0,
            waited_share=waited,
            busy_while_needed=busy,
        )

    assert idle(q(0.5, 0.0)) and idle(q(0.1, 0.3)) and not idle(q(0.5, 0.3))
    assert idle(q(IDLE_UTILISATION - 0.01, 0.3)) and not idle(q(IDLE_UTILISATION, 0.3))


def test_what_is_still_waiting_at_the_end_counts_as_longer_than_any_wait() -> None:
    """Horizon 3 min: the desk took up messages at 0 and 2 min, the third (due at 4 min) is still
    waiting; the unit started t1 at 0, t2 and t3 never got it."""
    got = _queues("3m")
    desk, units = got["queues"]["desk"], got["queues"]["units"]  # type: ignore[index]
    assert (
        desk.served_per_replication,
        desk.unserved_per_replication,
        desk.requests_per_replication,
    ) == (2, 1, 3)
    assert desk.waited_share == pytest.approx(2 / 3)
    assert desk.median_wait == 120.0  # of (0, 2 min, still waiting)
    assert desk.p90_wait is None  # a third still waiting: the 90th percentile is beyond any wait
    assert (units.served_per_replication, units.unserved_per_replication) == (1, 2)
    assert units.median_wait is None and units.mean_wait == 0.0  # the mean is over those served
    assert by_p90([desk, units])[0] is units  # both p90s unknown; the unknown median goes first


def _stats(waits: list[float], served: int, unserved: int = 0) -> QueueStats:
    positive = [w for w in waits if w > 0]
    return QueueStats(
        served=served,
        total_wait=sum(positive),
        max_wait=max(positive, default=0.0),
        unserved=unserved,
        waited=pack_waits(positive),
    )


def test_pooled_over_replications_each_alert_one_observation() -> None:
    # Replication A: waits 0, 1, 3 min; B: 0, 5 min and one still waiting. Pooled, sorted:
    # 0, 0, 1, 3, 5, inf. Median at rank 2.5: (1 + 3) / 2 = 2 min; p90 at rank 4.5 involves inf.
    pooled = PooledWaits([_stats([0, 60, 180], 3), _stats([0, 300], 2, unserved=1)])
    assert list(pooled) == [0.0, 0.0, 60.0, 180.0, 300.0, math.inf]
    assert pooled_quantile(pooled, 0.5)[0] == 120.0
    assert pooled_quantile(pooled, 0.9)[0] is None
    assert list(pooled.per_replication) == [3, 3]
    assert list(pooled.at_or_below(100.0)) == [2, 1]


def test_woodruff_interval_by_hand() -> None:
    """Four replications, two alerts each: (0, 1), (0, 2), (1, 3), (2, 4) minutes. Pooled median
    at rank 3.5 of 0 0 1 1 2 2 3 4 min: 1.5 min. At or below it per replication: 2, 1, 1, 0 of 2,
    share 1/2; between-replication variance 4/3 * (1 + 0 + 0 + 1) / 8^2 = 1/24."""
    pooled = PooledWaits(
        [_stats([0, 60], 2), _stats([0, 120], 2), _stats([60, 180], 2), _stats([120, 240], 2)]
    )
    median, ci = pooled_quantile(pooled, 0.5)
    assert median == 90.0
    half = 1.959963984540054 * math.sqrt(1 / 24)
    low_p, high_p = 0.5 - half, 0.5 + half  # 0.0999, 0.9001
    assert ci.low == 0.0  # rank 7 * 0.0999 = 0.70 falls between the two zeros
    assert ci.high == pytest.approx(180 + (7 * high_p - 6) * 60)  # between 3 and 4 min
    assert low_p > 0


waits_strategy = st.lists(
    st.tuples(st.lists(st.floats(0, 1e5, allow_nan=False), max_size=8), st.integers(0, 3)),
    min_size=1,
    max_size=6,
)


@given(waits_strategy, st.floats(0, 1))
def test_pooled_quantile_equals_the_quantile_of_the_whole_sorted_list(
    reps: list[tuple[list[float], int]], p: float
) -> None:
    queues = [_stats(w, len(w), unserved) for w, unserved in reps]
    whole = sorted([w for ws, _ in reps for w in ws] + [math.inf] * sum(u for _, u in reps))
    pooled = PooledWaits(queues)
    assert list(pooled) == whole
    if whole:
        expected = quantile(whole, p)
        got = pooled_quantile(pooled, p)[0]
        assert (got is None) if math.isinf(expected) else got == pytest.approx(expected)


def test_summary_keeps_waits_compactly_and_round_trips_through_json() -> None:
    s = _queues("3m")["summary"]
    assert isinstance(s, ReplicationSummary)
    again = ReplicationSummary.from_json(json.loads(json.dumps(s.to_json())))
    assert again == s
    assert again.desks[0].unserved == 1 and list(again.desks[0].waits) == [120.0]
    assert len(s.desks[0].waited) == 8  # one positive wait, 8 bytes
    assert again.desks[1] is again.units[1]  # idle desks and pools share one object


@pytest.mark.slow
def test_woodruff_interval_covers_the_median_of_clustered_waits() -> None:
    """Waits that share their replication's pace (a random factor per replication) are not
    independent: the Woodruff interval with the between-replication error covers the true median
    about 95% of the time, where treating alerts as independent covers it much less often."""
    from drillsim.analysis.stats import _order_ci

    rng = np.random.default_rng(14)
    k, m, trials = 6, 40, 400
    truth = float(np.median(rng.exponential(size=2_000_000) * rng.exponential(size=2_000_000)))
    woodruff = naive = 0
    for _ in range(trials):
        pace = rng.exponential(size=m)
        queues = [_stats(list(f * rng.exponential(size=k)), k) for f in pace]
        pooled = PooledWaits(queues)
        _, ci = pooled_quantile(pooled, 0.5)
        woodruff += (ci.low or 0.0) <= truth <= (ci.high or math.inf)
        iid = _order_ci(list(pooled), 0.5)
        naive += (iid.low or 0.0) <= truth <= (iid.high or math.inf)
    assert 0.92 <= woodruff / trials <= 0.985
    assert naive / trials < woodruff / trials - 0.1


def test_analysis_json_and_the_analyze_command_list_every_busy_desk_and_pool(
    tmp_path: object,
) -> None:
    """The hand trace through ``drillsim analyze``: the printed line and analysis.json carry the
    same figures as the hand calculation above, for each of the two busy queues only."""
    from pathlib import Path

    from tests.helpers import run_cli

    assert isinstance(tmp_path, Path)
    src, out = tmp_path / "q.yaml", tmp_path / "a.json"
    src.write_text(TRACE.format(horizon="4h"), encoding="utf-8")
    r = run_cli("analyze", str(src), "-n", "3", "--workers", "1", "--json", str(out))
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("Duty desks and unit pools"))
    # Three identical replications pooled: 0, 0, 0, 10, 10, 10, 20, 20, 20 min; the p90 at rank
    # 0.9 * 8 = 7.2 is 20 min (one replication alone gives 18 min, see above).
    assert lines[head + 1].split() == [
        "Hub",
        "police",
        "units",
        "x1",
        "3.0",
        "requests/rep",
        "waited",
        "67%",
        "mean",
        "0:10:00",
        "median",
        "0:10:00",
        "p90",
        "0:20:00",
        "longest",
        "queue",
        "2",
        "busy",
        "100%",
    ]
    assert lines[head + 2].split()[2:13] == [
        "desk",
        "x1",
        "3.0",
        "alerts/rep",
        "waited",
        "67%",
        "mean",
        "0:02:00",
        "median",
        "0:02:00",
        "p90",
    ]
    data = json.loads(out.read_text(encoding="utf-8"))["queues"]
    assert [(q["agency"], q["resource"]) for q in data] == [("hub", "desk"), ("hub", "units")]
    desk = data[0]
    assert desk["name"] == "Hub police" and desk["observations"] == 9 and desk["replications"] == 3
    assert (desk["median_wait"], desk["p90_wait"], desk["waited_share"]) == pytest.approx(
        (120.0, 240.0, 2 / 3)
    )
    # Identical replications (fixed durations): the between-replication error is zero.
    assert desk["p90_wait_ci"] == {"low": 240.0, "high": 240.0}
