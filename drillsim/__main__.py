"""``python -m drillsim`` and the ``drillsim`` console script: the command line, stoppable from the start."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drillsim.stopping import run_console


def _command() -> Callable[[], Any]:
    # NOTE: imported here, under the stop handlers: the command line takes about 0.6 s to import,
    # and a Ctrl-C during that is then a clean stop, not a traceback.
    from drillsim.cli.main import cli

    return lambda: cli.main(prog_name="drillsim")


def main() -> None:
    """Console-script entry point."""
    run_console(_command)


if __name__ == "__main__":
    main()
