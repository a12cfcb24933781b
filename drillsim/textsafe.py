"""One escaping rule per output format, each in one function: the only way scenario text leaves drillsim.

A trainer's file may hold anything: control characters pasted from a terminal, ``<img onerror=...>``
typed into a title, ``=HYPERLINK(...)`` in an inject, a carriage return from an old Mac export.
Each writer passes every value it did not write itself through the function for its format:

* :func:`visible` / :func:`office_text`: control characters, noncharacters and lone surrogates become
  visible escapes (``\\x01``) that any XML document, spreadsheet cell or chart label can hold;
* :func:`md_text`, :func:`md_code`, :func:`md_url`: Markdown text, code spans and link targets;
* :func:`is_formula`, :func:`cell_text`, :func:`uncell_text`: CSV and XLSX cells that a spreadsheet
  would run as a formula (after Unicode NFKC normalisation and leading whitespace);
* :func:`terminal`, :func:`shown`: what is printed on a terminal (no escape sequence, long values cut).

HTML goes through Jinja's autoescaping (markupsafe), which escapes ``<>&"'`` in text and attributes.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from markupsafe import Markup

from drillsim.i18n import Msg, Number, said

__all__ = [
    "MdSafe",
    "cell_text",
    "html_finalize",
    "is_formula",
    "md_code",
    "md_finalize",
    "md_join",
    "md_text",
    "md_url",
    "office_text",
    "shown",
    "terminal",
    "uncell_text",
    "visible",
]

# -- characters no document should carry raw ------------------------------------------------------

_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
)
_UNSAFE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff{_NONCHARACTERS}]")
"""C0 controls except tab, newline and carriage return; DEL and C1 controls (``\\x85``, ``\\x9b`` CSI);
lone surrogates; Unicode noncharacters (``\\ufffe``). XML 1.0 refuses most of them outright."""

_BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
"""Bidirectional embeddings, overrides and isolates: they reorder what a terminal shows
("Trojan Source", Boucher and Anderson 2021). Plain marks (U+200E, U+200F) stay: they only attach a
direction to neutral characters and RTL text needs them."""

_TERMINAL_UNSAFE = re.compile(
    f"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff{_NONCHARACTERS}{_BIDI_CONTROLS}]"
)
"""What never reaches a terminal: every control but tab and newline (ESC starts window-title and
clear-screen sequences, CR overwrites the line), and the bidirectional overrides."""


def _escape_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    return (
        f"\\x{code:02x}"
        if code < 0x100
        else f"\\u{code:04x}"
        if code < 0x10000
        else f"\\U{code:08x}"
    )


def visible(text: object) -> str:
    """The text with each unsafe character (see ``_UNSAFE``) written as a visible escape such as ``\\x1b``.

    The escape keeps what was there readable (a trainer can find and remove it) where a silent
    removal would hide it and U+FFFD would not say which character it was.
    """
    return _UNSAFE.sub(_escape_char, str(text))


def office_text(text: object) -> str:
    """Text for a DOCX paragraph, an XLSX cell or a chart label: unsafe characters visible, line ends ``\\n``."""
    return visible(str(text).replace("\r\n", "\n").replace("\r", "\n"))


# -- Markdown -------------------------------------------------------------------------------------


class MdSafe(str):
    """Markdown already escaped for its place (the Markdown counterpart of markupsafe's ``Markup``)."""

    __slots__ = ()


_MD_SPACE = re.compile(r"[\s\u2028\u2029\x85]+")
"""Runs of whitespace, line breaks of every kind included: a field never starts a new block."""

_MD_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
"""Inline HTML is impossible without ``<``; ``&`` escaped keeps entities such as ``&#60;`` as typed."""

_MD_PUNCT = re.compile(r"[\\`*_\[\]#|~$!{}]")
"""Characters that start emphasis, code, links, images, headings, tables, strikethrough or maths
anywhere in a line (escaped with a backslash, which CommonMark allows before any ASCII punctuation)."""

_MD_LEADING = re.compile(r"^(?:([-+=])(?=[\s\-+=*_]|$)|(\d{1,9})([.)])(?=\s|$))")
"""Markers that only count at the start of a line: list items (a marker then a space or the end),
setext underlines and thematic breaks (runs of ``-``/``=``), ordered lists (``3.`` or ``3)`` then a
space or the end). ``+5 pp`` or ``6.0`` opens no list (CommonMark 0.31, §5.2), so it is left as is."""


def md_text(text: object) -> MdSafe:
    """Scenario or run-folder text as Markdown inline text: shown exactly, never read as structure.

    Line breaks and tabs become one space (a ``\\r`` would end a table row or start a heading), inline
    HTML and entities are written as entities, Markdown punctuation is backslash-escaped, and a
    leading list or underline marker is escaped too (a field may open a line). Idempotent on MdSafe.
    """
    if isinstance(text, MdSafe):
        return text
    s = _MD_SPACE.sub(" ", visible(text)).strip()
    s = _MD_PUNCT.sub(lambda m: "\\" + m.group(), s)
    s = "".join(_MD_ENTITIES.get(ch, ch) for ch in s)
    s = _MD_LEADING.sub(
        lambda m: "\\" + m.group(1) if m.group(1) else f"{m.group(2)}\\{m.group(3)}", s
    )
    return MdSafe(s)


def md_code(text: object) -> MdSafe:
    """Text as a Markdown code span (a hash, an id): fenced by more backticks than it holds.

    Backslash escapes do not work inside code spans; the fence does, and only ``|`` needs
    escaping there (GitHub tables split on it even inside code).
    """
    s = _MD_SPACE.sub(" ", visible(text)).strip().replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", s)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if s.startswith("`") or s.endswith("`") or not s else ""
    return MdSafe(f"{fence}{pad}{s}{pad}{fence}")


def md_url(target: object) -> MdSafe:
    """A link or image target: percent-encoded, so no space, parenthesis or scheme can end or redirect it.

    ``/`` is kept (relative paths such as ``charts/gantt.png``); ``:`` is encoded, so a target is
    always a relative path and never ``javascript:``.
    """
    return MdSafe(quote(visible(target), safe="/"))


def md_join(items: object, separator: str = "") -> MdSafe:
    """Jinja's ``join`` for Markdown: each item escaped (unless already MdSafe), joined by the template's separator."""
    if isinstance(items, str):
        items = [items]
    return MdSafe(separator.join(md_text(x) for x in items))  # type: ignore[attr-defined]


def md_finalize(value: object) -> object:
    """Jinja ``finalize`` for the Markdown report: every ``{{ ... }}`` is Markdown text unless MdSafe.

    This is the Markdown report's autoescape policy: a field inserted without a filter is escaped,
    as Jinja's HTML autoescaping does for the HTML report.
    """
    return md_text(value)


def html_finalize(value: object) -> object:
    """Jinja ``finalize`` for the HTML report: unsafe characters visible before autoescaping.

    Autoescaping (markupsafe) then escapes ``<>&"'``; a control character would otherwise stay raw
    in the file (a browser drops or replaces it, a terminal showing the file would obey it).
    """
    if isinstance(value, Markup):
        return Markup(visible(value))
    return visible(value) if isinstance(value, str) else value


# -- spreadsheet cells (CSV and XLSX) -------------------------------------------------------------

FORMULA_START = ("=", "+", "-", "@")
"""Cell text a spreadsheet may run as a formula (OWASP "CSV injection"), looked for after NFKC
normalisation (``＝`` is ``=``) and after leading whitespace, line breaks and format characters."""

_RAW_START = ("\t", "\r", "\n")
"""Leading characters the guard refuses as they are, before any stripping (OWASP lists tab and CR)."""


def is_formula(text: object) -> bool:
    """True when a spreadsheet opening the cell could take this text for a formula."""
    if not isinstance(text, str):
        return False
    if text.startswith(_RAW_START):
        return True
    s = unicodedata.normalize("NFKC", text)
    i = 0
    while i < len(s) and (s[i].isspace() or unicodedata.category(s[i]) == "Cf"):
        i += 1
    return s[i:].startswith(FORMULA_START)


def _needs_guard(text: str) -> bool:
    """A formula, or text whose leading apostrophes :func:`uncell_text` would otherwise take away."""
    return is_formula(text.lstrip("'"))


def cell_text(value: object) -> object:
    """A CSV cell: text that looks like a formula gets a leading apostrophe (shown, never run).

    The apostrophe is also added to text that already starts with apostrophes before a formula, so
    :func:`uncell_text` gives back exactly what was written. Non-text values pass unchanged.
    """
    return f"'{value}" if isinstance(value, str) and _needs_guard(value) else value


def uncell_text(text: str) -> str:
    """The text :func:`cell_text` protected, as it was (for reading drillsim's own CSV files back)."""
    return text[1:] if text.startswith("'") and _needs_guard(text[1:]) else text


# -- the terminal ---------------------------------------------------------------------------------

MAX_LINE = 1_000
"""Longest line printed whole; a longer one keeps its start and end (a 5 MB key is not echoed)."""

_HEAD, _TAIL = 600, 200


def terminal(text: object, max_line: int = MAX_LINE, lang: str = "en") -> str:
    """Text for a terminal: controls other than tab and newline shown as escapes, long lines cut.

    Every message drillsim prints passes through here once (``drillsim.cli.output.echo``): titles,
    ids and file names quoted in errors cannot change the window title, clear the screen or move
    the cursor, and a huge value costs a line, not megabytes. A cut line says so in ``lang``.
    """
    s = _TERMINAL_UNSAFE.sub(_escape_char, said(text, lang))
    return "\n".join(_cut_line(line, max_line, lang) for line in s.split("\n"))


def _cut_line(line: str, max_line: int, lang: str) -> str:
    if len(line) <= max_line:
        return line
    head, tail = min(_HEAD, max_line // 2), min(_TAIL, max_line // 4)
    cut = Msg("textsafe.characters_cut", n=Number(len(line) - head - tail, grouped=True))
    return f"{line[:head]} … [{cut.say(lang)}] … {line[len(line) - tail :]}"


def shown(value: object, limit: int = 80) -> str:
    """One user value quoted inside a message: on one line (newlines visible), at most ``limit`` characters.

    A cut value is a :class:`~drillsim.i18n.Msg` (its English text), so the words saying how much
    was cut are said in the reader's language where the value is a message's field.
    """
    s = _TERMINAL_UNSAFE.sub(_escape_char, str(value)).replace("\n", "\\n").replace("\t", "\\t")
    if len(s) <= limit:
        return s
    return Msg("textsafe.more_characters", text=s[:limit], n=Number(len(s) - limit, grouped=True))
