"""Parameter sweeps: a grid of variants built from ``--set path=values``, run under common random numbers.

Paths: ``agencies.<id>.<field>`` (units, duty_officers, handling, activation, travel),
``links.<from>-><to>.<field>`` (delay, reliability, retry, attempts), ``tasks.<id>.<field>``
(units, duration, per_casualty). Values: ``2..8`` (integers, inclusive), ``2..8:2`` (step),
``0.5..0.9:0.1`` (decimals), or a comma list ``1m,2m,5m``.
"""

from __future__ import annotations

import difflib
import itertools
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from drillsim.errors import InputError
from drillsim.i18n import Msg, Number
from drillsim.scenario.locate import describe, meant_errors
from drillsim.scenario.model import Scenario, Variant
from drillsim.scenario.semantics import check_variant
from drillsim.scenario.variant_refs import and_then
from drillsim.scenario.variants import SAME_RULES, own_part

FIELDS = {
    "agencies": ("units", "duty_officers", "handling", "activation", "travel"),
    "links": ("delay", "reliability", "retry", "attempts"),
    "tasks": ("units", "duration", "per_casualty"),
}


@dataclass(frozen=True, slots=True)
class Axis:
    """One swept parameter and its values (as written)."""

    section: str
    target: str
    field: str
    values: tuple[Any, ...]

    @property
    def name(self) -> str:
        """The path as the user wrote it."""
        return f"{self.section}.{self.target}.{self.field}"


def _guess(message: Msg, word: str, choices: list[str]) -> Msg:
    """``message``, then the closest of ``choices`` to ``word`` (or all of them)."""
    close = difflib.get_close_matches(word, choices, n=1)
    guess = (
        Msg("semantics.did_you_mean", name=repr(close[0]))
        if close
        else Msg("runs.sweep.use_one_of", choices=", ".join(choices))
    )
    return and_then(message, guess)


MAX_VALUE = Decimal(10**9)
"""Largest number in a range (a count, a chance or seconds: 10^9 s is 31 years)."""

MAX_POINTS = 1000
"""Values in one range, and grid points in all (each point is a variant run in full)."""


def _numbers(text: str) -> tuple[Any, ...]:
    span, _, step_text = text.partition(":")
    lo_text, _, hi_text = span.partition("..")
    try:
        lo, hi = Decimal(lo_text), Decimal(hi_text)
        step = Decimal(step_text) if step_text else Decimal(1)
    except InvalidOperation:
        raise InputError(Msg("runs.sweep.unreadable_range", range=repr(text))) from None
    if not all(
        v.is_finite() and v.copy_abs() <= MAX_VALUE for v in (lo, hi, step)
    ):  # copy_abs: no context
        raise InputError(
            Msg(
                "runs.sweep.range_not_finite",
                range=repr(text),
                most=Number(int(MAX_VALUE), grouped=True),
            )
        )
    if step <= 0 or hi < lo:
        raise InputError(Msg("runs.sweep.range_empty", range=repr(text)))
    if (hi - lo) / step >= MAX_POINTS:
        raise InputError(
            Msg(
                "runs.sweep.range_too_long",
                range=repr(text),
                most=Number(MAX_POINTS, grouped=True),
            )
        )
    count = int((hi - lo) / step) + 1
    vals = [lo + i * step for i in range(count)]
    integral = (
        all(v == v.to_integral_value() for v in vals) and "." not in lo_text + hi_text + step_text
    )
    return tuple(int(v) if integral else float(v) for v in vals)


def parse_set(text: str, scenario: Scenario) -> Axis:
    """Read one ``--set path=values`` option against the scenario's ids and fields."""
    path, eq, values = text.partition("=")
    if not eq or not values:
        raise InputError(Msg("runs.sweep.not_path_values", option=repr(text)))
    section, _, rest = path.partition(".")
    if section not in FIELDS:
        raise InputError(
            _guess(
                Msg("runs.sweep.unknown_section", option=repr(text), section=repr(section)),
                section,
                list(FIELDS),
            )
        )
    target, _, field = rest.rpartition(".")
    ids = {
        "agencies": [a.id for a in scenario.agencies],
        "tasks": [t.id for t in scenario.tasks],
        "links": [f"{lk.from_}->{to}" for lk in scenario.links for to in lk.to],
    }[section]
    if target not in ids:
        unknown = {
            "agencies": Msg("runs.sweep.unknown_agency", option=repr(text), name=repr(target)),
            "tasks": Msg("runs.sweep.unknown_task", option=repr(text), name=repr(target)),
            "links": Msg("runs.sweep.unknown_link", option=repr(text), name=repr(target)),
        }[section]
        raise InputError(_guess(unknown, target, ids))
    if field not in FIELDS[section]:
        raise InputError(
            _guess(
                Msg("runs.sweep.cannot_sweep", option=repr(text), field=repr(field)),
                field,
                list(FIELDS[section]),
            )
        )
    vals = (
        _numbers(values)
        if ".." in values
        else tuple(v.strip() for v in values.split(",") if v.strip())
    )
    return Axis(section, target, field, vals)


