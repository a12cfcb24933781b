"""Options shared by several commands, declared once so their checks and help agree."""

from __future__ import annotations

import click

seed_option = click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=None,
    help="Run seed, 0 or more (default: the scenario's seed).",
)
"""``--seed``: negative seeds are refused by click as a usage error (exit 2)."""

workers_option = click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Local processes, 1 or more (default: the machine's cores).",
)
"""``--workers``: at least one process."""


class ClockTime(click.ParamType):
    """A clock time of day (``08:00``, ``8h00``) given as seconds since midnight."""

    name = "HH:MM"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        if isinstance(value, float):
            return value
        from drillsim.msel.times import start_seconds

        try:
            return start_seconds(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)
