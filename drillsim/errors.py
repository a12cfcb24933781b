"""Error types. Exceptions carry data; only the CLI turns them into text and exit codes.

Exit codes (documented in README): 0 success, 1 invalid input, 2 usage error,
3 simulation or internal error.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import Literal

from drillsim.i18n import Msg, said
from drillsim.textsafe import shown, terminal

Severity = Literal["error", "warning"]

FieldPath = tuple[str | int, ...]
"""A field's place in a scenario's data: keys of mappings and indexes of lists, such as
``("tasks", 3, "after", 0)`` (``from`` for the ``from_`` field)."""

MAX_SHOWN = 200
"""Longest file name or field path shown whole in a problem (the rest is counted, not printed)."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong (or suspicious) in a scenario, located so a trainer can fix it.

    Attributes:
        message: What is wrong, in plain words.
        file: The scenario file, or None for a scenario built in memory.
        line: 1-based line of the offending value, when known.
        column: 1-based column, when known.
        path: Field path as shown, such as ``agencies[2] (police_hq).units``; given ``keys``
            alone, their plain form ``agencies[2].units``; a ``Msg`` (an MSEL cell's place,
            ``cell B2 (Time)``) is said in the reader's language.
        hint: What is accepted, or how to fix it.
        severity: ``error`` stops the run; ``warning`` is reported and the run goes on.
        unknown_name: The problem is a name that refers to nothing (an unknown agency, task,
            zone...): a variant that removes the thing makes such a reference a deliberate
            what-if, so the variant check reads this instead of the message's words.
        keys: The field's path as keys and indexes, for the code that finds its line (the
            semantic checks give it; nothing parses ``path`` back).
    """

    message: str
    """What is wrong: a :class:`~drillsim.i18n.Msg` (plain text reads the same in every language)."""
    file: str | None = None
    line: int | None = None
    column: int | None = None
    path: str = ""
    hint: str = ""
    severity: Severity = "error"
    unknown_name: bool = False
    keys: FieldPath = ()

    def __post_init__(self) -> None:
        if self.keys and not self.path:
            object.__setattr__(self, "path", dotted(self.keys))

    def format(self, lang: str = "en") -> str:
        """Render as ``file:line:col: error: path: message (hint)``, the compiler style editors parse.

        ``message`` and ``hint`` are said in ``lang`` when they are a :class:`~drillsim.i18n.Msg`,
        and so are the words ``error``, ``warning`` and ``hint``. The file name and the field path are user text: each is shown on one line, cut when long
        (a 5 MB key costs a line), and the whole text passes through ``textsafe.terminal``.
        """
        where = said(shown(self.file, MAX_SHOWN), lang) if self.file else "<scenario>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: {said(SEVERITY_WORDS[self.severity], lang)}: "
        if self.path:
            text += f"{said(shown(said(self.path, lang), MAX_SHOWN), lang)}: "
        text += said(self.message, lang)
        if self.hint:
            text += f"\n    {said(HINT, lang)}: {said(self.hint, lang)}"
        return terminal(text, lang=lang)


SEVERITY_WORDS: dict[Severity, Msg] = {
    "error": Msg("problem.error"),
    "warning": Msg("problem.warning"),
}
HINT = Msg("problem.hint")
REPLAY = Msg("error.replay")


def dotted(keys: FieldPath) -> str:
    """``('tasks', 3, 'after', 0)`` as ``tasks[3].after[0]``."""
    out = ""
    for key in keys:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else key)
    return out


class DrillsimError(Exception):
    """Root of every error drillsim reports to a user (never a traceback)."""

    exit_code = 3

    def render(self, lang: str = "en") -> str:
        """The text the CLI prints on stderr, in ``lang`` (the message is a ``Msg``, or plain text)."""
        return f"{said(SEVERITY_WORDS['error'], lang)}: {self.said(lang)}"

    def said(self, lang: str) -> str:
        """The error's message in ``lang``."""
        return said(self.args[0], lang) if len(self.args) == 1 else str(self)


class ScenarioError(DrillsimError):
    """The scenario file cannot be used: one or more located problems."""

    exit_code = 1

    def __init__(self, problems: list[Problem], *, language: str | None = None) -> None:
        self.problems = list(problems)
        self.language = language
        """The scenario's own language when it could be read, for the CLI's default."""
        super().__init__(Msg("problem.errors_in_scenario", errors=len(self.errors)))

    @property
    def errors(self) -> list[Problem]:
        """Only the problems of severity ``error``."""
        return [p for p in self.problems if p.severity == "error"]

    def render(self, lang: str = "en") -> str:
        """Every problem, one block each, then a count."""
        lines = [p.format(lang) for p in self.problems]
        n_err = len(self.errors)
        n_warn = len(self.problems) - n_err
        lines.append(Msg("problem.count", errors=n_err, warnings=n_warn).say(lang))
        return "\n".join(lines)


class InputError(DrillsimError):
    """Some other input (results folder, CSV, spreadsheet, option value) is unusable."""

    exit_code = 1


class ResultsFormatError(InputError):
    """A results file is truncated, corrupt, or written by an incompatible drillsim version."""


class OutputExistsError(InputError):
    """An output would overwrite earlier work; the user must pass --force."""


class LimitError(InputError):
    """A request exceeds a protective limit (replications, agencies, events); says how to raise it."""


class SimulationError(DrillsimError):
    """A replication failed inside the engine; carries the seed so it can be replayed."""

    exit_code = 3

    def __init__(
        self,
        message: str,
        *,
        seed: int | None = None,
        replication: int | None = None,
        variant: str | None = None,
        file: str | None = None,
    ) -> None:
        self.seed = seed
        self.replication = replication
        self.variant = variant
        self.file = file
        super().__init__(message)

    def render(self, lang: str = "en") -> str:
        """Message plus the command that replays the failing replication."""
        text = Msg("error.simulation_failed", reason=self.said(lang)).say(lang)
        text = f"{said(SEVERITY_WORDS['error'], lang)}: {text}"
        if self.seed is not None:
            text += f"\n    {said(REPLAY, lang)}: " + replay_command(
                self.file or "FILE", self.seed, self.replication, self.variant
            )
        return text


def replay_command(
    file: str, seed: int, replication: int | None = None, variant: str | None = None
) -> str:
    """The command that runs one replication again, exactly (its timeline and, with --log, its log)."""
    text = f"drillsim timeline {shlex.quote(file)} --seed {seed}"
    if replication is not None:
        text += f" --replication {replication}"
    if variant and variant != "base":
        text += f" --variant {shlex.quote(variant)}"
    return text
