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
from drillsim.scenario.locate import describe, meant_errors
from drillsim.scenario.model import Scenario, Variant
from drillsim.scenario.semantics import check_variant
from drillsim.scenario.variants import KEEP_BASE, SAME_RULES

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


def _guess(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    return f"; did you mean {close[0]!r}?" if close else f"; use one of {', '.join(choices)}"


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
        raise InputError(
            f"cannot read the range {text!r}; write 2..8, 2..8:2 or 0.5..0.9:0.1"
        ) from None
    if not all(
        v.is_finite() and v.copy_abs() <= MAX_VALUE for v in (lo, hi, step)
    ):  # copy_abs: no context
        raise InputError(
            f"the range {text!r} is not made of finite numbers of at most {MAX_VALUE:,}; "
            "write 2..8, 2..8:2 or 0.5..0.9:0.1"
        )
    if step <= 0 or hi < lo:
        raise InputError(f"the range {text!r} is empty; write low..high with a positive step")
    if (hi - lo) / step >= MAX_POINTS:
        raise InputError(
            f"the range {text!r} has more than {MAX_POINTS:,} values; at most {MAX_POINTS:,}"
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
        raise InputError(f"--set {text!r}: write PATH=VALUES, e.g. agencies.ems.units=2..8")
    section, _, rest = path.partition(".")
    if section not in FIELDS:
        raise InputError(
            f"--set {text!r}: unknown section {section!r}{_guess(section, list(FIELDS))}"
        )
    target, _, field = rest.rpartition(".")
    ids = {
        "agencies": [a.id for a in scenario.agencies],
        "tasks": [t.id for t in scenario.tasks],
        "links": [f"{lk.from_}->{to}" for lk in scenario.links for to in lk.to],
    }[section]
    if target not in ids:
        raise InputError(
            f"--set {text!r}: unknown {section[:-1] if section != 'agencies' else 'agency'} "
            f"{target!r}{_guess(target, ids)}"
        )
    if field not in FIELDS[section]:
        raise InputError(
            f"--set {text!r}: cannot sweep {field!r}{_guess(field, list(FIELDS[section]))}"
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
            f"the grid has {points:,} points ({' x '.join(str(len(a.values)) for a in axes)}), over the "
            f"limit of {MAX_POINTS:,}; sweep fewer values, or fewer parameters at once"
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
        text = f"--set {axis.name}: the value {value} is refused: {message}"
        advice = f"use values of {axis.field} that a scenario file accepts"
        hint = hint.split(KEEP_BASE, 1)[0]  # a swept value cannot be left out
        hint = "" if hint == SAME_RULES else hint
    else:
        point = ", ".join(f"{a.name}={v}" for a, v in zip(axes, combo))
        text = f"--set: the grid point {point} is refused: {message}"
        advice = "leave this combination out of the --set values"
    return InputError(f"{text}\n    hint: {hint or advice}")
