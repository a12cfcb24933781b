"""Who can do a task and what an inject brings in: the two rules the checks and the engine share.

``semantics`` uses them to find problems in a scenario and ``sim.compile`` to build the engine's
tables, so that what ``validate`` says about a task is what ``run`` does with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from drillsim.scenario.model import Agency, Scenario, Task


@dataclass(frozen=True, slots=True)
class CapabilityIndex:
    """Agency ids, and each capability's agencies in file order: built once, so that finding who
    can do each of a thousand tasks does not rescan every agency for every task."""

    ids: frozenset[str]
    by_capability: dict[str, tuple[str, ...]]


def capability_index(agencies: Iterable[Agency]) -> CapabilityIndex:
    """The index :func:`capable_agencies` looks names up in (one pass over the agencies)."""
    ids: set[str] = set()
    by_capability: dict[str, dict[str, None]] = {}
    for a in agencies:
        ids.add(a.id)
        for c in a.capabilities:
            by_capability.setdefault(c, {})[a.id] = None
    return CapabilityIndex(frozenset(ids), {c: tuple(m) for c, m in by_capability.items()})


def capable_agencies(task: Task, agencies: Iterable[Agency] | CapabilityIndex) -> list[str]:
    """Agencies able to do a task, in the order of its ``by``: an agency id names that agency, a
    capability every agency listing it (in file order); each agency once, at its first mention.

    A name that is neither gives no agency (``semantics`` reports it). Pass a
    :class:`CapabilityIndex` when asking for many tasks.
    """
    index = agencies if isinstance(agencies, CapabilityIndex) else capability_index(agencies)
    out: dict[str, None] = {}
    for name in task.by:
        for m in (name,) if name in index.ids else index.by_capability.get(name, ()):
            out.setdefault(m, None)
    return list(out)


def prerequisite_closure(triggers: Iterable[str], tasks: Mapping[str, Task]) -> list[str]:
    """Triggered tasks and, transitively, their prerequisites: every task an inject brings in
    (the engine runs them all). Ids not in ``tasks`` are passed over; the order is discovery
    order (depth first, last trigger first), so sort it where file order matters."""
    seen: dict[str, None] = {}  # ordered, O(1) membership
    stack = [t for t in triggers if t in tasks]
    while stack:
        t = stack.pop()
        if t not in seen:
            seen[t] = None
            stack += [p for p in tasks[t].after if p in tasks]
    return list(seen)


def tasks_by_id(scenario: Scenario) -> dict[str, Task]:
    """The scenario's tasks by id (the last of a repeated id, as a mapping keeps it)."""
    return {t.id: t for t in scenario.tasks}
