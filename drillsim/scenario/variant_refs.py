"""References a what-if variant makes, checked against the scenario it changes.

:func:`variant_problems` reports the names a variant writes that point at nothing (a link to
remove that does not exist, an unknown agency to change, an id already taken), each at the
variant's own entry and field; :mod:`drillsim.scenario.variants` applies a variant once its
references are sound. The words of an unknown name (:func:`unknown`) and of two clauses of one
message (:func:`and_then`) are shared with the semantic checks.
"""

from __future__ import annotations

import difflib

from drillsim.errors import FieldPath, Problem, dotted
from drillsim.i18n import N_, Msg
from drillsim.scenario.model import Scenario, Variant

UNKNOWN: dict[str, str] = {
    "agency": N_("semantics.unknown_agency"),
    "task": N_("semantics.unknown_task"),
    "incident": N_("semantics.unknown_incident"),
    "objective": N_("semantics.unknown_objective"),
    "agency or capability": N_("semantics.unknown_doer"),
    "zone": N_("semantics.unknown_target_zone"),
}
"""The message of a name that refers to nothing, by what it should name ("unknown agency 'x'")."""


def unknown(what: str, name: str) -> Msg:
    """``unknown agency 'x'``: a name of the kind ``what`` (a key of :data:`UNKNOWN`) that is not there."""
    return Msg(UNKNOWN[what], name=repr(name))


def and_then(first: object, then: object) -> Msg:
    """Two clauses of one message or hint: ``first; then`` (the language's own semicolon)."""
    return Msg("semantics.clauses", first=first, then=then)


BASE = "base"
"""The name of the scenario as written, without variants, in results (``summaries/base.jsonl``),
``--variant`` and ``compare``; refused as a variant id in any letter case (``Base`` would share
``summaries/base.jsonl`` on Windows and macOS)."""


def variant_problems(scenario: Scenario, variant: Variant, at: FieldPath = ()) -> list[Problem]:
    """References in ``variant`` that point at nothing, each with its path under ``at``."""
    v = variant
    base_agencies = {a.id for a in scenario.agencies}
    agencies = (base_agencies - set(v.remove_agencies)) | {a.id for a in v.add_agencies}
    edges = {(f, t) for f, t, _ in scenario.edges()}
    out: list[Problem] = []
    if v.id.lower() == BASE:
        out.append(
            Problem(
                Msg("variants.reserved_id", id=repr(v.id)),
                keys=(*at, "id"),
                hint=Msg("variants.reserved_id_hint"),
            )
        )
    for i, (f, t) in enumerate(v.remove_links):
        if (f, t) not in edges:
            out.append(
                Problem(
                    Msg("variants.no_link_to_remove", sender=f, recipient=t),
                    keys=(*at, "remove_links", i),
                    hint=_edges_hint(edges, f),
                )
            )
    first: dict[tuple[str, str], int] = {}
    for i, c in enumerate(v.change_links):
        path: FieldPath = (*at, "change_links", i)
        if (c.from_, c.to) not in edges:
            out.append(
                Problem(
                    Msg("variants.no_link_to_change", sender=c.from_, recipient=c.to),
                    keys=path,
                    hint=_edges_hint(edges, c.from_),
                )
            )
        elif (c.from_, c.to) in first:
            out.append(
                Problem(
                    Msg(
                        "variants.link_changed_twice",
                        entry=dotted(("change_links", first[(c.from_, c.to)])),
                        sender=c.from_,
                        recipient=c.to,
                    ),
                    keys=path,
                    hint=Msg("variants.link_changed_twice_hint"),
                )
            )
        first.setdefault((c.from_, c.to), i)
    out += _unknown(v.remove_agencies, base_agencies, (*at, "remove_agencies"), "agency")
    if not agencies:
        out.append(
            Problem(
                Msg("variants.removes_every_agency"),
                keys=(*at, "remove_agencies"),
                hint=Msg("variants.removes_every_agency_hint"),
            )
        )
    out += _unknown(
        tuple(v.change_agencies),
        base_agencies | {a.id for a in v.add_agencies},
        (*at, "change_agencies"),
        "agency",
        keyed=True,
    )
    out += _unknown(
        tuple(v.change_tasks),
        {t.id for t in scenario.tasks},
        (*at, "change_tasks"),
        "task",
        keyed=True,
    )
    doers = agencies | {c for a in (*scenario.agencies, *v.add_agencies) for c in a.capabilities}
    for task_id, change in v.change_tasks.items():
        out += _unknown(
            change.by or (),
            doers,
            (*at, "change_tasks", task_id, "by"),
            "agency or capability",
        )
    for i, link in enumerate(v.add_links):
        out += _unknown(
            (link.from_,), agencies, (*at, "add_links", i, "from"), "agency", single=True
        )
        out += _unknown(link.to, agencies, (*at, "add_links", i, "to"), "agency")
    for i, a in enumerate(v.add_agencies):
        if a.id in base_agencies:
            out.append(
                Problem(
                    Msg("variants.agency_exists", id=repr(a.id)),
                    keys=(*at, "add_agencies", i, "id"),
                )
            )
    for i, inc in enumerate(v.add_incidents):
        if inc.id in {x.id for x in scenario.incidents}:
            out.append(
                Problem(
                    Msg("variants.incident_exists", id=repr(inc.id)),
                    keys=(*at, "add_incidents", i, "id"),
                    hint=Msg("variants.incident_exists_hint"),
                )
            )
        out += _unknown(
            (inc.detected_by,),
            agencies,
            (*at, "add_incidents", i, "detected_by"),
            "agency",
            single=True,
        )
        out += _unknown(
            inc.triggers,
            {t.id for t in scenario.tasks},
            (*at, "add_incidents", i, "triggers"),
            "task",
        )
    if v.expect is not None:
        objectives = {o.id for o in scenario.objectives}
        out += _unknown(v.expect.better, objectives, (*at, "expect", "better"), "objective")
        out += _unknown(v.expect.worse, objectives, (*at, "expect", "worse"), "objective")
    for i, name in enumerate(v.remove_agencies):
        for inc in scenario.incidents:
            if inc.detected_by == name:
                out.append(
                    Problem(
                        Msg("variants.removes_detector", agency=name, incident=inc.id),
                        keys=(*at, "remove_agencies", i),
                        severity="warning",
                    )
                )
    return out


def _unknown(
    ids: tuple[str, ...],
    known: set[str],
    path: FieldPath,
    what: str,
    *,
    keyed: bool = False,
    single: bool = False,
) -> list[Problem]:
    out = []
    for i, name in enumerate(ids):
        if name in known:
            continue
        close = difflib.get_close_matches(name, sorted(known), n=1)
        hint = (
            Msg("semantics.did_you_mean", name=repr(close[0]))
            if close
            else Msg("semantics.known", names=", ".join(sorted(known)) or Msg("semantics.none"))
        )
        where = (*path, name) if keyed else path if single else (*path, i)
        out.append(Problem(unknown(what, name), keys=where, hint=hint, unknown_name=True))
    return out


def _edges_hint(edges: set[tuple[str, str]], source: str) -> str:
    targets = sorted(t for f, t in edges if f == source)
    if targets:
        return Msg("variants.links_to", agency=source, recipients=", ".join(targets))
    return Msg("variants.no_outgoing_link", agency=source)


__all__ = ["BASE", "UNKNOWN", "and_then", "unknown", "variant_problems"]
