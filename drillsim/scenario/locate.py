"""Locate problems in a scenario file: pydantic error locations and semantic paths -> line and column.

The loader hands over plain values plus a map from value path (a tuple of keys and indices) to
the 1-based (line, column) where that value starts, so this module never sees YAML. Paths are
shown the way trainers read them: ``agencies[2] (police_hq).units``.
"""

from __future__ import annotations

import difflib
import re
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from drillsim.errors import Problem
from drillsim.i18n import N_, Msg, Msgn, Number, has
from drillsim.scenario.durations import DURATION_HINT
from drillsim.scenario.model import Scenario

PathKey = tuple[str | int, ...]
Mark = tuple[int, int]


@dataclass(frozen=True)
class Located:
    """Plain scenario data with the start of every value (``marks``) and of every key (``key_marks``)."""

    data: Any
    marks: dict[PathKey, Mark] = field(default_factory=dict)
    key_marks: dict[PathKey, Mark] = field(default_factory=dict)


def walk(data: Any, loc: tuple[Any, ...]) -> tuple[PathKey, list[Any]]:
    """Follow ``loc`` into ``data`` as far as it matches, skipping components that name no key or index.

    Returns the matched path and the components skipped (union tags such as ``fixed``, or a
    missing field's name).
    """
    path: list[str | int] = []
    skipped: list[Any] = []
    current = data
    for comp in loc:
        # two branches, not one `or`: each narrows the index type for the type checker
        if isinstance(current, dict) and isinstance(comp, str) and comp in current:  # noqa: SIM114
            current = current[comp]
        elif isinstance(current, list) and isinstance(comp, int) and 0 <= comp < len(current):
            current = current[comp]
        else:
            skipped.append(comp)
            continue
        path.append(comp)
    return tuple(path), skipped


def render_path(data: Any, path: PathKey) -> str:
    """``('agencies', 2, 'units')`` as ``agencies[2] (police_hq).units``."""
    text = ""
    current = data
    for comp in path:
        if isinstance(comp, int):
            text += f"[{comp}]"
            current = current[comp] if isinstance(current, list) and comp < len(current) else None
            ident = current.get("id") if isinstance(current, dict) else None
            if isinstance(ident, str) and ident:
                text += f" ({ident})"
        else:
            text += f".{comp}" if text else str(comp)
            current = current.get(comp) if isinstance(current, dict) else None
    return text


def mark_of(located: Located, path: PathKey) -> Mark | None:
    """The mark of the deepest prefix of ``path`` that was in the file."""
    for n in range(len(path), -1, -1):
        if path[:n] in located.marks:
            return located.marks[path[:n]]
    return None


def locate_problems(problems: list[Problem], located: Located, filename: str) -> list[Problem]:
    """Add file, line and column to the semantic checks' problems (by their keys); file order."""
    out = []
    for p in problems:
        path, _ = walk(located.data, p.keys)
        line, column = mark_of(located, path) or (None, None)
        out.append(
            Problem(
                p.message,
                file=filename,
                line=line,
                column=column,
                path=render_path(located.data, p.keys),
                hint=p.hint,
                severity=p.severity,
                unknown_name=p.unknown_name,
                keys=p.keys,
            )
        )
    return sorted(out, key=_order)


def _order(p: Problem) -> tuple[int, int]:
    return (p.line or 0, p.column or 0)


# -- pydantic errors ------------------------------------------------------------------------------


def validation_problems(exc: ValidationError, located: Located, filename: str) -> list[Problem]:
    """Every pydantic error as a located problem, without the noise of union branches, in file order."""
    problems = [_problem(err, located, filename) for err in meant_errors(exc, located.data)]
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=_order)


def meant_errors(exc: ValidationError, data: Any) -> list[Any]:
    """The pydantic errors of validating ``data`` that say what is wrong: no union-branch noise."""
    return _first_missing_field(_drop_follow_ons(exc.errors(include_url=False)), data)


def _drop_follow_ons(errors: list[Any]) -> list[Any]:
    """Drop "too short" on a list whose items have errors: pydantic counts only the valid items."""

    def inner(err: Any) -> bool:
        loc = tuple(err["loc"])
        return any(len(o["loc"]) > len(loc) and tuple(o["loc"][: len(loc)]) == loc for o in errors)

    return [e for e in errors if not (e["type"] == "too_short" and inner(e))]


