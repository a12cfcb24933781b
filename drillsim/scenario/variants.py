"""What-if variants: apply a variant's changes to a scenario, giving a new scenario checked like a file.

``apply_variant`` is pure: the base scenario is never changed. The variant's changes are merged
into the scenario's plain data, and the result is validated like a scenario file (every field
and model rule, with the two allowances of a what-if in :data:`~drillsim.scenario.rules.WHAT_IF`), so
a variant can never build a scenario that a file could not describe. Each element of the merged
data remembers which entry of the variant made it (a :class:`Source`), so that a problem of the
changed scenario is reported at the variant's own entry and field, naming the base element it
combines with. :func:`~drillsim.scenario.variant_refs.variant_problems` reports references to
things that do not exist; :func:`drillsim.scenario.semantics.check_variant` runs both, then the
semantic checks, for every variant.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from pydantic import BaseModel, ValidationError

from drillsim.errors import FieldPath, Problem, ScenarioError, Severity, dotted
from drillsim.i18n import Msg
from drillsim.scenario.locate import PathKey, describe, meant_errors
from drillsim.scenario.model import Scenario, Variant
from drillsim.scenario.rules import WHAT_IF
from drillsim.scenario.variant_refs import BASE, and_then, variant_problems

SAME_RULES = Msg("variants.same_rules")
"""The hint of a variant value that breaks a rule the format states in the message itself:
"a variant's values follow the same rules as the scenario's own"."""


def own_part(hint: str) -> str:
    """A variant problem's hint without the part saying the base value is kept when the field is
    left out (a swept value cannot be left out)."""
    if isinstance(hint, Msg) and hint.key == "variants.keep_base_hint":
        own = hint.fields["hint"]
        return own if isinstance(own, str) else str(own)
    return hint


@dataclass(frozen=True, slots=True)
class Source:
    """Which entry of the variant made one element of the changed scenario.

    Attributes:
        entry: The entry's path in the variant (``("change_links", 0)``, ``("add_agencies", 1)``);
            None for an element the variant leaves as it is.
        fields: The fields the entry sets: a problem in one of them is the variant's own value.
        whole: The element is entirely the variant's (added), so every field is its own.
        base: The element it is combined with, e.g. ``links[1] (police_hq -> ems)``.
    """

    entry: FieldPath | None = None
    fields: frozenset[str] = frozenset()
    whole: bool = False
    base: str = ""


@dataclass(frozen=True, slots=True)
class Place:
    """Where a problem of the changed scenario belongs in the variant."""

    keys: FieldPath
    """The variant's entry and field, as keys and indexes."""
    combined: str = ""
    """The base element it arises together with ("" when the variant's value alone is wrong)."""
    field: str = ""
    """The field the variant sets, when the problem is in the variant's own value."""
    base: str = ""
    """The base element the entry changes (its value is kept where the variant sets none)."""
    own: bool = False
    """The problem is in a value the variant itself writes (not in what it leaves of the base)."""

    @property
    def path(self) -> str:
        """The entry and field in their plain form, such as ``variants[2].change_links[0].retry``."""
        return dotted(self.keys)


@dataclass(frozen=True)
class Applied:
    """A variant applied: the changed scenario (None when it is not valid) and its problems."""

    scenario: Scenario | None
    problems: tuple[Problem, ...]
    sources: Mapping[PathKey, Source]
    at: FieldPath = ()
    """The variant's path in its file (``("variants", 2)``); () for a variant built in memory."""

    def place(self, path: PathKey) -> Place:
        """The variant's entry and field behind ``path`` (a path into the changed scenario)."""
        for n in range(len(path), 0, -1):
            src = self.sources.get(path[:n])
            if src is not None:
                break
        else:
            return Place(self.at)
        rest = path[n:]
        if src.entry is None:
            return Place(self.at, src.base)
        if src.whole or (rest and rest[0] in src.fields):
            return Place(
                (*self.at, *src.entry, *rest),
                "",
                str(rest[0]) if rest else "",
                "" if src.whole else src.base,
                own=True,
            )
        return Place((*self.at, *src.entry), src.base)

    def relocate(self, p: Problem) -> Problem:
        """A semantic problem of the changed scenario, moved to the variant entry it comes from."""
        where = self.place(p.keys)
        hint = p.hint
        if where.combined:
            also = Msg("variants.combined_hint", base=where.combined)
            hint = and_then(hint, also) if hint else also
        severity: Severity = p.severity
        if p.unknown_name and not where.own:
            # NOTE: a base element naming what the variant removed is a deliberate what-if: the
            # engine treats the removed thing as absent. A name the variant writes itself is an error.
            severity = "warning"
        return Problem(
            Msg("variants.with_variant", problem=p.message),
            keys=where.keys,
            hint=hint,
            severity=severity,
        )


