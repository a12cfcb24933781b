"""Agency units and duty desks: the two kinds of queue of a replication.

A task may need several units at once, so a plain ``simpy.Resource`` (one slot per request)
could deadlock two tasks that each hold half of what they need. ``UnitPool`` holds an agency's
units; its waiting requests are kept sorted by a priority key and served strictly in that order
(head of line: a request never overtakes a better-placed one, so large requests are not starved).
The key is ``(rank, task order, arrival sequence)``: whole tasks rank 0, then casualties by
triage category (red 1, yellow 2, green 3, black 4); among equals the task listed first in the
file, then the request made first.

Units are handed out only at the end of an instant (``HandOut``): every request made at time t,
including those that the same instant's releases cause (a casualty's next step asking for a unit
as its previous step frees one), is queued by priority before any unit freed or asked for at t
is given. Otherwise the unit a red casualty frees would go to a yellow casualty already waiting,
ahead of the red casualty's own next request, made a moment later in the same instant.
"""

from __future__ import annotations

from bisect import insort
from collections import deque
from operator import attrgetter
from typing import Any

import simpy

_KEY = attrgetter("key")

LATE = 2
"""Event priority of the hand-out: after every SimPy event of the same instant (NORMAL is 1)."""


class UnitRequest(simpy.Event):
    """A request for ``amount`` units, placed in its pool's queue by ``key``."""

    def __init__(self, pool: UnitPool, amount: int, key: tuple[Any, ...]) -> None:
        super().__init__(pool.env)
        self.pool = pool
        self.amount = amount
        self.key = key

    def cancel(self) -> None:
        """Withdraw the request if it has not been granted (a granted one is given back with put)."""
        if not self.triggered:
            self.pool.queue.remove(self)


class HandOut:
    """One end-of-instant pass over every unit pool whose units or queue changed in the instant.

    Pools are served in the order they changed. A task that asked several agencies for units and
    is granted by two in the same pass takes the one earliest in its preference order and gives
    the other back (which schedules another pass at the same instant).
    """

    __slots__ = ("_dirty", "_event", "env")

    def __init__(self, env: simpy.Environment) -> None:
        self.env = env
        self._dirty: dict[UnitPool, None] = {}
        self._event: simpy.Event | None = None

    def mark(self, pool: UnitPool) -> None:
        """Serve ``pool`` at the end of this instant."""
        self._dirty[pool] = None
        if self._event is None:
            ev = self._event = simpy.Event(self.env)
            ev._ok, ev._value = True, None  # a plain succeeded event, scheduled at LATE priority
            ev.callbacks.append(self._run)
            self.env.schedule(ev, LATE)  # type: ignore[arg-type]

    def _run(self, _event: object) -> None:
        dirty, self._dirty, self._event = self._dirty, {}, None
        for pool in dirty:
            pool.serve()


class UnitPool:
    """The units of one agency; ``in_use`` never exceeds ``capacity``."""

    __slots__ = ("_handout", "capacity", "env", "level", "queue")

    def __init__(self, env: simpy.Environment, units: int, handout: HandOut) -> None:
        self.env = env
        self.capacity = units
        self.level = units
        self.queue: list[UnitRequest] = []
        self._handout = handout

    @property
    def in_use(self) -> int:
        """Units currently taken."""
        return self.capacity - self.level

    def get(self, amount: int, key: tuple[Any, ...]) -> UnitRequest:
        """Ask for ``amount`` units; granted at the end of the instant at the earliest."""
        req = UnitRequest(self, amount, key)
        insort(self.queue, req, key=_KEY)
        self._handout.mark(self)
        return req

    def put(self, amount: int) -> None:
        """Free ``amount`` units; waiting requests get them at the end of the instant."""
        self.level += amount
        if self.queue:
            self._handout.mark(self)

    def serve(self) -> None:
        """Grant waiting requests strictly in key order while the head one fits."""
        queue = self.queue
        while queue and queue[0].amount <= self.level:
            req = queue.pop(0)
            self.level -= req.amount
            req.succeed()


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

    __slots__ = ("_env", "_free", "_grant", "_waiting")

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
            handover.callbacks.append(self._grant)
            handover.succeed()

    def _grant_head(self, _event: object = None) -> None:
        """Give a free officer to the oldest waiting message (one at most, like Resource)."""
        if self._free and self._waiting:
            self._free -= 1
            self._waiting.popleft().succeed()