def _first_missing_field(errors: list[Any], data: Any) -> list[Any]:
    """Of the required fields missing from one entry, name only the first.

    An entry that lacks several (a task written under ``links``, a file with one section) is one
    mistake, not one per field. Union branches need no such choice: every union in the format is
    tagged (durations by their shape, measures by their kind, travel by ``by_zone``), so pydantic
    reports only the errors of the form the value was written in.
    """
    first: dict[PathKey, Any] = {}
    out = []
    for err in errors:
        loc = tuple(err["loc"])
        entry = _prefix_before_skip(data, loc)
        if (
            err["type"] == "missing"
            and entry is not None
            and len(entry) == len(loc) - 1
            and first.setdefault(entry, err) is not err
        ):
            continue
        out.append(err)
    return out


def _prefix_before_skip(data: Any, loc: tuple[Any, ...]) -> PathKey | None:
    for n in range(len(loc)):
        path, skipped = walk(data, loc[: n + 1])
        if skipped:
            return path
    return None


def _problem(err: Any, located: Located, filename: str) -> Problem:
    loc = tuple(err["loc"])
    path, skipped = walk(located.data, loc)
    kind = err["type"]
    where: Mark | None
    shown = render_path(located.data, path)
    if kind == "extra_forbidden" or (skipped and skipped[-1] == "[key]"):
        where = located.key_marks.get(path) or mark_of(located, path)
    else:
        where = mark_of(located, path)
    if kind == "missing" and skipped:
        shown = f"{shown}.{skipped[-1]}" if shown else str(skipped[-1])
    message, hint = describe(err)
    line, column = where or (None, None)
    return Problem(message, file=filename, line=line, column=column, path=shown, hint=hint)


def describe(err: Any) -> tuple[str, str]:
    """Message and hint for one pydantic error, in trainer's words: a :class:`~drillsim.i18n.Msg`
    each (the hint may be empty), said later in the reader's language.

    Every pydantic error type a scenario can meet has a catalogue message (:data:`_SIMPLE` and
    the functions below); a validator's ``ValueError(Msg(...))`` is said as its ``Msg``; an error
    whose type is a catalogue key (a model's ``PydanticCustomError``) is that message, with the
    fields of its context. A type drillsim does not know keeps pydantic's English words.
    """
    kind, ctx = err["type"], err.get("ctx") or {}
    given = ctx.get("hint", "")  # a rule's own advice (PydanticCustomError context)
    if kind in _SIMPLE:
        key, hint = _SIMPLE[kind]
        return Msg(key, got=_show(err.get("input"))), given or hint
    if kind in _DESCRIBERS:
        message, hint = _DESCRIBERS[kind](err, ctx)
        return message, given or hint
    if has(kind):  # a model's own error type: its catalogue key
        fields = {k: v for k, v in ctx.items() if k not in ("hint", "error")}
        return Msg(kind, got=_show(err.get("input")), **fields), given
    if kind.startswith("date_"):
        return Msg("scenario.expected_date", got=_show(err.get("input"))), given
    return Msg("scenario.invalid_value", detail=err["msg"], got=_show(err.get("input"))), given


ID_HINT = Msg("scenario.id_hint")
"""How ids are written: letters, digits, - and _ (at most 64), starting with a letter or digit."""

_WHOLE, _NUMBER = N_("scenario.expected_whole_number"), N_("scenario.expected_number")
_BOOL, _LIST = N_("scenario.expected_true_false"), N_("scenario.expected_list")
_MAPPING = N_("scenario.expected_mapping")
_LIST_HINT = Msg("scenario.list_hint")

