"""What-if variants: apply a variant's changes to a scenario, returning a new scenario.

``apply_variant`` is pure: the base scenario is never changed, models are rebuilt with
``model_copy(update=...)`` (so values such as ``units: 0`` that a base agency refuses are kept).
It tolerates references to things that do not exist (they are skipped); :func:`variant_problems`
reports them, and :mod:`drillsim.semantics` calls it for every variant.
"""

from __future__ import annotations

import difflib
from typing import Any

from drillsim.errors import Problem
from drillsim.scenario import Link, Scenario, Task, Variant


def apply_variant(scenario: Scenario, variant: str | Variant) -> Scenario:
    """The scenario with ``variant`` (an id of one of its variants, or a Variant) applied.

    Order: remove links, change links, add links, remove agencies (with their links and their
    place in tasks' ``by``), change agencies, add agencies, change tasks, add incidents, horizon.
    """
    v = scenario.variant(variant) if isinstance(variant, str) else variant
    links = _remove_links(scenario.links, v.remove_links)
    links = _change_links(links, v)
    links = links + v.add_links
    agencies, tasks = scenario.agencies, scenario.tasks
    if v.remove_agencies:
        gone = set(v.remove_agencies)
        agencies = tuple(a for a in agencies if a.id not in gone)
        links = _drop_agencies_from_links(links, gone)
        tasks = tuple(_without(t, gone) for t in tasks)
    agencies = tuple(_changed(a, v.change_agencies[a.id], nullable={"travel"}) if a.id in v.change_agencies
                     else a for a in agencies) + v.add_agencies
    tasks = tuple(_changed(t, v.change_tasks[t.id]) if t.id in v.change_tasks else t for t in tasks)
    update: dict[str, Any] = {"agencies": agencies, "links": links, "tasks": tasks,
                              "incidents": scenario.incidents + v.add_incidents}
    if v.horizon is not None:
        update["scenario"] = scenario.scenario.model_copy(update={"horizon": v.horizon})
    return scenario.model_copy(update=update)


def _changed(model: Any, change: Any, nullable: frozenset[str] | set[str] = frozenset()) -> Any:
    """``model`` with the fields the change sets (None only where it means something, e.g. travel).

    A LinkChange's ``from``/``to`` say which edge it changes; they are not changes themselves.
    """
    update = {name: getattr(change, name) for name in change.model_fields_set - {"from_", "to"}
              if getattr(change, name) is not None or name in nullable}
    return model.model_copy(update=update)


def _remove_links(links: tuple[Link, ...], pairs: tuple[tuple[str, str], ...]) -> tuple[Link, ...]:
    out = []
    for link in links:
        to = tuple(t for t in link.to if (link.from_, t) not in pairs)
        if to:
            out.append(link if to == link.to else link.model_copy(update={"to": to}))
    return tuple(out)


def _change_links(links: tuple[Link, ...], v: Variant) -> tuple[Link, ...]:
    """Apply each LinkChange to its from -> to edge, splitting a multi-recipient link if needed."""
    changes = {(c.from_, c.to): c for c in v.change_links}
    out: list[Link] = []
    for link in links:
        hit = [t for t in link.to if (link.from_, t) in changes]
        if not hit:
            out.append(link)
            continue
        rest = tuple(t for t in link.to if t not in hit)
        if rest:
            out.append(link.model_copy(update={"to": rest}))
        for t in hit:
            out.append(_changed(link.model_copy(update={"to": (t,)}), changes[(link.from_, t)],
                                nullable={"backup"}))
    return tuple(out)


def _drop_agencies_from_links(links: tuple[Link, ...], gone: set[str]) -> tuple[Link, ...]:
    out = []
    for link in links:
        if link.from_ in gone:
            continue
        to = tuple(t for t in link.to if t not in gone)
        if to:
            out.append(link if to == link.to else link.model_copy(update={"to": to}))
    return tuple(out)


def _without(task: Task, gone: set[str]) -> Task:
    by = tuple(b for b in task.by if b not in gone)
    return task if by == task.by else task.model_copy(update={"by": by})


# -- problems -------------------------------------------------------------------------------------

RESERVED_ID = "base"
"""The id results, ``--variant`` and ``compare`` use for the scenario without variants; refused as a
variant id in any letter case (``Base`` would share ``summaries/base.jsonl`` on Windows and macOS)."""