def apply_variant(scenario: Scenario, variant: str | Variant) -> Scenario:
    """The scenario with ``variant`` (an id of one of its variants, or a Variant) applied.

    Order: remove links, change links, add links, remove agencies (with their links and their
    place in tasks' ``by``), add agencies, change agencies, change tasks, add incidents, horizon.
    Raises ScenarioError (paths at the variant) when the variant names something that does not
    exist or the changed scenario breaks a rule of the format.
    """
    v, at = _find(scenario, variant)
    refused = [p for p in variant_problems(scenario, v, at) if p.severity == "error"]
    if refused:
        raise ScenarioError(refused)
    applied = try_variant(scenario, v, at)
    if applied.scenario is None:
        raise ScenarioError(list(applied.problems))
    return applied.scenario


def try_variant(scenario: Scenario, variant: Variant, at: FieldPath = ()) -> Applied:
    """Merge the variant into the scenario's data and validate the result as a scenario file would be.

    References to things that do not exist are skipped here (see :func:`variant_problems`).
    """
    data, sources = _merge(scenario, variant)
    try:
        result = Scenario.model_validate(data, context=WHAT_IF)
    except ValidationError as exc:
        refused = Applied(None, (), sources, at)
        return replace(
            refused, problems=tuple(_problem(err, refused) for err in meant_errors(exc, data))
        )
    return Applied(result, (), sources, at)


def _find(scenario: Scenario, variant: str | Variant) -> tuple[Variant, FieldPath]:
    """The variant and its path in the scenario's file (() when the scenario does not hold it)."""
    v = scenario.variant(variant) if isinstance(variant, str) else variant
    for i, known in enumerate(scenario.variants):
        if known is v or known == v:
            return v, ("variants", i)
    return v, ()


def _problem(err: Any, applied: Applied) -> Problem:
    """One pydantic error of the changed scenario, at the variant's entry and field."""
    message, hint = describe(err)
    where = applied.place(tuple(err["loc"]))
    if where.combined:
        message = Msg("variants.combined_change", problem=message, base=where.combined)
        hint = hint or Msg("variants.combined_change_hint", base=where.combined)
    else:
        hint = hint or SAME_RULES
        if where.field and where.base:
            hint = Msg("variants.keep_base_hint", hint=hint, field=where.field, base=where.base)
    return Problem(message, keys=where.keys, hint=hint)


# -- merging --------------------------------------------------------------------------------------

Item = tuple[dict[str, Any], Source]


def _dump(model: BaseModel) -> dict[str, Any]:
    """Plain data as a file would hold it (the form that validates back to the same model)."""
    return model.model_dump(mode="json", by_alias=True, exclude_unset=True)