_SIMPLE: dict[str, tuple[str, Msg | str]] = {
    "string_pattern_mismatch": (N_("scenario.invalid_id"), ID_HINT),
    "int_type": (_WHOLE, ""),
    "int_parsing": (_WHOLE, ""),
    "int_from_float": (_WHOLE, ""),
    "int_parsing_size": (_WHOLE, ""),
    "float_type": (_NUMBER, ""),
    "float_parsing": (_NUMBER, ""),
    "finite_number": (N_("scenario.expected_finite_number"), ""),
    "bool_type": (_BOOL, ""),
    "bool_parsing": (_BOOL, ""),
    "tuple_type": (_LIST, _LIST_HINT),
    "list_type": (_LIST, _LIST_HINT),
    "dict_type": (_MAPPING, ""),
    "model_type": (_MAPPING, ""),
    "model_attributes_type": (_MAPPING, ""),
}
"""pydantic error types whose message names only the value given: (catalogue key, hint)."""

Described = tuple[Msg, Msg | str]


def _missing(err: Any, ctx: dict[str, Any]) -> Described:
    name = err["loc"][-1]
    return (
        Msg("scenario.missing_field", field=repr(name)),
        Msg("scenario.missing_field_hint", field=str(name)),
    )


def _unknown_field(err: Any, ctx: dict[str, Any]) -> Described:
    loc = tuple(err["loc"])
    return Msg("scenario.unknown_field", field=repr(loc[-1])), _did_you_mean(
        str(loc[-1]), field_names(loc[:-1])
    )


def _string_type(err: Any, ctx: dict[str, Any]) -> Described:
    value = err.get("input")
    hint = Msg("scenario.yaml_bool_hint") if isinstance(value, bool) else Msg("scenario.text_hint")
    return Msg("scenario.expected_text", got=_show(value)), hint


def _value_error(err: Any, ctx: dict[str, Any]) -> Described:
    """A validator's ValueError: its ``Msg`` when it raised one, else its text (pydantic's prefix cut)."""
    raised = ctx.get("error")
    said = raised.args[0] if isinstance(raised, Exception) and raised.args else None
    if isinstance(said, Msg):
        message = said
    else:
        text = re.sub(r"^(Value error|Assertion failed), ", "", err["msg"])
        message = Msg("scenario.invalid_value_text", text=text)
    hint = DURATION_HINT if "duration" in message and DURATION_HINT not in message else ""
    return message, hint


_BOUNDS: dict[str, tuple[str, str, str]] = {
    "greater_than_equal": ("ge", N_("scenario.at_least"), N_("scenario.at_least_hint")),
    "less_than_equal": ("le", N_("scenario.at_most"), N_("scenario.at_most_hint")),
    "greater_than": ("gt", N_("scenario.above"), N_("scenario.above_hint")),
    "less_than": ("lt", N_("scenario.below"), N_("scenario.below_hint")),
}
"""pydantic's bound error types: the context key of the bound, the message and the hint."""


def _bound(err: Any, ctx: dict[str, Any]) -> Described:
    bound, message, hint = _BOUNDS[err["type"]]
    limit = _number(ctx.get(bound))
    return Msg(message, limit=limit, got=_show(err.get("input"))), Msg(hint, limit=limit)


def _too_short(err: Any, ctx: dict[str, Any]) -> Described:
    n = int(ctx.get("min_length", 1))
    got = _count(err.get("input"))
    return (
        Msgn("scenario.too_short", "scenario.too_short_plural", n, got=got),
        Msgn("scenario.too_short_hint", "scenario.too_short_hint_plural", n),
    )


def _too_long(err: Any, ctx: dict[str, Any]) -> Described:
    return (
        Msg("scenario.too_long", got=_count(err.get("input")), most=_number(ctx.get("max_length"))),
        Msg("scenario.too_long_hint"),
    )


def _string_too_long(err: Any, ctx: dict[str, Any]) -> Described:
    value = err.get("input")
    return (
        Msg(
            "scenario.string_too_long",
            length=_number(len(value) if isinstance(value, str) else None),
            most=_number(ctx.get("max_length")),
        ),
        Msg("scenario.string_too_long_hint"),
    )


def _string_too_short(err: Any, ctx: dict[str, Any]) -> Described:
    least = ctx.get("min_length", 1)
    if least == 1:
        return Msg("scenario.string_empty"), Msg("scenario.string_empty_hint")
    value = err.get("input")
    length = _number(len(value) if isinstance(value, str) else None)
    return Msg("scenario.string_too_short", length=length, least=_number(least)), ""