def variant_problems(scenario: Scenario, index: int) -> list[Problem]:
    """References in variant ``index`` that point at nothing, each with a semantics-form path."""
    v = scenario.variants[index]
    at = f"variants[{index}]"
    base_agencies = {a.id for a in scenario.agencies}
    agencies = (base_agencies - set(v.remove_agencies)) | {a.id for a in v.add_agencies}
    edges = {(f, t) for f, t, _ in scenario.edges()}
    out: list[Problem] = []
    if v.id.lower() == RESERVED_ID:
        out.append(Problem(f"variant id {v.id!r} is reserved: 'base' names the scenario as written, without "
                           "any variant, so this variant would never be simulated (not by --all-variants, "
                           "--variant base or compare)", path=f"{at}.id",
                           hint="give the variant an id that says what it changes, such as 'two-duty-officers'"))
    for i, (f, t) in enumerate(v.remove_links):
        if (f, t) not in edges:
            out.append(Problem(f"there is no link {f} -> {t} to remove", path=f"{at}.remove_links[{i}]",
                               hint=_edges_hint(edges, f)))
    for i, c in enumerate(v.change_links):
        if (c.from_, c.to) not in edges:
            out.append(Problem(f"there is no link {c.from_} -> {c.to} to change", path=f"{at}.change_links[{i}]",
                               hint=_edges_hint(edges, c.from_)))
    out += _unknown(v.remove_agencies, base_agencies, f"{at}.remove_agencies", "agency")
    out += _unknown(tuple(v.change_agencies), base_agencies | {a.id for a in v.add_agencies},
                    f"{at}.change_agencies", "agency", keyed=True)
    out += _unknown(tuple(v.change_tasks), {t.id for t in scenario.tasks}, f"{at}.change_tasks", "task",
                    keyed=True)
    doers = agencies | {c for a in (*scenario.agencies, *v.add_agencies) for c in a.capabilities}
    for task_id, change in v.change_tasks.items():
        out += _unknown(change.by or (), doers, f"{at}.change_tasks.{task_id}.by", "agency or capability")
    for i, link in enumerate(v.add_links):
        out += _unknown((link.from_,), agencies, f"{at}.add_links[{i}].from", "agency", single=True)
        out += _unknown(link.to, agencies, f"{at}.add_links[{i}].to", "agency")
    for i, a in enumerate(v.add_agencies):
        if a.id in base_agencies:
            out.append(Problem(f"agency {a.id!r} already exists; use change_agencies to change it",
                               path=f"{at}.add_agencies[{i}].id"))
    for i, inc in enumerate(v.add_incidents):
        if inc.id in {x.id for x in scenario.incidents}:
            out.append(Problem(f"incident {inc.id!r} already exists", path=f"{at}.add_incidents[{i}].id"))
        out += _unknown((inc.detected_by,), agencies, f"{at}.add_incidents[{i}].detected_by", "agency",
                        single=True)
        out += _unknown(inc.triggers, {t.id for t in scenario.tasks}, f"{at}.add_incidents[{i}].triggers", "task")
    if v.expect is not None:
        objectives = {o.id for o in scenario.objectives}
        out += _unknown(v.expect.better, objectives, f"{at}.expect.better", "objective")
        out += _unknown(v.expect.worse, objectives, f"{at}.expect.worse", "objective")
    for i, name in enumerate(v.remove_agencies):
        for inc in scenario.incidents:
            if inc.detected_by == name:
                out.append(Problem(f"removes {name}, which detects incident {inc.id}; the run will report "
                                   f"{inc.id} as never detected", path=f"{at}.remove_agencies[{i}]",
                                   severity="warning"))
    return out


def _unknown(ids: tuple[str, ...], known: set[str], path: str, what: str, *, keyed: bool = False,
             single: bool = False) -> list[Problem]:
    out = []
    for i, name in enumerate(ids):
        if name in known:
            continue
        close = difflib.get_close_matches(name, sorted(known), n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(sorted(known)) or 'none'}"
        where = f"{path}.{name}" if keyed else path if single else f"{path}[{i}]"
        out.append(Problem(f"unknown {what} {name!r}", path=where, hint=hint))
    return out


def _edges_hint(edges: set[tuple[str, str]], source: str) -> str:
    targets = sorted(t for f, t in edges if f == source)
    if targets:
        return f"{source} links to: {', '.join(targets)}"
    return f"{source} has no outgoing link"


__all__ = ["apply_variant", "variant_problems"]
