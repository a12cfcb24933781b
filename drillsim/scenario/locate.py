"""Locate problems in a scenario file: pydantic error locations and semantic paths -> line and column.

The loader hands over plain values plus a map from value path (a tuple of keys and indices) to
the 1-based (line, column) where that value starts, so this module never sees YAML. Paths are
shown the way trainers read them: ``agencies[2] (police_hq).units``.
"""

from __future__ import annotations

import difflib
import re
import types
from dataclasses import dataclass, field
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from drillsim.errors import Problem
from drillsim.scenario.durations import DURATION_HINT
from drillsim.scenario.model import Scenario

PathKey = tuple[str | int, ...]
Mark = tuple[int, int]

ID_HINT = (
    "ids use only letters, digits, - and _ (at most 64 characters) and start with a letter or digit"
)
_BOUNDS = {
    "greater_than_equal": ("ge", "at least"),
    "less_than_equal": ("le", "at most"),
    "greater_than": ("gt", "above"),
    "less_than": ("lt", "below"),
}
_BOUND_HINTS = {
    "greater_than_equal": "use {} or more",
    "less_than_equal": "use {} or less",
    "greater_than": "use a value above {}",
    "less_than": "use a value below {}",
}


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
    """Message and hint for one pydantic error, in trainer's words."""
    kind, msg, value, loc = err["type"], err["msg"], err.get("input"), tuple(err["loc"])
    got = _show(value)
    if kind == "missing":
        return f"missing required field {loc[-1]!r}", f"add `{loc[-1]}:` to this mapping"
    if kind == "extra_forbidden":
        return f"unknown field {loc[-1]!r}", _did_you_mean(str(loc[-1]), field_names(loc[:-1]))
    if kind == "string_pattern_mismatch":
        return f"{got} is not a valid id", ID_HINT
    if kind == "string_type":
        hint = (
            "YAML reads yes/no/on/off/true/false as true or false; quote it"
            if isinstance(value, bool)
            else ""
        )
        return f"expected text, got {got}", hint or "write it as text, in quotes if needed"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"expected a whole number, got {got}", ""
    if kind in ("float_type", "float_parsing"):
        return f"expected a number, got {got}", ""
    if kind in ("tuple_type", "list_type"):
        return (
            f"expected a list, got {got}",
            "write the items as [a, b] or as lines starting with '- '",
        )
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"expected a mapping (key: value lines), got {got}", ""
    ctx = err.get("ctx") or {}
    given = str(ctx.get("hint", ""))  # a rule's own advice (PydanticCustomError context)
    if kind in ("value_error", "assertion_error"):
        text = re.sub(r"^(Value error|Assertion failed), ", "", msg)
        return text, given or (
            DURATION_HINT if "duration" in text and DURATION_HINT not in text else ""
        )
    if kind in _BOUNDS:
        key, words = _BOUNDS[kind]
        limit = ctx.get(key)
        return f"must be {words} {limit}, got {got}", given or _BOUND_HINTS[kind].format(limit)
    if kind == "too_short":
        n = ctx.get("min_length", 1)
        return (
            f"needs at least {n} {'entry' if n == 1 else 'entries'}, got {_count(value)}",
            given or f"give at least {n} {'entry' if n == 1 else 'entries'}",
        )
    if kind == "string_too_long":
        return (
            (
                f"is {len(value) if isinstance(value, str) else '?'} characters long; at most "
                f"{ctx.get('max_length')} are allowed"
            ),
            given or "shorten it",
        )
    if kind == "literal_error":
        return f"{got} is not allowed here; {msg[0].lower()}{msg[1:]}", ""
    return f"{msg} (got {got})", ""


def _count(value: Any) -> str:
    size = len(value) if isinstance(value, (list, tuple, dict)) else None
    return "none" if size == 0 else str(size) if size is not None else _show(value)


def _show(value: Any) -> str:
    text = repr(value)
    if isinstance(value, (dict, list)):
        text = "a mapping" if isinstance(value, dict) else "a list"
    return text if len(text) <= 60 else text[:57] + "..."


def _did_you_mean(word: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]!r}?"
    return f"allowed here: {', '.join(candidates)}" if candidates else ""


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