def _literal(err: Any, ctx: dict[str, Any]) -> Described:
    expected = str(ctx.get("expected", ""))
    if " or " in expected:  # pydantic's English: 'a', 'b' or 'c'
        head, last = expected.rsplit(" or ", 1)
        choices: Msg | str = Msg("scenario.one_of_or", head=head, last=last)
    else:
        choices = expected
    return Msg("scenario.literal_error", got=_show(err.get("input")), expected=choices), ""


def _no_form(err: Any, ctx: dict[str, Any]) -> Described:
    """A value in none of a union's forms; the only callable tag is a distribution's shape."""
    got = _show(err.get("input"))
    if "_shape_of" in str(ctx.get("discriminator", "")):
        return Msg("scenario.expected_distribution", got=got), DURATION_HINT
    return Msg("scenario.no_form", got=got), ""


_DESCRIBERS: dict[str, Callable[[Any, dict[str, Any]], Described]] = {
    "missing": _missing,
    "extra_forbidden": _unknown_field,
    "string_type": _string_type,
    "value_error": _value_error,
    "assertion_error": _value_error,
    **dict.fromkeys(_BOUNDS, _bound),
    "too_short": _too_short,
    "too_long": _too_long,
    "string_too_long": _string_too_long,
    "string_too_short": _string_too_short,
    "literal_error": _literal,
    "union_tag_not_found": _no_form,
    "union_tag_invalid": _no_form,
}
"""pydantic error types whose message needs more than the value: their describer."""


def _number(value: Any) -> Msg | str:
    """A bound or length as the file would write it (``1.0``, ``10000``), ``?`` when unknown."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Number(value)
    return "?" if value is None else str(value)


def _count(value: Any) -> Msg | str:
    size = len(value) if isinstance(value, (list, tuple, dict)) else None
    return Msg("scenario.none") if size == 0 else str(size) if size is not None else _show(value)


def _show(value: Any) -> Msg | str:
    if isinstance(value, dict):
        return Msg("scenario.a_mapping")
    if isinstance(value, list):
        return Msg("scenario.a_list")
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _did_you_mean(word: str, candidates: list[str]) -> Msg | str:
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    if close:
        return Msg("scenario.did_you_mean", name=repr(close[0]))
    return Msg("scenario.allowed_here", names=", ".join(candidates)) if candidates else ""


# -- field names at a location --------------------------------------------------------------------


def field_names(loc: tuple[Any, ...]) -> list[str]:
    """Names (aliases where set, as files spell them) of the model fields allowed at ``loc``."""
    current: list[tuple[Any, str | None]] = _expand(Scenario)
    for comp in loc:
        tagged = [(t, tag) for t, tag in current if tag == comp]
        if tagged:
            current = tagged
            continue
        nxt = [pair for t, _ in current for pair in _step(t, comp)]
        if nxt:
            current = nxt
    names: list[str] = []
    for t, _ in current:
        if isinstance(t, type) and issubclass(t, BaseModel):
            for name, info in t.model_fields.items():
                shown = info.alias or name
                if shown not in names:
                    names.append(shown)
    return names


def _step(tp: Any, comp: Any) -> list[tuple[Any, str | None]]:
    if isinstance(tp, type) and issubclass(tp, BaseModel) and isinstance(comp, str):
        for name, info in tp.model_fields.items():
            if comp in (name, info.alias):
                return _expand(info.annotation)
        return []
    origin, args = get_origin(tp), get_args(tp)
    if origin in (tuple, list) and isinstance(comp, int):
        return [pair for a in args if a is not Ellipsis for pair in _expand(a)]
    if origin is dict and isinstance(comp, str) and len(args) == 2:
        return _expand(args[1])
    return []


def _expand(tp: Any, tag: str | None = None) -> list[tuple[Any, str | None]]:
    """Strip Annotated and unions down to concrete types, keeping each union member's Tag."""
    if get_origin(tp) is Annotated:
        inner, *meta = get_args(tp)
        for m in meta:
            if type(m).__name__ == "Tag":
                tag = m.tag
        return _expand(inner, tag)
    if get_origin(tp) in (Union, types.UnionType):
        return [pair for a in get_args(tp) for pair in _expand(a)]
    return [(tp, tag)]