def _set_fields(change: BaseModel, nullable: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The fields a change sets (None only where it means something: no backup, no travel).

    A LinkChange's ``from``/``to`` say which edge it changes; they are not changes themselves.
    """
    return {
        k: val
        for k, val in _dump(change).items()
        if k not in ("from", "to") and (val is not None or k in nullable)
    }


def _merge(scenario: Scenario, v: Variant) -> tuple[dict[str, Any], dict[PathKey, Source]]:
    """The scenario's data with the variant merged in, and the source of every element."""
    data = _dump(scenario)
    links = [(d, Source(base=f"links[{i}]")) for i, d in enumerate(data.get("links", []))]
    links = _change_links(_remove_links(links, v.remove_links), v)
    links += [(_dump(lk), Source(("add_links", i), whole=True)) for i, lk in enumerate(v.add_links)]
    agencies = [
        (d, Source(base=f"agencies[{i}] ({d['id']})")) for i, d in enumerate(data["agencies"])
    ]
    tasks = [
        (d, Source(base=f"tasks[{i}] ({d['id']})")) for i, d in enumerate(data.get("tasks", []))
    ]
    sources: dict[PathKey, Source] = {}
    if v.remove_agencies:
        gone = set(v.remove_agencies)
        agencies = [a for a in agencies if a[0]["id"] not in gone]
        links = _drop_agencies_from_links(links, gone)
        tasks = [({**d, "by": [b for b in d["by"] if b not in gone]}, s) for d, s in tasks]
        sources[("agencies",)] = Source(("remove_agencies",), whole=True)
    agencies += [
        (_dump(a), Source(("add_agencies", i), whole=True, base=f"add_agencies[{i}] ({a.id})"))
        for i, a in enumerate(v.add_agencies)
    ]
    agencies = [
        _changed(item, "change_agencies", v.change_agencies, frozenset({"travel"}))
        for item in agencies
    ]
    tasks = [_changed(item, "change_tasks", v.change_tasks) for item in tasks]
    incidents = [
        (d, Source(base=f"incidents[{i}] ({d['id']})")) for i, d in enumerate(data["incidents"])
    ]
    incidents += [
        (_dump(inc), Source(("add_incidents", i), whole=True))
        for i, inc in enumerate(v.add_incidents)
    ]
    merged = {
        **data,
        "agencies": [d for d, _ in agencies],
        "links": [d for d, _ in links],
        "tasks": [d for d, _ in tasks],
        "incidents": [d for d, _ in incidents],
    }
    for section, items in (
        ("agencies", agencies),
        ("links", links),
        ("tasks", tasks),
        ("incidents", incidents),
    ):
        sources.update({(section, i): s for i, (_, s) in enumerate(items)})
    if v.horizon is not None:
        merged["scenario"] = {**data["scenario"], "horizon": _dump(v)["horizon"]}
        sources[("scenario",)] = Source((), frozenset({"horizon"}), base="scenario.horizon")
    return merged, sources


def _changed(
    item: Item,
    section: str,
    changes: Mapping[str, BaseModel],
    nullable: frozenset[str] = frozenset(),
) -> Item:
    """An agency or task with its change (``change_agencies.<id>``) applied, if it has one."""
    d, src = item
    change = changes.get(d["id"])
    if change is None:
        return item
    update = _set_fields(change, nullable)
    return {**d, **update}, Source((section, d["id"]), frozenset(update), base=src.base)


def _remove_links(links: list[Item], pairs: tuple[tuple[str, str], ...]) -> list[Item]:
    out = []
    for d, src in links:
        to = [t for t in d["to"] if (d["from"], t) not in pairs]
        if to:
            out.append((d if to == d["to"] else {**d, "to": to}, src))
    return out


def _change_links(links: list[Item], v: Variant) -> list[Item]:
    """Apply each LinkChange to its from -> to edge, splitting a multi-recipient link if needed.

    The split keeps the recipients in their order (unchanged neighbours stay together), so the
    sender relays in the same order as in the base scenario: a change to one recipient's link
    never moves its message to the end of the desk's queue.
    """
    changes = {(c.from_, c.to): (k, c) for k, c in enumerate(v.change_links)}
    out: list[Item] = []
    for d, src in links:
        if not any((d["from"], t) in changes for t in d["to"]):
            out.append((d, src))
            continue
        run: list[str] = []
        for t in d["to"]:
            if (d["from"], t) not in changes:
                run.append(t)
                continue
            if run:
                out.append(({**d, "to": run}, src))
                run = []
            k, change = changes[(d["from"], t)]
            update = _set_fields(change, frozenset({"backup"}))
            out.append(
                (
                    {**d, "to": [t], **update},
                    Source(
                        ("change_links", k),
                        frozenset(update),
                        base=f"{src.base} ({d['from']} -> {t})",
                    ),
                )
            )
        if run:
            out.append(({**d, "to": run}, src))
    return out


def _drop_agencies_from_links(links: list[Item], gone: set[str]) -> list[Item]:
    out = []
    for d, src in links:
        to = [t for t in d["to"] if t not in gone]
        if d["from"] not in gone and to:
            out.append((d if to == d["to"] else {**d, "to": to}, src))
    return out


__all__ = [
    "BASE",
    "SAME_RULES",
    "Applied",
    "Source",
    "apply_variant",
    "own_part",
    "try_variant",
    "variant_problems",
]
