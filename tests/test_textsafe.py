"""The escaping functions of drillsim.textsafe: one property per output format.

No Markdown parser is installed in the project's environment (and none is added for a test), so the
Markdown properties check what a CommonMark parser would need to see to build structure: an
unescaped structural character, a line break, a ``<`` or a leading list marker; and that undoing
CommonMark's own escapes (backslash before punctuation, the three entities) gives back exactly the
characters the trainer typed.
"""

from __future__ import annotations

import ast
import re
import string
import unicodedata
from pathlib import Path
from urllib.parse import unquote

import docx
import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from drillsim.textsafe import (
    MAX_LINE,
    cell_text,
    is_formula,
    md_code,
    md_text,
    md_url,
    office_text,
    shown,
    terminal,
    uncell_text,
    visible,
)

HOSTILE = list(
    "\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85\x9b\r\n\t \u2028\u2029\ufffe\uffff\ufdd0\ud800\udfff"
    "\u202e\u2066\u200f\u200e＝﹦＋－＠=+-@'|#<>&`*_[]()!~$\\{}.:;\""
) + ["\U0010ffff", "\U0001fffe"]
"""Characters trainers' files really carry (terminal escapes, CR, Excel's full-width signs, bidi marks)
and the ones each format treats specially."""

texts = st.text(
    st.one_of(
        st.characters(exclude_categories=()),
        st.sampled_from(HOSTILE),
        st.sampled_from(list("Diễn tập 演练 مصنع 0123456789")),
    ),
    max_size=60,
)
"""Any text: every code point hypothesis draws (lone surrogates included), mixed with hostile ones."""

_MD_STRUCTURE = set("\\`*_[]#|~$!{}")


def _undo_markdown(s: str) -> str:
    """What a CommonMark renderer shows for escaped text: backslash escapes and entities undone."""
    s = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", s)
    return s.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _expected_visible(s: str) -> str:
    """The trainer's text as the report should show it: one line, whitespace runs as one space."""
    return " ".join(re.split(r"[\s\u2028\u2029\x85]+", visible(s))).strip()


@given(texts)
def test_markdown_text_shows_exactly_the_characters_and_builds_no_structure(s: str) -> None:
    out = md_text(s)
    assert "\n" not in out and "\r" not in out and "<" not in out and ">" not in out
    bare = re.sub(r"\\.", "", out)  # what is left once every escaped character is taken out
    assert not (_MD_STRUCTURE & set(bare)), out
    # No list item, setext underline, thematic break or ordered list can open (CommonMark §5.2:
    # a marker followed by a space or the end of the line; runs of - or =); "+5 pp" or "6.0" stay.
    assert not re.match(r"[-+=](?=[\s\-+=*_]|$)|\d{1,9}[.)](?=\s|$)", out), out
    assert "&" not in re.sub(r"&(lt|gt|amp);", "", bare)
    assert _undo_markdown(out) == _expected_visible(s)
    assert md_text(out) == out  # already escaped (MdSafe): never escaped twice


@given(texts, texts)
def test_markdown_cells_keep_a_table_row_whole(a: str, b: str) -> None:
    row = f"| {md_text(a)} | {md_text(b)} |"
    assert len(re.findall(r"(?<!\\)\|", re.sub(r"\\\\", "", row))) == 3  # only the row's own pipes


@given(texts)
def test_markdown_code_span_is_one_span(s: str) -> None:
    out = md_code(s)
    fence = re.match(r"`+", out).group()
    inner = out[len(fence) : -len(fence)]
    assert out.endswith(fence) and fence not in inner  # nothing inside closes the span early
    assert "\n" not in out and "\r" not in out


@given(texts)
def test_link_target_is_one_relative_path(s: str) -> None:
    out = md_url(s)
    assert re.fullmatch(r"[A-Za-z0-9_.~/%-]*", out), (
        out
    )  # no space, parenthesis, colon or angle bracket
    assert unquote(out, errors="strict") == visible(s)


@given(texts)
def test_office_text_is_storable_in_xml_docx_and_xlsx(s: str) -> None:
    out = office_text(s)
    etree.Element("p").text = out  # lxml refuses every character XML 1.0 forbids
    docx.Document().add_paragraph(out)
    openpyxl.Workbook().active.cell(1, 1, out)
    assert "\r" not in out
    if not re.search(
        r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef]|[\ufffe\uffff]"
        r"|[\U0001fffe\U0001ffff\U0010fffe\U0010ffff]",
        s,
    ):
        assert out == s.replace("\r\n", "\n").replace("\r", "\n")  # clean text is left alone


@pytest.mark.parametrize("ch", ["\x00", "\x01", "\x1b", "\ufffe", "\ud800", "\x85"])
def test_each_unsafe_character_is_replaced_visibly(ch: str) -> None:
    assert (
        office_text(f"a{ch}b") == f"a\\x{ord(ch):02x}b" if ord(ch) < 256 else f"a\\u{ord(ch):04x}b"
    )