def grid(scenario: Scenario, axes: list[Axis]) -> list[tuple[tuple[Any, ...], Variant]]:
    """Every combination of the axes' values as a variant, checked like a variant in a file.

    A value the scenario format refuses is an InputError naming its ``--set`` option, raised
    before anything is simulated.
    """
    points = 1
    for a in axes:
        points *= max(1, len(a.values))
    if points > MAX_POINTS:
        raise InputError(
            Msg(
                "runs.sweep.grid_too_large",
                points=Number(points, grouped=True),
                sizes=" x ".join(str(len(a.values)) for a in axes),
                most=Number(MAX_POINTS, grouped=True),
            )
        )
    out = []
    for combo in itertools.product(*(a.values for a in axes)):
        changes: dict[str, Any] = {}
        for axis, value in zip(axes, combo):
            if axis.section == "links":
                src, dst = axis.target.split("->", 1)
                entry = next(
                    (
                        c
                        for c in changes.setdefault("change_links", [])
                        if (c["from"], c["to"]) == (src, dst)
                    ),
                    None,
                )
                if entry is None:
                    entry = {"from": src, "to": dst}
                    changes["change_links"].append(entry)
                entry[axis.field] = value
            else:
                key = "change_agencies" if axis.section == "agencies" else "change_tasks"
                changes.setdefault(key, {}).setdefault(axis.target, {})[axis.field] = value
        label = ",".join(f"{a.field}={v}" for a, v in zip(axes, combo))
        vid = re.sub(
            r"[^A-Za-z0-9_-]", "_", "sweep-" + "-".join(str(v).replace(".", "p") for v in combo)
        )
        data = {"id": vid[:64], "description": label, **changes}
        try:
            variant = Variant.model_validate(data)
        except ValidationError as exc:
            err = meant_errors(exc, data)[0]
            raise _refused(axes, combo, changes, tuple(err["loc"]), *describe(err)) from None
        errors = [p for p in check_variant(scenario, variant) if p.severity == "error"]
        if errors:
            raise _refused(axes, combo, changes, errors[0].keys, errors[0].message, errors[0].hint)
        out.append((combo, variant))
    return out


def _refused(
    axes: list[Axis],
    combo: tuple[Any, ...],
    changes: dict[str, Any],
    parts: tuple[Any, ...],
    message: str,
    hint: str,
) -> InputError:
    """The error for a grid point the format refuses, naming the --set option (and value) behind it."""
    target: str | int | None = None
    field: str | int | None = None
    if len(parts) >= 3 and parts[0] == "change_links" and isinstance(parts[1], int):
        entry = changes["change_links"][parts[1]]
        target, field = f"{entry['from']}->{entry['to']}", parts[2]
    elif len(parts) >= 3:
        target, field = parts[1], parts[2]
    named = [(a, v) for a, v in zip(axes, combo) if (a.target, a.field) == (target, field)]
    if named:
        ((axis, value),) = named
        text = Msg("runs.sweep.value_refused", option=axis.name, value=str(value), reason=message)
        advice = Msg("runs.sweep.value_refused_hint", field=axis.field)
        hint = own_part(hint)  # a swept value cannot be left out
        hint = "" if hint == SAME_RULES else hint
    else:
        point = ", ".join(f"{a.name}={v}" for a, v in zip(axes, combo))
        text = Msg("runs.sweep.point_refused", point=point, reason=message)
        advice = Msg("runs.sweep.point_refused_hint")
    return InputError(Msg("runs.with_hint", text=text, hint=hint or advice))
