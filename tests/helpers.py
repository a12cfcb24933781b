"""Small functions several test modules share (plain functions, no fixtures)."""

from __future__ import annotations

from collections.abc import Iterable

from drillsim.scenario.model import Scenario


def with_prerequisites(scenario: Scenario, tasks: Iterable[str]) -> set[str]:
    """The tasks and, transitively, every prerequisite they wait for."""
    todo, seen = list(tasks), set()
    while todo:
        task = todo.pop()
        if task not in seen:
            seen.add(task)
            todo.extend(scenario.task(task).after)
    return seen
