"""A hand-written SimPy model of the whole mechanisms of a scenario: the engine benchmark's floor.

What drillsim's engine does for one replication (docs/mechanisms.md), written the plain SimPy
way and nothing more: no event log, no causes, no task states or reasons, no event limit. It
reads the same compiled tables and draws from the same samplers, so the two can be checked to
give the same times; what it does not pay for is the price of drillsim's log and bookkeeping.

* alerts: a ``simpy.Resource`` desk of duty officers per agency; each officer works through the
  incident's outgoing messages in file order (handling timeout), then each try takes the
  channel's delay and gets through with the channel's reliability; a failed try is retried after
  ``retry``, after ``attempts`` tries the backup channel takes over; the first alert wins;
* mobilisation: activation once per agency, travel once per destination, then ready;
* tasks: prerequisites (``after``), a capable ready agency with the units free (a priority
  queue per agency, units handed out at the end of each instant), the duration; casualties one
  by one through per-casualty tasks by triage priority.

``uniform(key)`` gives the uniform behind each draw: drillsim's own keyed streams to check
that the two models agree draw for draw, or a plain ``random.Random`` when timing.
"""

from __future__ import annotations

import itertools
import random
from bisect import insort
from collections.abc import Callable, Generator, Iterator
from typing import Any

import simpy
from pydantic import BaseModel
from simpy.events import NORMAL

from drillsim.scenario.durations import Fixed
from drillsim.scenario.durations import _Dist as Dist
from drillsim.scenario.model import Scenario
from drillsim.sim.compile import AgencyC, CompiledScenario, EdgeC, IncidentC, TaskC
from drillsim.sim.records import EventKind, ReplicationResult
from drillsim.sim.rng import RandomStreams, stable_key

RANK = {"red": 1, "yellow": 2, "green": 3, "black": 4}
LATE = NORMAL + 1  # the units' hand-out comes after every other event of its instant
Times = dict[tuple[Any, ...], Any]


class Pool:
    """An agency's units: requests kept sorted by priority, granted at the end of the instant."""

    def __init__(self, model: FullModel, units: int) -> None:
        self.model, self.capacity, self.level = model, units, units
        self.queue: list[tuple[tuple[Any, ...], int, simpy.Event]] = []

    def get(self, amount: int, key: tuple[Any, ...]) -> simpy.Event:
        req = simpy.Event(self.model.env)
        insort(self.queue, (key, amount, req), key=lambda e: e[0])
        self.model.dirty(self)
        return req

    def put(self, amount: int) -> None:
        self.level += amount
        if self.queue:
            self.model.dirty(self)

    def cancel(self, req: simpy.Event) -> None:
        self.queue = [e for e in self.queue if e[2] is not req]

    def serve(self) -> None:
        while self.queue and self.queue[0][1] <= self.level:
            _, amount, req = self.queue.pop(0)
            self.level -= amount
            req.succeed()


