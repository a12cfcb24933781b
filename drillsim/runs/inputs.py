"""A scenario file opened for simulation: loaded, checked, its warnings sorted, variants named.

Every command that simulates (run, timeline, analyze, compare, sweep, msel export) opens its
scenario here, so they check the same things and say the same about warnings; the command line
only prints what this returns.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

from drillsim.errors import InputError, Problem
from drillsim.i18n import Msg
from drillsim.scenario.loader import load_scenario_with_warnings
from drillsim.scenario.model import Scenario
from drillsim.scenario.variants import BASE


@dataclass(frozen=True, slots=True)
class Opened:
    """A checked scenario, with its warnings split by what they are about."""

    scenario: Scenario
    warnings: list[Problem]
    """About the scenario as written: shown every time it is used."""
    variant_warnings: list[Problem]
    """About what the variants change: counted only (``drillsim validate`` shows them)."""


def open_scenario(path: str | os.PathLike[str], variants: Sequence[str] = ()) -> Opened:
    """Load and check a scenario file, and check that every name in ``variants`` is one of its variants."""
    scenario, warnings = load_scenario_with_warnings(path)
    check_variants(scenario, variants)
    about_variants = [w for w in warnings if w.keys[:1] == ("variants",)]
    return Opened(scenario, [w for w in warnings if w not in about_variants], about_variants)


def check_variants(scenario: Scenario, variants: Sequence[str]) -> None:
    """Every name is a variant of the scenario (or ``base``, the scenario unchanged)."""
    known = [v.id for v in scenario.variants]
    for v in variants:
        if v not in known and v != BASE:
            raise InputError(
                Msg(
                    "runs.unknown_variant",
                    name=repr(v),
                    known=", ".join(known) or Msg("semantics.none"),
                )
            )


def with_all_variants(scenario: Scenario, variants: Sequence[str]) -> tuple[str, ...]:
    """The variants named, then every other variant of the scenario (``--all-variants``)."""
    return (*variants, *(v.id for v in scenario.variants if v.id not in variants))
