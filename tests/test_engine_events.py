"""The engine's cheaper SimPy pieces keep SimPy's event order: ``FirstOf`` resumes a process at
the same place among same-time events as ``AnyOf``, and ``timer`` fires where ``Timeout`` does.

Each property runs the same little world twice, once with SimPy's own call and once with the
engine's, and compares the order in which everything happened (time, who, what).
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

import simpy
from hypothesis import given, settings
from hypothesis import strategies as st

from drillsim.sim.engine.events import FirstOf, timer

Delays = list[list[int]]


def world(
    waits: Delays, first_of: Callable[[simpy.Environment, list[simpy.Event]], simpy.Event]
) -> list[tuple[float, int, str]]:
    """Each waiter waits for the first of its events (timeouts, some already over), then
    records; bystanders record at the same times to expose any shift in the order."""
    env = simpy.Environment()
    seen: list[tuple[float, int, str]] = []

    def waiter(i: int, delays: list[int]) -> Generator[Any, Any, None]:
        events = [env.timeout(d) for d in delays]
        if delays and delays[0] == 0:
            yield env.timeout(0)  # the first event is already processed when the wait begins
        yield first_of(env, events)
        seen.append((env.now, i, "resumed"))
        yield env.timeout(1)
        seen.append((env.now, i, "after"))

    def bystander(i: int, at: int) -> Generator[Any, Any, None]:
        yield env.timeout(at)
        for step in range(3):  # a chain of same-time events: any extra or missing hop shows
            seen.append((env.now, i, f"bystander {step}"))
            yield env.timeout(0)

    for i, delays in enumerate(waits):
        env.process(waiter(i, delays))
        env.process(bystander(i, min(delays, default=0)))
    env.run()
    return seen


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.integers(0, 3), min_size=1, max_size=4), min_size=1, max_size=6))
def test_first_of_resumes_where_any_of_does(waits: Delays) -> None:
    expected = world(waits, lambda env, events: env.any_of(events))
    assert world(waits, FirstOf) == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=1, max_size=8))
def test_timer_fires_where_timeout_does(delays: list[int]) -> None:
    def run(make: Callable[[simpy.Environment, float], simpy.Event]) -> list[tuple[float, int]]:
        env = simpy.Environment()
        seen: list[tuple[float, int]] = []

        def proc(i: int, d: int) -> Generator[Any, Any, None]:
            yield make(env, float(d))
            seen.append((env.now, i))
            yield env.timeout(d)
            seen.append((env.now, -i))

        for i, d in enumerate(delays):
            env.process(proc(i, d))
        env.run()
        return seen

    assert run(timer) == run(lambda env, d: env.timeout(d))