class FullModel:
    """One replication; ``run()`` returns the times of every milestone (see ``drillsim_times``)."""

    def __init__(
        self, c: CompiledScenario, uniform: Callable[[int], float], keep: bool = True
    ) -> None:
        self.c, self.uniform = c, uniform
        self.rank = RANK
        if not keep:  # timing: nothing noted, the floor of the mechanisms alone
            self.note = lambda *_a: None  # type: ignore[method-assign]
        self.env = simpy.Environment()
        self.desks: dict[int, simpy.Resource] = {}
        self.pools: dict[int, Pool | None] = {}
        self.to_serve: dict[Pool, None] = {}
        self.alerted: set[tuple[int, int]] = set()
        self.activated: set[int] = set()
        self.activating: dict[int, list[IncidentC]] = {}
        self.arrived: set[tuple[int, str]] = set()
        self.travelling: dict[tuple[int, str], list[IncidentC]] = {}
        self.ready: dict[tuple[int, int], simpy.Event] = {}
        self.is_ready: set[tuple[int, int]] = set()
        self.done: dict[tuple[Any, ...], simpy.Event] = {}
        self.times: Times = {}
        self.seq = itertools.count()

    def draw(self, s: Any, key: int) -> float:
        return s if s.__class__ is float else s(self.uniform(key))

    def after(self, delay: float, then: Callable[[], None]) -> None:
        if delay > 0:
            self.env.timeout(delay).callbacks.append(lambda _e: then())
        else:
            then()

    def note(self, key: tuple[Any, ...], value: Any = None) -> None:
        self.times.setdefault(key, self.env.now if value is None else (self.env.now, value))

    # -- alerts ------------------------------------------------------------------------------
    def inject(self, inc: IncidentC) -> None:
        c, env = self.c, self.env
        for t in inc.tasks:
            self.done[(inc.index, t)] = env.event()
            for cas in self.casualties(inc, c.tasks[t]):
                self.done[(inc.index, t, cas)] = env.event()
        for t in inc.tasks:
            task = c.tasks[t]
            env.process(
                self.casualty_task(inc, task) if task.per_casualty else self.task(inc, task)
            )
        if inc.detector is not None:
            detector = c.agencies[inc.detector]
            self.after(self.draw(inc.detection, inc.key), lambda: self.alert(detector, inc))

    def alert(self, a: AgencyC, inc: IncidentC) -> None:
        self.alerted.add((a.index, inc.index))
        self.note(("alerted", a.id, inc.id))
        if a.out_edges:
            messages = iter(a.out_edges)
            for _ in range(min(a.duty_officers, len(a.out_edges))):
                self.env.process(self.officer(a, inc, messages))
        self.mobilise(a, inc)

    def officer(self, a: AgencyC, inc: IncidentC, messages: Iterator[EdgeC]) -> Generator:
        desk = self.desks.get(a.index) or self.desks.setdefault(
            a.index, simpy.Resource(self.env, a.duty_officers)
        )
        for edge in messages:
            with desk.request() as req:
                yield req
                d = self.draw(a.handling, edge.handling_key ^ inc.key)
                if d > 0:
                    yield self.env.timeout(d)
            self.send(edge, inc, 0, 1)

    def send(self, edge: EdgeC, inc: IncidentC, ch_i: int, n: int) -> None:
        ch = edge.channels[ch_i]
        self.after(
            self.draw(ch.delay, ch.delay_key ^ inc.key), lambda: self.arrive(edge, inc, ch_i, n)
        )

    def arrive(self, edge: EdgeC, inc: IncidentC, ch_i: int, n: int) -> None:
        ch = edge.channels[ch_i]
        if ch.reliability < 1.0 and self.uniform(ch.reliability_key ^ inc.key) >= ch.reliability:
            if ch.attempts is None or n < ch.attempts:
                self.after(ch.retry, lambda: self.send(edge, inc, ch_i, n + 1))
            elif ch_i + 1 < len(edge.channels):
                self.send(edge, inc, ch_i + 1, 1)
            return  # else lost
        if (edge.target, inc.index) not in self.alerted:
            self.alert(self.c.agencies[edge.target], inc)

    # -- mobilisation ------------------------------------------------------------------------
    def mobilise(self, a: AgencyC, inc: IncidentC) -> None:
        if a.index in self.activated:
            self.set_off(a, inc)
        elif a.index in self.activating:
            self.activating[a.index].append(inc)
        else:
            self.activating[a.index] = [inc]
            self.after(self.draw(a.activation, a.activation_key), lambda: self.activate(a))

    def activate(self, a: AgencyC) -> None:
        self.activated.add(a.index)
        self.note(("activated", a.id))
        for inc in self.activating.pop(a.index):
            self.set_off(a, inc)

    def set_off(self, a: AgencyC, inc: IncidentC) -> None:
        if a.travel is None:
            self.on_scene(a, inc)
            return
        dest = a.destination(inc.zone)
        key = (a.index, dest)
        if key in self.arrived:
            self.on_scene(a, inc)
        elif key in self.travelling:
            self.travelling[key].append(inc)
        else:
            self.travelling[key] = [inc]
            travel = a.travel
            if isinstance(travel, dict):
                travel = travel.get(dest, max(travel.values(), key=_median))
            d = self.draw(travel, stable_key("travel", a.id, dest))
            self.after(d, lambda: self.arrive_at(a, key))

    def arrive_at(self, a: AgencyC, key: tuple[int, str]) -> None:
        self.arrived.add(key)
        for inc in self.travelling.pop(key):
            self.on_scene(a, inc)

    def on_scene(self, a: AgencyC, inc: IncidentC) -> None:
        self.note(("on_scene", a.id, inc.id))
        self.is_ready.add((a.index, inc.index))
        ev = self.ready.get((a.index, inc.index))
        if ev is not None:  # a task waits for it
            ev.succeed()

    # -- tasks -------------------------------------------------------------------------------
    def casualties(self, inc: IncidentC, task: TaskC) -> list[str]:
        if not task.per_casualty:
            return []
        return [c for c in inc.casualties if c.split("-")[0] in task.categories]

    def task(self, inc: IncidentC, task: TaskC) -> Generator:
        for p in task.after:
            yield self.done[(inc.index, p)]
        a = yield from self.units(inc, task, (0, task.index), None)
        d = self.draw(task.duration, task.key ^ inc.key)
        if d > 0:
            yield self.env.timeout(d)
        self.finish(a, task, inc, None)
        self.done[(inc.index, task.index)].succeed()

    def casualty_task(self, inc: IncidentC, task: TaskC) -> Generator:
        tasks = self.c.tasks
        for p in task.after:
            if not tasks[p].per_casualty:
                yield self.done[(inc.index, p)]
        casualties = self.casualties(inc, task)
        if not casualties:
            for p in task.after:
                if tasks[p].per_casualty:
                    yield self.done[(inc.index, p)]
        else:
            yield self.env.all_of(
                [self.env.process(self.casualty(inc, task, c)) for c in casualties]
            )
        self.note(("done", task.id, inc.id))
        self.done[(inc.index, task.index)].succeed()

    def casualty(self, inc: IncidentC, task: TaskC, c: str) -> Generator:
        category = c.split("-")[0]
        for p in task.after:
            pre = self.c.tasks[p]
            if pre.per_casualty and category in pre.categories:
                yield self.done[(inc.index, p, c)]
        a = yield from self.units(inc, task, (self.rank[category], task.index), c)
        d = self.draw(task.per_casualty, task.key ^ inc.key ^ stable_key("casualty", c))
        if d > 0:
            yield self.env.timeout(d)
        self.finish(a, task, inc, c)
        self.done[(inc.index, task.index, c)].succeed()

    def finish(self, a: int, task: TaskC, inc: IncidentC, c: str | None) -> None:
        self.note(("finished", task.id, inc.id, c), self.c.agencies[a].id)
        if c is None:
            self.note(("done", task.id, inc.id))
        self.pools[a].put(task.units)  # type: ignore[union-attr]

    def pool(self, a: int) -> Pool | None:
        if a not in self.pools:
            units = self.c.agencies[a].units
            self.pools[a] = Pool(self, units) if units > 0 else None
        return self.pools[a]

    def units(
        self, inc: IncidentC, task: TaskC, prio: tuple[int, int], c: str | None
    ) -> Generator[Any, Any, int]:
        """Ask every ready capable agency for the units; take the first in preference order that
        grants them (giving back any other grant), asking again as more become ready."""
        asked: dict[int, tuple[Pool, simpy.Event]] = {}
        while True:
            waiting = []
            for a in task.capable:
                if a in asked:
                    continue
                if (a, inc.index) not in self.is_ready:
                    ready = self.ready.get((a, inc.index))
                    if ready is None:
                        ready = self.ready[(a, inc.index)] = self.env.event()
                    waiting.append(ready)
                    continue
                pool = self.pool(a)
                if pool is not None and pool.capacity >= task.units:
                    asked[a] = (pool, pool.get(task.units, (*prio, next(self.seq))))
            if not asked and not waiting:
                yield self.env.event()  # no capable agency can ever do it
            yield self.env.any_of([req for _, req in asked.values()] + waiting)
            granted = [a for a in task.capable if a in asked and asked[a][1].triggered]
            if granted:
                for a, (pool, req) in asked.items():
                    if a != granted[0]:
                        pool.put(task.units) if req.triggered else pool.cancel(req)
                self.note(("started", task.id, inc.id, c), self.c.agencies[granted[0]].id)
                return granted[0]

    def dirty(self, pool: Pool) -> None:
        if not self.to_serve:
            ev = simpy.Event(self.env)
            ev._ok, ev._value = True, None
            ev.callbacks.append(self.hand_out)
            self.env.schedule(ev, LATE)  # type: ignore[arg-type]
        self.to_serve[pool] = None

    def hand_out(self, _event: object) -> None:
        pools, self.to_serve = self.to_serve, {}
        for pool in pools:
            pool.serve()

    # -- the run -----------------------------------------------------------------------------
    def run(self) -> Times:
        for inc in self.c.incidents:
            if inc.at <= self.c.horizon:
                self.env.timeout(inc.at).callbacks.append(lambda _e, inc=inc: self.inject(inc))
        env, horizon = self.env, self.c.horizon
        while env.peek() <= horizon:
            env.step()
        return self.times


