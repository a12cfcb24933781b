"""Parameter sweeps: a grid of variants built from ``--set path=values``, run under common random numbers.

Paths: ``agencies.<id>.<field>`` (units, duty_officers, handling, activation, travel),
``links.<from>-><to>.<field>`` (delay, reliability, retry, attempts), ``tasks.<id>.<field>``
(units, duration, per_casualty). Values: ``2..8`` (integers, inclusive), ``2..8:2`` (step),
``0.5..0.9:0.1`` (decimals), or a comma list ``1m,2m,5m``.
"""

from __future__ import annotations

import difflib
import itertools
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from drillsim.errors import InputError
from drillsim.scenario import Scenario, Variant

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
        raise InputError(f"cannot read the range {text!r}; write 2..8, 2..8:2 or 0.5..0.9:0.1") from None
    if not all(v.is_finite() and v.copy_abs() <= MAX_VALUE for v in (lo, hi, step)):  # copy_abs: no context
        raise InputError(f"the range {text!r} is not made of finite numbers of at most {MAX_VALUE:,}; "
                         "write 2..8, 2..8:2 or 0.5..0.9:0.1")
    if step <= 0 or hi < lo:
        raise InputError(f"the range {text!r} is empty; write low..high with a positive step")
    if (hi - lo) / step >= MAX_POINTS:
        raise InputError(f"the range {text!r} has more than {MAX_POINTS:,} values; at most {MAX_POINTS:,}")
    count = int((hi - lo) / step) + 1
    vals = [lo + i * step for i in range(count)]
    integral = all(v == v.to_integral_value() for v in vals) and "." not in lo_text + hi_text + step_text
    return tuple(int(v) if integral else float(v) for v in vals)


def parse_set(text: str, scenario: Scenario) -> Axis:
    """Read one ``--set path=values`` option against the scenario's ids and fields."""
    path, eq, values = text.partition("=")
    if not eq or not values:
        raise InputError(f"--set {text!r}: write PATH=VALUES, e.g. agencies.ems.units=2..8")
    section, _, rest = path.partition(".")
    if section not in FIELDS:
        raise InputError(f"--set {text!r}: unknown section {section!r}{_guess(section, list(FIELDS))}")
    target, _, field = rest.rpartition(".")
    ids = {"agencies": [a.id for a in scenario.agencies], "tasks": [t.id for t in scenario.tasks],
           "links": [f"{lk.from_}->{to}" for lk in scenario.links for to in lk.to]}[section]
    if target not in ids:
        raise InputError(f"--set {text!r}: unknown {section[:-1] if section != 'agencies' else 'agency'} "
                         f"{target!r}{_guess(target, ids)}")
    if field not in FIELDS[section]:
        raise InputError(f"--set {text!r}: cannot sweep {field!r}{_guess(field, list(FIELDS[section]))}")
    vals = _numbers(values) if ".." in values else tuple(v.strip() for v in values.split(",") if v.strip())
    return Axis(section, target, field, vals)


def grid(scenario: Scenario, axes: list[Axis]) -> list[tuple[tuple[Any, ...], Variant]]:
    """Every combination of the axes' values as a variant (validated like a variant in a file)."""
    points = 1
    for a in axes:
        points *= max(1, len(a.values))
    if points > MAX_POINTS:
        raise InputError(f"the grid has {points:,} points ({' x '.join(str(len(a.values)) for a in axes)}), over the "
                         f"limit of {MAX_POINTS:,}; sweep fewer values, or fewer parameters at once")
    out = []
    for combo in itertools.product(*(a.values for a in axes)):
        changes: dict[str, Any] = {}
        for axis, value in zip(axes, combo):
            if axis.section == "links":
                src, dst = axis.target.split("->", 1)
                changes.setdefault("change_links", []).append({"from": src, "to": dst, axis.field: value})
            else:
                key = "change_agencies" if axis.section == "agencies" else "change_tasks"
                changes.setdefault(key, {}).setdefault(axis.target, {})[axis.field] = value
        label = ",".join(f"{a.field}={v}" for a, v in zip(axes, combo))
        vid = "sweep-" + "-".join(str(v).replace(".", "p") for v in combo)
        try:
            variant = Variant.model_validate({"id": vid[:64], "description": label, **changes})
        except ValidationError as exc:
            first = exc.errors()[0]
            raise InputError(f"sweep value {label}: {first['msg']}") from None
        out.append((combo, variant))
    return out
