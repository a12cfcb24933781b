"""Cheaper equivalents of SimPy calls the engine makes for nearly every event, and stream keys
hashed once: each gives the same event order (so the same log) as what it replaces."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import simpy
from simpy.events import NORMAL, PENDING

from drillsim.sim.rng import stable_key

_new = object.__new__


def timer(env: simpy.Environment, delay: float) -> simpy.Event:
    """``env.timeout(delay)`` without Timeout's checks (the delay is known positive): a succeeded
    event scheduled ``delay`` later, at the same place in the event order as the Timeout."""
    event = _new(simpy.Event)
    event.env, event.callbacks, event._value, event._ok = env, [], None, True
    env.schedule(event, NORMAL, delay)
    return event


class FirstOf(simpy.Event):
    """``env.any_of(events)`` for a process that reads no value from it.

    It is triggered, and so scheduled, at exactly the moment SimPy's ``AnyOf`` would be (when the
    first of the events is processed, or at once when one already was), so what happens next
    happens in the same order; it skips the condition's value and bookkeeping.
    """

    def __init__(self, env: simpy.Environment, events: Iterable[simpy.Event]) -> None:
        self.env, self.callbacks, self._value = env, [], PENDING
        check = self._check
        for event in events:
            if event.callbacks is None:
                check(event)
            else:
                event.callbacks.append(check)

    def _check(self, _event: object) -> None:
        if self._value is PENDING:
            self._ok, self._value = True, None
            self.env.schedule(self)


@lru_cache(maxsize=65536)
def casualty_key(casualty: str) -> int:
    """The stream key part of one casualty (hashed once, not at every replication)."""
    return stable_key("casualty", casualty)


@lru_cache(maxsize=65536)
def travel_key(agency: str, destination: str) -> int:
    """The stream key of an agency's travel to a destination."""
    return stable_key("travel", agency, destination)
