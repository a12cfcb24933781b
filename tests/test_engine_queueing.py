"""Comparison with theory (Ciw style): the engine reproduces closed-form queueing results.

1. M/M/c (Erlang C). One agency with c units, on site (it works from base, activation 0),
   serves casualties arriving as a Poisson stream: one incident per arrival, each with one
   casualty going through a per-casualty task with exponential service. The inter-arrival times
   are drawn in the test from a seeded numpy generator; the service times come from the engine's
   own streams. The wait in queue of a casualty is TASK_STARTED - TASK_READY. Theory:
   ``W_q = C(c, a) / (c mu - lambda)`` and ``P(wait > 0) = C(c, a)``, with ``a = lambda / mu``.

   Tolerance: the mean of R independent replications (each the mean wait of N customers after a
   warm-up of 300 is deleted) must put the theory value inside its 99% Student-t confidence
   interval, and that interval must be narrower than +-15% of the theory value (so the test
   cannot pass by being vague).

2. Link retries. A link with reliability p, retry r and mean delay d gets through after
   ``d + (1 - p) / p * (d + r)`` on average (``expected_link_time``): the number of tries is
   geometric and each failed try costs a delay plus the retry wait. Checked over many seeded
   replications with the same 99% CI rule.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from engine_strategies import scenario, sec

from drillsim.sim.compile import compile_scenario, expected_link_time
from drillsim.sim.engine import run_replication
from drillsim.sim.records import EventKind as K

T_995 = {9: 3.250, 19: 2.861, 29: 2.756}
"""Two-sided 99% Student-t quantiles by degrees of freedom (no scipy needed)."""
Z_995 = 2.5758


def erlang_c(c: int, a: float) -> float:
    """Probability that an arrival waits in M/M/c with offered load ``a`` (< c)."""
    top = a**c / math.factorial(c) * c / (c - a)
    return top / (sum(a**k / math.factorial(k) for k in range(c)) + top)


def mmc_replication(
    c: int, lam: float, mean_service: float, n: int, rep: int
) -> tuple[float, float, float]:
    """One replication: (mean wait, share that waited, mean service) after a warm-up of 300."""
    gen = np.random.default_rng([2024, rep])
    arrivals = np.cumsum(gen.exponential(1 / lam, n))
    incidents = [
        {
            "id": f"c{k}",
            "at": sec(round(float(t), 6)),
            "detected_by": "srv",
            "triggers": "treat",
            "casualties": {"red": 1},
        }
        for k, t in enumerate(arrivals)
    ]
    s = scenario(
        [{"id": "srv", "units": c}],
        incidents,
        tasks=[{"id": "treat", "by": "srv", "per_casualty": {"exponential": sec(mean_service)}}],
        horizon=float(arrivals[-1]) + 86400,
    )
    r = run_replication(compile_scenario(s), seed=11, replication=rep)
    assert r.ended_by == "complete" and not r.unfinished
    ready = {x.incident: x.time for x in r.records if x.kind is K.TASK_READY}
    started = {x.incident: x.time for x in r.records if x.kind is K.TASK_STARTED}
    finished = {x.incident: x.time for x in r.records if x.kind is K.TASK_FINISHED}
    order = [f"c{k}" for k in range(300, n)]
    waits = np.array([started[i] - ready[i] for i in order])
    service = np.array([finished[i] - started[i] for i in order])
    # The agency is on site at the inject, so a casualty is ready at its arrival time.
    assert all(
        ready[f"c{k}"] == float(sec(round(float(t), 6))[:-1]) for k, t in enumerate(arrivals[:50])
    )
    return float(waits.mean()), float((waits > 1e-9).mean()), float(service.mean())


def ci99(samples: list[float]) -> tuple[float, float]:
    m = float(np.mean(samples))
    half = T_995[len(samples) - 1] * float(np.std(samples, ddof=1)) / math.sqrt(len(samples))
    return m, half


@pytest.mark.slow  # statistical: long M/M/c runs against Erlang C
def test_mmc_wait_matches_erlang_c() -> None:
    c, mean_service = 3, 60.0
    mu = 1 / mean_service
    lam = 0.6 * c * mu  # utilisation 0.6
    reps = [mmc_replication(c, lam, mean_service, 3000, rep) for rep in range(20)]
    p_wait = erlang_c(c, lam / mu)
    wq = p_wait / (c * mu - lam)  # 17.74 s
    m, half = ci99([w for w, _, _ in reps])
    assert half < 0.15 * wq, f"CI too wide to mean anything: +-{half:.2f}s"
    assert m - half <= wq <= m + half, f"mean wait {m:.2f}s +-{half:.2f}s, Erlang C says {wq:.2f}s"
    m, half = ci99([p for _, p, _ in reps])
    assert m - half <= p_wait <= m + half, (
        f"P(wait) {m:.3f} +-{half:.3f}, Erlang C says {p_wait:.3f}"
    )
    m, half = ci99([sv for _, _, sv in reps])
    assert m - half <= mean_service <= m + half


def test_erlang_c_formula() -> None:
    """The reference itself: M/M/1 has P(wait) = rho; a published M/M/5 value (lambda 4.5, mu 1)."""
    assert math.isclose(erlang_c(1, 0.7), 0.7)
    assert math.isclose(erlang_c(5, 4.5) / (5 - 4.5), 1.5250, abs_tol=5e-4)  # PERFORMANCE.md: 1.525


def link_times(p: float, retry: float, delay: object, n: int) -> list[float]:
    s = scenario(
        [{"id": "a"}, {"id": "b"}],
        [{"id": "i", "at": "0s", "detected_by": "a"}],
        links=[{"from": "a", "to": "b", "delay": delay, "reliability": p, "retry": sec(retry)}],
    )
    c = compile_scenario(s)
    out = []
    for rep in range(n):
        r = run_replication(c, seed=5, replication=rep)
        sent = next(x.time for x in r.records if x.kind is K.MESSAGE_SENT)
        out.append(next(x.time for x in r.records if x.kind is K.ALERTED) - sent)
    return out


def test_link_retry_mean_matches_theory() -> None:
    p, retry = 0.4, 50.0
    times = link_times(p, retry, {"uniform": ["0s", "20s"]}, 3000)
    theory = expected_link_time(10.0, p, retry)  # 10 + 1.5 * 60 = 100 s
    assert math.isclose(theory, 100.0)
    m = float(np.mean(times))
    half = Z_995 * float(np.std(times, ddof=1)) / math.sqrt(len(times))
    assert half < 0.1 * theory
    assert m - half <= theory <= m + half, f"mean {m:.1f}s +-{half:.1f}s, theory {theory:.1f}s"
    # The share of alerts through on the first try is p (a binomial 99% interval).
    first = float(np.mean([t <= 20.0 for t in times]))
    assert abs(first - p) <= Z_995 * math.sqrt(p * (1 - p) / len(times))


def test_link_with_fixed_delay_takes_whole_retry_cycles() -> None:
    """With a fixed delay every time is delay + k * (delay + retry) for some k >= 0."""
    times = link_times(0.5, 30.0, "10s", 400)
    assert {round((t - 10.0) / 40.0, 9) % 1 for t in times} == {0.0}
    assert max(times) > 10.0  # some alerts needed more than one try
