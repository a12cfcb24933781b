"""Every text drillsim shows a person comes from the message catalogue (drillsim.i18n).

The code is read, not run: a located problem (``Problem``), its hint, a drillsim error raised
for a user, a click error and every ``echo`` of the command line must be given a ``Msg`` (or a
value computed elsewhere), never English written in place as a string or an f-string. A
validator's ``ValueError`` in the scenario stage becomes a located problem, so it too. The last
test shows the check finds each kind of bare text in a small module.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from drillsim import errors, folders
from drillsim.runs import models

ROOT = Path(__file__).resolve().parents[1] / "drillsim"

USER_ERRORS = {
    cls.__name__
    for module in (errors, folders, models)
    for cls in vars(module).values()
    if isinstance(cls, type) and issubclass(cls, errors.DrillsimError)
} | {"BadParameter", "UsageError", "ClickException", "FileError"}
"""Exceptions whose message a user reads: drillsim's own and click's."""


def _bare(node: ast.AST | None) -> bool:
    """True for English written in place: a non-empty string, an f-string, text + text."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and node.value.strip() != ""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _bare(node.left) or _bare(node.right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr == "format" and _bare(node.func.value)
    return False


def _name(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _texts(call: ast.Call, name: str) -> list[ast.AST | None]:
    """The arguments of ``call`` that a person reads."""
    keyword = {k.arg: k.value for k in call.keywords}
    first = call.args[0] if call.args else keyword.get("message")
    if name == "Problem":
        return [first, keyword.get("hint")]
    return [first]


def bare_texts(source: str, filename: str, *, scenario_stage: bool = False) -> list[str]:
    """``file:line: name`` of every bare text in ``source``."""
    found = []
    tree = ast.parse(source, filename)
    for node in ast.walk(tree):
        call, name = None, ""
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            call, name = node.exc, _name(node.exc.func)
            wanted = name in USER_ERRORS or (scenario_stage and name == "ValueError")
        elif isinstance(node, ast.Call):
            call, name = node, _name(node.func)
            wanted = name in ("Problem", "echo", "fail", "secho")
        else:
            continue
        if wanted and any(_bare(arg) for arg in _texts(call, name)):
            found.append(f"{filename}:{node.lineno}: {name}")
    return found


def _modules() -> list[Path]:
    return sorted(ROOT.rglob("*.py"))


def test_every_shown_text_is_a_catalogue_message() -> None:
    found = []
    for path in _modules():
        rel = path.relative_to(ROOT.parent).as_posix()
        found += bare_texts(
            path.read_text(encoding="utf-8"),
            rel,
            scenario_stage=rel.startswith("drillsim/scenario/"),
        )
    assert not found, f"{len(found)} texts not in the catalogue:\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ('Problem("unknown agency")', "Problem"),
        ('Problem(Msg("k"), hint=f"add {x}")', "Problem"),
        ('raise InputError(f"cannot read {path}")', "InputError"),
        ('raise click.BadParameter("not a time " + text)', "BadParameter"),
        ('echo("wrote {}".format(out))', "echo"),
        ('self.fail("bad")', "fail"),
    ],
)
def test_the_check_finds_bare_text(code: str, expected: str) -> None:
    assert bare_texts(code, "m.py") == [f"m.py:1: {expected}"]


@pytest.mark.parametrize(
    "code",
    [
        'Problem(Msg("scenario.unknown_agency", name=x), hint=Msg("scenario.hint"))',
        "raise InputError(message)",
        'echo("")',
        'raise ValueError("internal")',
        'raise KeyError(f"{x}")',
    ],
)
def test_the_check_passes_catalogue_messages(code: str) -> None:
    assert bare_texts(code, "m.py") == []


def test_a_validator_error_counts_in_the_scenario_stage() -> None:
    code = 'raise ValueError(f"negative duration {v}")'
    assert bare_texts(code, "m.py", scenario_stage=True) == ["m.py:1: ValueError"]
