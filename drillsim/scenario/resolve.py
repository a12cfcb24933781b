"""Who can do a task and what an inject brings in: the two rules the checks and the engine share.

``semantics`` uses them to find problems in a scenario and ``sim.compile`` to build the engine's
tables, so that what ``validate`` says about a task is what ``run`` does with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from drillsim.scenario.model import Agency, Scenario, Task


def capable_agencies(task: Task, agencies: Iterable[Agency]) -> list[str]:
    """Agencies able to do a task, in the order of its ``by``: an agency id names that agency, a
    capability every agency listing it (in file order); each agency once, at its first mention.

    A name that is neither gives no agency (``semantics`` reports it).
    """
    agencies = list(agencies)
    ids = {a.id for a in agencies}
    out: list[str] = []
    for name in task.by:
        matches = [name] if name in ids else [a.id for a in agencies if name in a.capabilities]
        out += [m for m in matches if m not in out]
    return out


def prerequisite_closure(triggers: Iterable[str], tasks: Mapping[str, Task]) -> list[str]:
    """Triggered tasks and, transitively, their prerequisites: every task an inject brings in
    (the engine runs them all). Ids not in ``tasks`` are passed over; the order is discovery
    order (depth first, last trigger first), so sort it where file order matters."""
    seen: list[str] = []
    stack = [t for t in triggers if t in tasks]
    while stack:
        t = stack.pop()
        if t not in seen:
            seen.append(t)
            stack += [p for p in tasks[t].after if p in tasks]
    return seen


def tasks_by_id(scenario: Scenario) -> dict[str, Task]:
    """The scenario's tasks by id (the last of a repeated id, as a mapping keeps it)."""
    return {t.id: t for t in scenario.tasks}
