"""``python -m drillsim`` and the ``drillsim`` console script: the command line, stoppable from the start."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drillsim.stopping import run_console


def _command() -> Callable[[], Any]:
    from drillsim.cli.main import cli  # imported under the stop handlers: a Ctrl-C here is no traceback

    return lambda: cli.main(prog_name="drillsim")


def main() -> None:
    """Console-script entry point."""
    run_console(_command)


if __name__ == "__main__":
    main()