@given(texts)
def test_csv_guard_round_trips_and_never_leaves_a_formula(s: str) -> None:
    guarded = cell_text(s)
    assert uncell_text(guarded) == s
    assert not is_formula(guarded)


@given(
    st.sampled_from(["=", "+", "-", "@", "＝", "﹦", "＋", "－", "＠"]),
    st.text(" \t\r\n\u3000\u00a0\u200b\ufeff", max_size=4),
    texts,
)
def test_formula_is_found_after_normalisation_and_leading_space(
    sign: str, lead: str, rest: str
) -> None:
    assert is_formula(lead + sign + rest)
    assert cell_text(lead + sign + rest).startswith("'")


@pytest.mark.parametrize("text", ["＝1+1", " =1+1", "\n=1+1", "\t=cmd", "\r\n@SUM(A1)", "\u3000=1"])
def test_the_reported_formula_bypasses_are_caught(text: str) -> None:
    assert is_formula(text) and cell_text(text) == "'" + text


@pytest.mark.parametrize("text", ["Diễn tập", "1+1=2", "H+0:35", "'quoted", "a=b", "演练 ＝ 测试"])
def test_plain_text_is_not_a_formula(text: str) -> None:
    assert not is_formula(text) and cell_text(text) == text


_TERMINAL_BAD = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


@given(texts, st.integers(1, 30))
def test_terminal_text_carries_no_control_sequence_and_no_long_line(s: str, repeat: int) -> None:
    out = terminal(s * repeat * 40)
    assert not _TERMINAL_BAD.search(out)
    assert all(len(line) <= MAX_LINE + 40 for line in out.split("\n"))
    assert terminal(out) == out


def test_a_window_title_sequence_is_shown_not_sent() -> None:
    assert terminal("x\x1b]0;pwned\x07y\x1b[2J") == "x\\x1b]0;pwned\\x07y\\x1b[2J"


def test_a_five_megabyte_value_costs_one_short_line() -> None:
    out = terminal("error: " + "k" * 5_000_000 + ": unknown field")
    assert len(out) < 1_000 and out.startswith("error: kkk") and out.endswith("unknown field")
    assert "4,999," in out  # says how much was left out
    one = shown("a\nb" * 1000, 50)
    assert "\n" not in one and len(one) < 100


@given(st.text(string.printable, max_size=200))
def test_plain_printable_text_passes_the_terminal_unchanged(s: str) -> None:
    expected = s.replace("\r", "\\x0d").replace("\x0b", "\\x0b").replace("\x0c", "\\x0c")
    assert terminal(s) == expected


def test_nfkc_is_the_normalisation_used() -> None:
    assert unicodedata.normalize("NFKC", "＝") == "="  # the full-width sign the guard missed


# -- each writer uses its format's function (a new call site cannot bypass it) ---------------------

PKG = Path(__file__).resolve().parents[1] / "drillsim"


def _calls(path: Path, names: set[str]) -> list[ast.Call]:
    return [
        n
        for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in names
    ]


def _wrapped(call: ast.Call, function: str) -> bool:
    """The call's first argument is ``function(...)`` itself."""
    first = call.args[0] if call.args else None
    return (
        isinstance(first, ast.Call)
        and isinstance(first.func, ast.Name)
        and first.func.id == function
    )


def test_every_cli_message_goes_through_the_terminal_filter() -> None:
    for path in (PKG / "cli").glob("*.py"):
        if path.name != "output.py":
            src = path.read_text(encoding="utf-8")
            assert not re.search(
                r"click\.s?echo\(|(?<![\w.])print\(|sys\.std(out|err)\.write", src
            ), path.name


def test_every_docx_text_goes_through_office_text() -> None:
    calls = _calls(PKG / "report" / "docx.py", {"add_paragraph", "add_heading", "add_run"})
    assert calls and all(_wrapped(c, "office_text") for c in calls)
    src = (PKG / "report" / "docx.py").read_text(encoding="utf-8")
    assert all(
        line.strip().endswith("= office_text(text)")
        for line in src.split("\n")
        if ".text =" in line
    )


def test_every_xlsx_cell_is_written_by_the_text_cell_function() -> None:
    tree = ast.parse((PKG / "msel" / "files.py").read_text(encoding="utf-8"))
    writer = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "_text_cell")
    inside = {id(n) for n in ast.walk(writer)}
    cells = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and n.func.attr == "cell"
        and id(n) not in inside
    ]
    assert not cells


def test_markdown_leaves_numbers_and_signs_that_open_no_structure() -> None:
    """'+20 pp' and '6.0' open no list in CommonMark; '- x', '+ x', '3. x', '==' and '--' would."""
    assert md_text("+20 pp") == "+20 pp" and md_text("6.0") == "6.0" and md_text("-5") == "-5"
    assert md_text("- x") == "\\- x" and md_text("+ x") == "\\+ x" and md_text("3. x") == "3\\. x"
    assert md_text("==") == "\\==" and md_text("--") == "\\--" and md_text("3)") == "3\\)"
