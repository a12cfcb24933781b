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
from collections import deque
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


class Desk:
    """The duty officers of one agency: ``simpy.Resource``'s queue discipline, with less overhead.

    A duty desk handles most of a replication's events, so it skips the Resource's request and
    release objects while keeping its timing exactly, so logs are unchanged (checked on 584
    scenarios x 3 seeds against ``simpy.Resource``; see benchmarks/README.md):

    * a request is granted at once, as a SimPy event scheduled now, when an officer is free and
      nobody waits before it (first come, first served);
    * a release frees the officer at once; the oldest waiting request gets the officer when the
      next request arrives or one event later, whichever comes first, as Resource's ``Release``
      event does (a release with nobody waiting schedules nothing: Resource's would find no one).
    """

    __slots__ = ("_env", "_free", "_waiting", "_grant")

    def __init__(self, env: simpy.Environment, officers: int) -> None:
        self._env = env
        self._free = officers
        self._waiting: deque[simpy.Event] = deque()
        self._grant = self._grant_head

    def request(self) -> simpy.Event:
        """An event that fires when an officer takes this message."""
        event = simpy.Event(self._env)
        self._waiting.append(event)
        self._grant_head()
        return event

    def release(self) -> None:
        """The officer is free again."""
        self._free += 1
        if self._waiting:
            handover = simpy.Event(self._env)
            handover.callbacks.append(self._grant)  # type: ignore[union-attr]
            handover.succeed()

    def _grant_head(self, _event: object = None) -> None:
        """Give a free officer to the oldest waiting message (one at most, like Resource)."""
        if self._free and self._waiting:
            self._free -= 1
            self._waiting.popleft().succeed()
