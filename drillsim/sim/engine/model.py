"""One replication of the response: the SimPy model and the only mutable per-run state.

Mechanisms (see docs/mechanisms.md for the full statement):

* Injects fire at their time; the detecting agency knows after the detection delay.
* An agency that knows of an incident relays it on every outgoing link, in file order. Each
  message waits for a free duty officer (a ``Desk`` of ``duty_officers``, first come, first
  served), takes the handling time, then goes out on the link. A try takes the channel's delay
  and gets through with probability ``reliability``; a failed try is retried after ``retry``; after ``attempts``
  tries the backup channel takes over; when every try is spent the alert is lost.
* The first alert of an incident makes the agency act: it activates once (its first alert of
  any incident), travels to the incident's place (once per place) and is then on scene.
* A task instance (incident, task) starts when the inject has fired, its prerequisites are done,
  an agency able to do it is ready and that agency has the units free; it holds them for its
  duration. Casualties go through per-casualty tasks one by one by triage priority. Units are
  handed out at the end of each instant, after every request of that instant is queued.
* Same-time events are processed in the order they were scheduled; processes are started in
  file order, so a seed gives one result on every machine.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Generator
from typing import Any, cast

import simpy

from drillsim.scenario.durations import clock
from drillsim.scenario.gcpause import gc_paused
from drillsim.sim.compile import AgencyC, CompiledScenario, EdgeC, IncidentC, Sampler, TaskC
from drillsim.sim.engine.events import FirstOf, casualty_key, timer, travel_key
from drillsim.sim.engine.pools import Desk, HandOut, UnitPool
from drillsim.sim.engine.reasons import unfinished_reasons
from drillsim.sim.engine.taskstate import (
    AWAITING_AGENCY,
    CANNOT_START,
    DONE,
    CasualtiesUnderway,
    TaskState,
    awaiting_prerequisite,
    awaiting_units,
    working,
)
from drillsim.sim.records import RECORD_FIELDS, EndReason, EventKind, EventRecord, ReplicationResult
from drillsim.sim.rng import RandomStreams

K = EventKind
TRIAGE_RANK = {"red": 1, "yellow": 2, "green": 3, "black": 4}


# NOTE: a frozen dataclass's __init__ sets each field through object.__setattr__ (1.6 us a
# record); setting the slots through their descriptors gives the same record in 1.1 us. The
# field list is checked so that a new EventRecord field cannot be silently left unset.
_FIELDS = (
    "id",
    "time",
    "kind",
    "agency",
    "link",
    "task",
    "incident",
    "casualty",
    "cause",
    "units",
    "detail",
)
assert RECORD_FIELDS == _FIELDS, "EventRecord changed: update _new_record"
_new = object.__new__
(
    _set_id,
    _set_time,
    _set_kind,
    _set_agency,
    _set_link,
    _set_task,
    _set_incident,
    _set_casualty,
    _set_cause,
    _set_units,
    _set_detail,
) = (getattr(EventRecord, f).__set__ for f in _FIELDS)


class EventLimitReached(Exception):
    """Raised inside the run when the protective limit on records is hit."""


class DrillModel:
    """SimPy environment, resources, random streams and the recorder of one replication."""

    def __init__(self, compiled: CompiledScenario, streams: RandomStreams) -> None:
        self.c = compiled
        self.streams = streams
        self.env = simpy.Environment()
        n = len(compiled.agencies)
        self.records: list[EventRecord] = []
        self.max_events = compiled.max_events
        # NOTE: desks and unit pools are made on first use: building a SimPy resource costs a
        # few microseconds, and most agencies of a large graph never send or work.
        self.desks: dict[int, Desk] = {}
        self.pools: dict[int, UnitPool | None] = {}
        self.handout = HandOut(self.env)
        self.alerts: dict[tuple[int, int], int] = {}
        self.activated: list[int | None] = [None] * n
        self.awaiting_activation: list[list[tuple[IncidentC, int]] | None] = [None] * n
        self.arrivals: dict[tuple[int, str], int] = {}
        self.travelling: dict[tuple[int, str], list[tuple[IncidentC, int]]] = {}
        self.ready_events: dict[tuple[int, int], simpy.Event] = {}
        self.ready_rids: dict[tuple[int, int], int] = {}
        self.done: dict[tuple[Any, ...], simpy.Event] = {}
        self.state: dict[tuple[Any, ...], TaskState] = {}
        self.fired: list[int | None] = [None] * len(compiled.incidents)
        self.seq = itertools.count()

    # -- recording and drawing ------------------------------------------------------------
    def rec(
        self,
        kind: EventKind,
        agency: str | None = None,
        link: str | None = None,
        task: str | None = None,
        incident: str | None = None,
        casualty: str | None = None,
        cause: int | None = None,
        units: int = 0,
        detail: str = "",
    ) -> int:
        """Append a record stamped now; return its id."""
        records = self.records
        rid = len(records)
        if rid >= self.max_events:
            raise EventLimitReached
        r = _new(EventRecord)
        _set_id(r, rid)
        _set_time(r, self.env.now)
        _set_kind(r, kind)
        _set_agency(r, agency)
        _set_link(r, link)
        _set_task(r, task)
        _set_incident(r, incident)
        _set_casualty(r, casualty)
        _set_cause(r, cause)
        _set_units(r, units)
        _set_detail(r, detail)
        records.append(r)
        return rid

    def later(self, a: int | None, b: int | None) -> int | None:
        """Of two record ids, the one that happened later (the one that enabled what follows)."""
        if a is None:
            return b
        if b is None:
            return a
        return b if self.records[b].time > self.records[a].time else a

    def draw(self, s: Sampler, key: int) -> float:
        """One value of a sampler; fixed values use no random stream."""
        if s.__class__ is float:
            return s
        return s(self.streams.uniform(key))  # type: ignore[operator]

    def after(self, delay: float, callback: Any) -> None:
        """Call ``callback()`` after ``delay`` (at once, in line, when the delay is 0)."""
        if delay > 0:
            timer(self.env, delay).callbacks.append(lambda _e: callback())
        else:
            callback()

    # -- injects and alerts ---------------------------------------------------------------
    def start(self) -> None:
        """Schedule every inject that falls within the horizon, in time then file order."""
        for inc in self.c.incidents:
            if inc.at <= self.c.horizon:
                self.env.timeout(inc.at).callbacks.append(self._injector(inc))

    def _injector(self, inc: IncidentC) -> Callable[[object], None]:
        """The callback that brings ``inc`` in when its timeout fires."""
        return lambda _e: self._inject(inc)

    def _inject(self, inc: IncidentC) -> None:
        rid = self.rec(K.INJECT, incident=inc.id)
        self.fired[inc.index] = rid
        for t in inc.tasks:
            self.done[(inc.index, t)] = self.env.event()
            if self.c.tasks[t].is_per_casualty:
                # NOTE: made here, not by the task's coordinator, because a later per-casualty
                # task's steps may look them up before this task's whole prerequisites are done.
                cats = self.c.tasks[t].categories
                for c in inc.casualties:
                    if c.split("-")[0] in cats:
                        self.done[(inc.index, t, c)] = self.env.event()
        for t in inc.tasks:
            task = self.c.tasks[t]
            proc = self._casualty_task if task.is_per_casualty else self._whole_task
            self.env.process(proc(inc, task))
        if inc.detector is not None:
            d = self.draw(inc.detection, inc.key)
            self.after(d, lambda: self._detected(inc, rid))

    def _detected(self, inc: IncidentC, inject_rid: int) -> None:
        a = self.c.agencies[inc.detector]  # type: ignore[index]
        rid = self.rec(K.DETECTED, agency=a.id, incident=inc.id, cause=inject_rid)
        self._alerted(a, inc, rid)

    def _alerted(self, a: AgencyC, inc: IncidentC, rid: int) -> None:
        self.alerts[(a.index, inc.index)] = rid
        if a.out_edges:
            queue = iter(a.out_edges)
            for _ in range(min(a.duty_officers, len(a.out_edges))):
                self.env.process(self._relay(a, inc, queue, rid))
        self._mobilise(a, inc, rid)

    def _relay(
        self, a: AgencyC, inc: IncidentC, queue: Any, alert_rid: int
    ) -> Generator[Any, Any, None]:
        """One duty officer working through the incident's outgoing messages."""
        desk = self.desks.get(a.index)
        if desk is None:
            desk = self.desks[a.index] = Desk(self.env, a.duty_officers)
        for edge in queue:
            yield desk.request()
            h = self.rec(K.HANDLING_STARTED, a.id, edge.label, incident=inc.id, cause=alert_rid)
            d = self.draw(a.handling, edge.handling_key ^ inc.key)
            if d > 0:
                yield timer(self.env, d)
            desk.release()
            s = self.rec(
                K.MESSAGE_SENT,
                a.id,
                edge.label,
                incident=inc.id,
                cause=h,
                detail=edge.channels[0].name,
            )
            self._try(edge, inc, 0, 1, s)

    def _try(self, edge: EdgeC, inc: IncidentC, ch_i: int, n: int, cause: int) -> None:
        ch = edge.channels[ch_i]
        d = self.draw(ch.delay, ch.delay_key ^ inc.key)
        self.after(d, lambda: self._arrive(edge, inc, ch_i, n, cause))

    def _arrive(self, edge: EdgeC, inc: IncidentC, ch_i: int, n: int, cause: int) -> None:
        ch = edge.channels[ch_i]
        if ch.reliability < 1.0:
            u = self.streams.uniform(ch.reliability_key ^ inc.key)
            if u >= ch.reliability:
                self._failed(edge, inc, ch_i, n, cause)
                return
        target = self.c.agencies[edge.target]
        if (target.index, inc.index) in self.alerts:
            self.rec(
                K.DUPLICATE_ALERT,
                target.id,
                edge.label,
                incident=inc.id,
                cause=cause,
                detail=ch.name,
            )
            return
        rid = self.rec(
            K.ALERTED, target.id, edge.label, incident=inc.id, cause=cause, detail=ch.name
        )
        self._alerted(target, inc, rid)

    def _failed(self, edge: EdgeC, inc: IncidentC, ch_i: int, n: int, cause: int) -> None:
        ch = edge.channels[ch_i]
        sender = self.c.agencies[edge.source].id
        f = self.rec(
            K.TRY_FAILED,
            sender,
            edge.label,
            incident=inc.id,
            cause=cause,
            detail=f"{ch.name} try {n}",
        )
        if ch.attempts is None or n < ch.attempts:
            nxt, nn, wait = ch_i, n + 1, ch.retry
        elif ch_i + 1 < len(edge.channels):
            nxt, nn, wait = ch_i + 1, 1, 0.0
        else:
            self.rec(
                K.ALERT_LOST,
                sender,
                edge.label,
                incident=inc.id,
                cause=f,
                detail=f"gave up after {n} tries on {ch.name}",
            )
            return

        def resend() -> None:
            r = self.rec(
                K.RETRY_SENT,
                sender,
                edge.label,
                incident=inc.id,
                cause=f,
                detail=f"{edge.channels[nxt].name} try {nn}",
            )
            self._try(edge, inc, nxt, nn, r)

        self.after(wait, resend)

    # -- mobilisation ---------------------------------------------------------------------
    def _mobilise(self, a: AgencyC, inc: IncidentC, alert_rid: int) -> None:
        if self.activated[a.index] is not None:
            self._become_ready(a, inc, alert_rid)
            return
        waiting = self.awaiting_activation[a.index]
        if waiting is not None:
            waiting.append((inc, alert_rid))
            return
        self.awaiting_activation[a.index] = [(inc, alert_rid)]
        d = self.draw(a.activation, a.activation_key)
        self.after(d, lambda: self._activated(a, inc, alert_rid))

    def _activated(self, a: AgencyC, inc: IncidentC, alert_rid: int) -> None:
        self.activated[a.index] = self.rec(K.ACTIVATED, a.id, incident=inc.id, cause=alert_rid)
        for inc2, rid2 in self.awaiting_activation[a.index] or ():
            self._become_ready(a, inc2, rid2)
        self.awaiting_activation[a.index] = None

    def _become_ready(self, a: AgencyC, inc: IncidentC, alert_rid: int) -> None:
        cause = self.later(self.activated[a.index], alert_rid)
        if not a.deploys:
            self._ready(
                a,
                inc,
                self.rec(K.ON_SCENE, a.id, incident=inc.id, cause=cause, detail="works from base"),
            )
            return
        dest = a.destination(inc.zone)
        key = (a.index, dest)
        if key in self.arrivals:
            rid = self.rec(
                K.ON_SCENE,
                a.id,
                incident=inc.id,
                cause=self.later(self.arrivals[key], alert_rid),
                detail=dest,
            )
            self._ready(a, inc, rid)
        elif key in self.travelling:
            self.travelling[key].append((inc, alert_rid))
        else:
            self.travelling[key] = []
            travel = a.travel
            if isinstance(travel, dict):
                travel = travel.get(dest, max(travel.values(), key=_median_of))
            d = self.draw(travel, travel_key(a.id, dest))  # type: ignore[arg-type]
            self.after(d, lambda: self._arrived(a, inc, key, cause))

    def _arrived(self, a: AgencyC, inc: IncidentC, key: tuple[int, str], cause: int | None) -> None:
        rid = self.rec(K.ON_SCENE, a.id, incident=inc.id, cause=cause, detail=key[1])
        self.arrivals[key] = rid
        self._ready(a, inc, rid)
        for inc2, rid2 in self.travelling.pop(key):
            self._ready(
                a,
                inc2,
                self.rec(
                    K.ON_SCENE, a.id, incident=inc2.id, cause=self.later(rid, rid2), detail=key[1]
                ),
            )

    def ready_event(self, agency: int, incident: int) -> simpy.Event:
        """Triggered (value: the ON_SCENE record id) when the agency can work on the incident."""
        ev = self.ready_events.get((agency, incident))
        if ev is None:
            ev = self.ready_events[(agency, incident)] = self.env.event()
            rid = self.ready_rids.get((agency, incident))
            if rid is not None:
                ev.succeed(rid)
        return ev

    def _ready(self, a: AgencyC, inc: IncidentC, rid: int) -> None:
        # NOTE: the SimPy event exists only once a task waits for it; an agency that no task
        # waits for (most of a large graph) schedules nothing.
        key = (a.index, inc.index)
        self.ready_rids[key] = rid
        ev = self.ready_events.get(key)
        if ev is not None:
            ev.succeed(rid)

    def pool(self, agency: int) -> UnitPool | None:
        """The units of an agency (None when it has none), made on first use."""
        if agency not in self.pools:
            units = self.c.agencies[agency].units
            self.pools[agency] = UnitPool(self.env, units, self.handout) if units > 0 else None
        return self.pools[agency]

    # -- tasks ----------------------------------------------------------------------------
    def _prerequisites(
        self,
        inc: IncidentC,
        task: TaskC,
        key: tuple[Any, ...],
        cause: int | None,
        casualty: str | None = None,
    ) -> Generator[Any, Any, int | None]:
        """Wait for the prerequisites of a whole task or of one casualty's step."""
        for p in task.after:
            pre = self.c.tasks[p]
            if casualty is None or not pre.is_per_casualty:
                if casualty is not None:
                    continue  # whole prerequisites were awaited once by the coordinator
                ev = self.done[(inc.index, p)]
            elif casualty.split("-")[0] in pre.categories:
                ev = self.done[(inc.index, p, casualty)]
            else:
                continue
            self.state[key] = awaiting_prerequisite(pre.id)
            cause = self.later(cause, (yield ev))
        return cause

    def _whole_task(self, inc: IncidentC, task: TaskC) -> Generator[Any, Any, None]:
        key = (inc.index, task.index)
        cause = self.fired[inc.index]
        if task.after:  # NOTE: no generator to make when there is nothing to wait for
            cause = yield from self._prerequisites(inc, task, key, cause)
        a, start = yield from self._acquire(inc, task, key, cause, (0, task.index), None)
        d = self.draw(task.duration, task.key ^ inc.key)
        if d > 0:
            yield timer(self.env, d)
        f = self.rec(
            K.TASK_FINISHED, a.id, task=task.id, incident=inc.id, cause=start, units=task.units
        )
        self.pools[a.index].put(task.units)  # type: ignore[union-attr]
        self._finish(key, self.rec(K.TASK_DONE, a.id, task=task.id, incident=inc.id, cause=f))

    def _finish(self, key: tuple[Any, ...], rid: int) -> None:
        self.state[key] = DONE
        self.done[key].succeed(rid)

    def _casualty_task(self, inc: IncidentC, task: TaskC) -> Generator[Any, Any, None]:
        key = (inc.index, task.index)
        cause: int | None = self.fired[inc.index]
        for p in task.after:
            if not self.c.tasks[p].is_per_casualty:
                self.state[key] = awaiting_prerequisite(self.c.tasks[p].id)
                cause = self.later(cause, (yield self.done[(inc.index, p)]))
        casualties = [c for c in inc.casualties if c.split("-")[0] in task.categories]
        if not casualties:
            for p in task.after:  # nothing to do, but never done before what it comes after
                if self.c.tasks[p].is_per_casualty:
                    self.state[key] = awaiting_prerequisite(self.c.tasks[p].id)
                    cause = self.later(cause, (yield self.done[(inc.index, p)]))
            self._finish(
                key,
                self.rec(
                    K.TASK_DONE, task=task.id, incident=inc.id, cause=cause, detail="no casualties"
                ),
            )
            return
        self.state[key] = CasualtiesUnderway(len(casualties))
        steps = [self.env.process(self._casualty_step(inc, task, c, cause)) for c in casualties]
        yield self.env.all_of(steps)
        last = max((cast(int, s.value) for s in steps), key=lambda r: (self.records[r].time, r))
        self._finish(
            key,
            self.rec(
                K.TASK_DONE,
                task=task.id,
                incident=inc.id,
                cause=last,
                detail=f"{len(casualties)} casualties",
            ),
        )

    def _casualty_step(
        self, inc: IncidentC, task: TaskC, c: str, cause: int | None
    ) -> Generator[Any, Any, int]:
        key = (inc.index, task.index, c)
        if task.after:
            cause = yield from self._prerequisites(inc, task, key, cause, casualty=c)
        prio = (TRIAGE_RANK[c.split("-")[0]], task.index)
        a, start = yield from self._acquire(inc, task, key, cause, prio, c)
        d = self.draw(task.per_casualty, task.key ^ inc.key ^ casualty_key(c))  # type: ignore[arg-type]
        if d > 0:
            yield timer(self.env, d)
        f = self.rec(
            K.TASK_FINISHED,
            a.id,
            task=task.id,
            incident=inc.id,
            casualty=c,
            cause=start,
            units=task.units,
        )
        self.pools[a.index].put(task.units)  # type: ignore[union-attr]
        self._finish(key, f)
        return f

    def _acquire(
        self,
        inc: IncidentC,
        task: TaskC,
        key: tuple[Any, ...],
        cause: int | None,
        prio: tuple[int, int],
        casualty: str | None,
    ) -> Generator[Any, Any, tuple[AgencyC, int]]:
        """Wait until a capable, ready agency grants the units; return it and the start record."""
        pending: dict[int, Any] = {}
        ready_rid: int | None = None
        self.state[key] = AWAITING_AGENCY
        while True:
            waiting_ready = []
            for ai in task.capable:
                if ai in pending:
                    continue
                on_scene = self.ready_rids.get((ai, inc.index))
                if on_scene is None:
                    waiting_ready.append(self.ready_event(ai, inc.index))
                    continue
                pool = self.pool(ai)
                if pool is None or pool.capacity < task.units:
                    continue
                if ready_rid is None:
                    ready_rid = self.rec(
                        K.TASK_READY,
                        self.c.agencies[ai].id,
                        task=task.id,
                        incident=inc.id,
                        casualty=casualty,
                        cause=self.later(cause, on_scene),
                    )
                    self.state[key] = awaiting_units(ai)
                pending[ai] = pool.get(task.units, (*prio, next(self.seq)))
            if not pending and not waiting_ready:
                self.state[key] = CANNOT_START
                yield self.env.event()  # never triggered: no capable agency can ever serve it
            yield FirstOf(self.env, [*pending.values(), *waiting_ready])
            granted = [ai for ai in task.capable if ai in pending and pending[ai].triggered]
            if granted:
                chosen = granted[0]
                for ai, req in pending.items():
                    if ai != chosen:
                        if req.triggered:
                            self.pools[ai].put(task.units)  # type: ignore[union-attr]
                        else:
                            req.cancel()
                a = self.c.agencies[chosen]
                start = self.rec(
                    K.TASK_STARTED,
                    a.id,
                    task=task.id,
                    incident=inc.id,
                    casualty=casualty,
                    cause=self.later(ready_rid, self.ready_rids[(chosen, inc.index)]),
                    units=task.units,
                )
                self.state[key] = working(chosen)
                return a, start

    # -- the run --------------------------------------------------------------------------
    def run(self, replication: int) -> ReplicationResult:
        """Step the simulation until nothing more can happen, or the horizon, or the event limit."""
        self.start()
        env, horizon = self.env, self.c.horizon
        ended: EndReason = "complete"
        # NOTE: SimPy events and processes form reference cycles; the cyclic collector finds
        # nothing to free mid-run and costs 10-20% of a replication. It is restored after.
        peek, step = env.peek, env.step
        with gc_paused():
            try:
                while (upcoming := peek()) != simpy.core.Infinity:
                    if upcoming > horizon:
                        ended = "horizon"
                        break
                    step()
            except EventLimitReached:
                ended = "event_limit"
        if ended == "complete" and any(inc.at > horizon for inc in self.c.incidents):
            ended = "horizon"  # an inject beyond the horizon never fired: the horizon cut the run
        end_time = horizon if ended == "horizon" else float(env.now)  # env.now starts as int 0
        unfinished = unfinished_reasons(self)
        tail = len(self.records)
        if ended == "event_limit":
            self.records.append(
                EventRecord(
                    tail,
                    end_time,
                    K.LIMIT,
                    detail=(
                        f"stopped after {self.c.max_events} events at {clock(end_time)}; "
                        "raise the limit with --max-events"
                    ),
                )
            )
            tail += 1
        for i, u in enumerate(unfinished):
            self.records.append(
                EventRecord(
                    tail + i,
                    end_time,
                    K.UNFINISHED,
                    task=u.task,
                    incident=u.incident,
                    detail=u.reason,
                )
            )
        return ReplicationResult(
            replication,
            self.streams.run_seed,
            end_time,
            ended,
            tuple(self.records),
            tuple(unfinished),
        )


def _median_of(s: Sampler) -> float:
    return s if isinstance(s, float) else s(0.5)
