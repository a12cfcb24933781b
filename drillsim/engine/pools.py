"""Agency units as a SimPy resource with priorities and multi-unit requests.

A task may need several units at once, so a plain ``simpy.Resource`` (one slot per request)
could deadlock two tasks that each hold half of what they need. ``UnitPool`` is a
``simpy.Container`` of units whose waiting requests are kept sorted by a priority key and
served strictly in that order (head of line: a request never overtakes a better-placed one, so
large requests are not starved). The key is ``(rank, task order, arrival sequence)``: whole tasks
rank 0, then casualties by triage category (red 1, yellow 2, green 3, black 4); among equals the
task listed first in the file, then the request made first.
"""

from __future__ import annotations

from bisect import insort
from operator import attrgetter
from typing import Any

import simpy
from simpy.core import BoundClass
from simpy.resources.container import ContainerGet

_KEY = attrgetter("key")


class UnitRequest(ContainerGet):
    """A request for ``amount`` units, placed in the queue by ``key``."""

    def __init__(self, pool: "UnitPool", amount: int, key: tuple[Any, ...]) -> None:
        self.key = key
        super().__init__(pool, amount)


class _SortedQueue(list):  # type: ignore[type-arg]
    """SimPy only appends, indexes and pops: appending inserts in key order (stable)."""

    def append(self, item: UnitRequest) -> None:  # type: ignore[override]
        insort(self, item, key=_KEY)


class UnitPool(simpy.Container):
    """The units of one agency; ``in_use`` never exceeds ``capacity``."""

    GetQueue = _SortedQueue
    get = BoundClass(UnitRequest)  # type: ignore[assignment]

    def __init__(self, env: simpy.Environment, units: int) -> None:
        super().__init__(env, capacity=units, init=units)

    @property
    def in_use(self) -> int:
        """Units currently taken."""
        return int(self.capacity - self.level)
