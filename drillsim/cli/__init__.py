"""The ``drillsim`` command line: wiring only; the commands call the library.

``cli`` is the click group (drillsim.cli.main adds every command to it); the console-script entry
point is :func:`drillsim.__main__.main`, which starts it under the stop handlers. Errors: a :class:`~drillsim.errors.DrillsimError` is printed on stderr
and exits with its code (1 invalid input, 3 simulation/internal); click usage errors exit 2;
Ctrl-C exits 130.
"""

from __future__ import annotations

from drillsim.cli.main import cli

__all__ = ["cli"]
