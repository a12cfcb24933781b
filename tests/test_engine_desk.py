"""The duty desk keeps ``simpy.Resource``'s timing exactly (the engine's logs depend on it).

Random clerks arrive (several at the same instant, some with zero-length work) and each handles a
few messages at a desk of 1-3 officers; the order and times at which officers are granted, and
the interleaving with other same-time events, must be identical with either desk.
"""

from __future__ import annotations

from typing import Any

import simpy
from hypothesis import given
from hypothesis import strategies as st

from drillsim.sim.engine.pools import Desk

Clerk = tuple[int, list[int]]  # arrival time, work time of each message (0 allowed)


def _trace(officers: int, clerks: list[Clerk], resource: bool) -> list[tuple[float, str]]:
    env = simpy.Environment()
    desk: Any = simpy.Resource(env, officers) if resource else Desk(env, officers)
    log: list[tuple[float, str]] = []

    def clerk(name: int, start: int, works: list[int]) -> Any:
        yield env.timeout(start)
        for k, work in enumerate(works):
            req = desk.request()
            yield req
            log.append((env.now, f"{name}.{k} granted"))
            if work:
                yield env.timeout(work)
            desk.release(req) if resource else desk.release()
            log.append((env.now, f"{name}.{k} released"))
            # a same-time event scheduled after the release: its place in the order is tested too
            after = env.timeout(0)
            after.callbacks.append(lambda _e, n=name, k=k: log.append((env.now, f"{n}.{k} after")))

    for name, (start, works) in enumerate(clerks):
        env.process(clerk(name, start, works))
    env.run()
    return log


clerks = st.lists(
    st.tuples(st.integers(0, 5), st.lists(st.integers(0, 4), min_size=1, max_size=4)),
    min_size=1,
    max_size=8,
)


@given(st.integers(1, 3), clerks)
def test_desk_grants_exactly_as_simpy_resource(officers: int, people: list[Clerk]) -> None:
    assert _trace(officers, people, resource=False) == _trace(officers, people, resource=True)


def test_a_busy_desk_serves_the_oldest_message_first() -> None:
    log = _trace(1, [(0, [3]), (1, [1]), (2, [1])], resource=False)
    granted = [(t, what) for t, what in log if what.endswith("granted")]
    assert granted == [(0, "0.0 granted"), (3, "1.0 granted"), (4, "2.0 granted")]
