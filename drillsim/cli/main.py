"""The ``drillsim`` command group: each command lives in its own module and is added here.

Command modules never import this module or the ``drillsim.cli`` package's names; they share
options (drillsim.cli.options), printing (drillsim.cli.output) and folder locks (drillsim.cli.hold).

Errors: a :class:`~drillsim.errors.DrillsimError` is printed on stderr and exits with its code
(1 invalid input, 3 simulation/internal); click usage errors exit 2; Ctrl-C exits 130.
"""

from __future__ import annotations

import errno
import os
import sys
import traceback
import warnings
from typing import Any

import click

from drillsim import __version__
from drillsim.cli import analyze, compare, msel, new, report, run, sweep, timeline, validate
from drillsim.cli.output import Reader, echo, language
from drillsim.errors import DrillsimError
from drillsim.i18n import Msg
from drillsim.stopping import exit_code

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class DrillsimGroup(click.Group):
    """Turns drillsim errors into a message and an exit code; never a traceback."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        Reader.reset()
        with warnings.catch_warnings():
            warnings.showwarning = (
                _show_warning  # a library's warning quoting a name is terminal-safe too
            )
            return super().main(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DrillsimError as exc:
            echo(exc.render(language(getattr(exc, "language", None))), err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except BrokenPipeError:
            # The reader went away (`drillsim ... | head`): stop quietly, as Unix tools do.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            ctx.exit(0)
        except KeyboardInterrupt as exc:  # Ctrl-C or SIGTERM (drillsim.stopping): 130 or 143
            echo(Msg("cli.interrupted"), err=True)
            ctx.exit(exit_code(exc))
        except OSError as exc:
            echo(_os_error_message(exc), err=True)
            ctx.exit(1 if exc.errno in _PATH_ERRORS else 3)
        except Exception as exc:  # noqa: BLE001 - last line of defence: a message, not a traceback
            if os.environ.get("DRILLSIM_DEBUG"):
                traceback.print_exc()
            echo(Msg("cli.internal_error", kind=type(exc).__name__, reason=str(exc)), err=True)
            ctx.exit(3)


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: Any = None,
    line: str | None = None,
) -> None:
    """Python's warning display, through the terminal-safe ``echo``."""
    echo(warnings.formatwarning(message, category, filename, lineno, line).rstrip("\n"), err=True)


_PATH_ERRORS = {
    errno.EACCES,
    errno.EPERM,
    errno.ENOENT,
    errno.ENOTDIR,
    errno.EISDIR,
    errno.EROFS,
    errno.EEXIST,
    errno.ENAMETOOLONG,
    errno.ELOOP,
}
"""OS errors about a path the user gave (exit 1, invalid input); others (a full disk) exit 3."""


def _os_error_message(exc: OSError) -> Msg:
    """A file cannot be read or written (permissions, a missing folder, a full disk).

    The reason is the operating system's own words (``Permission denied``), as it gives them.
    """
    reason = exc.strerror or str(exc)
    where = Msg("cli.os_error.where", file=str(exc.filename)) if exc.filename else ""
    hint = Msg("cli.os_error.path") if exc.errno in _PATH_ERRORS else Msg("cli.os_error.disk")
    return Msg("cli.os_error", where=where, reason=reason, hint=hint)


@click.group(cls=DrillsimGroup, context_settings=CONTEXT)
@click.version_option(__version__, "--version", prog_name="drillsim")
def cli() -> None:
    """Design and simulate tabletop drills and exercises.

    Write the drill as a scenario file, check it, run thousands of simulated responses,
    find where the response stalls, and produce an after-action report.

    \b
    Example:
      drillsim validate scenarios/lai-chau-hydropower.yaml
      drillsim timeline scenarios/lai-chau-hydropower.yaml
      drillsim run scenarios/lai-chau-hydropower.yaml -n 1000
    """


for _command in (
    validate.validate,
    validate.schema,
    new.new,
    timeline.timeline,
    run.run,
    report.report,
    report.chart,
    analyze.analyze,
    compare.compare,
    sweep.sweep,
    msel.msel,
):
    cli.add_command(_command)