def _median(s: Any) -> float:
    return s if isinstance(s, float) else s(0.5)


def full_replication(compiled: CompiledScenario, seed: int) -> Times:
    """The baseline, timed: draws from a plain ``random.Random`` and notes no times."""
    rnd = random.Random(seed).random
    return FullModel(compiled, lambda _key: rnd(), keep=False).run()


def same_streams_replication(compiled: CompiledScenario, seed: int, replication: int) -> Times:
    """The baseline drawing from drillsim's keyed streams of that replication."""
    streams = RandomStreams(seed, replication)
    return FullModel(compiled, lambda key: streams.stream(key).uniform()).run()


def drillsim_times(result: ReplicationResult, compiled: CompiledScenario) -> Times:
    """The same milestones read from drillsim's event log (first of each, as the baseline notes)."""
    K = EventKind
    out: Times = {}
    for r in result.records:
        if r.kind in (K.DETECTED, K.ALERTED):
            out.setdefault(("alerted", r.agency, r.incident), r.time)
        elif r.kind is K.ACTIVATED:
            out.setdefault(("activated", r.agency), r.time)
        elif r.kind is K.ON_SCENE:
            out.setdefault(("on_scene", r.agency, r.incident), r.time)
        elif r.kind is K.TASK_STARTED:
            out.setdefault(("started", r.task, r.incident, r.casualty), (r.time, r.agency))
        elif r.kind is K.TASK_FINISHED:
            out.setdefault(("finished", r.task, r.incident, r.casualty), (r.time, r.agency))
        elif r.kind is K.TASK_DONE:
            out.setdefault(("done", r.task, r.incident), r.time)
    return out


def with_means(scenario: Scenario) -> Scenario:
    """The scenario with every distribution replaced by a fixed value at its mean."""

    def walk(x: Any) -> Any:
        if isinstance(x, Dist):
            return x if isinstance(x, Fixed) else Fixed.model_construct(fixed=x.mean())
        if isinstance(x, BaseModel):
            changed = {k: walk(v) for k, v in x.__dict__.items()}
            return x.model_copy(update=changed)
        if isinstance(x, (list, tuple)):
            return type(x)(walk(v) for v in x)
        if isinstance(x, dict):
            return {k: walk(v) for k, v in x.items()}
        return x

    return walk(scenario)  # type: ignore[no-any-return]
