"""Every text a reader sees, in English, Vietnamese and Chinese: one gettext catalogue.

The messages live in ``locale/{en,vi,zh}/LC_MESSAGES/drillsim.po`` (template ``drillsim.pot``),
compiled to the ``.mo`` files next to them and read with the standard library's ``gettext``.
docs/translating.md says how to add or change a message.

msgids are stable keys, not English sentences: the code already keyed its texts that way
(``"overview"``, a finding's ``"desk"``/``"title"``, a chart's ``"time_min"``) and analysis.json
stores finding keys, so keys keep every caller and stored result valid, and a change of English
wording does not invalidate the Vietnamese and Chinese entries. ``en.po`` therefore holds the
English text. The report's keys are bare (``"overview"``); every other stage's keys carry the
stage as a prefix, because the old tables reused names (``chart.target``, ``category.link``,
``finding.desk.title``, ``capability.Planning``, ``target_kind.bank``). Texts are
``str.format`` templates with ``{name}`` fields.

A language without a message, and a language we do not know, read English, as before.
"""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path
from typing import Any, Self

__all__ = ["LANGUAGES", "N_", "Msg", "Msgn", "Number", "has", "number", "plural", "said", "say"]

LANGUAGES: tuple[str, ...] = ("en", "vi", "zh")
"""Report, chart and CLI languages; English is the fallback."""

DOMAIN = "drillsim"
LOCALE_DIR = Path(__file__).parent / "locale"


def N_(msgid: str) -> str:
    """``msgid`` itself: marks a key that the code looks up later under a computed name."""
    return msgid


@cache
def _catalogue(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``lang``, falling back to English for a missing message."""
    english = _read("en")
    if lang == "en":
        return english
    local = _read(lang)
    local.add_fallback(english)
    return local


def _read(lang: str) -> gettext.GNUTranslations:
    with open(LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo", "rb") as fp:
        return gettext.GNUTranslations(fp)


def _for(lang: str) -> gettext.NullTranslations:
    return _catalogue(lang if lang in LANGUAGES else "en")


def say(lang: str, msgid: str, /, **fields: object) -> str:
    """Message ``msgid`` in ``lang``, its ``{name}`` fields filled from ``fields``.

    Without fields the text is returned as written; a field the text names but ``fields`` lacks
    reads as empty (an analysis.json written before that field existed still renders).
    """
    raw = _for(lang).gettext(msgid)
    return raw.format_map(_Blank(fields)) if fields else raw


def plural(lang: str, msgid: str, msgid_plural: str, n: int, /, **fields: object) -> str:
    """Message ``msgid`` in the form for the number ``n`` (the language's Plural-Forms rule).

    ``n`` is also available to the text as the field ``{n}``.
    """
    raw = _for(lang).ngettext(msgid, msgid_plural, n)
    return raw.format_map(_Blank({"n": n, **fields}))


def has(msgid: str) -> bool:
    """True when the catalogue has ``msgid`` (for values of a fixed vocabulary that may be new)."""
    try:
        _probe().gettext(msgid)
    except KeyError:
        return False
    return True


@cache
def _probe() -> gettext.GNUTranslations:
    """The English catalogue, raising ``KeyError`` for a message it lacks."""
    english = _read("en")
    english.add_fallback(_Missing())
    return english


class _Missing(gettext.NullTranslations):
    def gettext(self, message: str) -> str:
        raise KeyError(message)


class Msg(str):
    """A message for a reader: its English text, plus the key and fields that give it in any language.

    Stages below the command line do not know the reader's language, so their errors, problems
    and hints carry a ``Msg``; the command line shows it with ``msg.say(lang)``. A ``Msg`` *is*
    its English text (a ``str``), so code and tests that read ``str(error)`` or compare a
    problem's message keep working, and a field that is itself a ``Msg`` is said in the same
    language. Fields are shown in the language's form: an ``int`` of five digits or more and any
    ``float`` get its decimal mark and thousands separator. Pass identifiers that are numbers
    (a seed, a line, a year) as ``str``, so they are never grouped.
    """

    key: str
    fields: dict[str, object]
    plural_key: str | None
    n: int | None

    def __new__(cls, key: str, /, **fields: object) -> Self:
        return cls._make(key, None, None, fields)

    @classmethod
    def _make(
        cls, key: str, plural_key: str | None, n: int | None, fields: dict[str, object]
    ) -> Self:
        self = str.__new__(cls, _said("en", key, plural_key, n, fields))
        self.key, self.plural_key, self.n, self.fields = key, plural_key, n, fields
        return self

    def say(self, lang: str) -> str:
        """The message in ``lang`` (English for a language or a message the catalogue lacks)."""
        return _said(lang, self.key, self.plural_key, self.n, self.fields)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # Errors cross process boundaries (a replication failing in a worker): keep key and fields.
        return (Msg._make, (self.key, self.plural_key, self.n, self.fields))


class Number(Msg):
    """A number quoted in a message, in the language's form, where an ``int``/``float`` field
    would not do: as Python writes it (``1.0``, ``10000``: a bound or a value the reader compares
    with the file) with the language's decimal mark (``1,0`` in Vietnamese), or ``grouped``
    (a whole number: ``4,000`` in English, ``4.000`` in Vietnamese) whatever its size."""

    def __new__(cls, value: float, /, *, grouped: bool = False) -> Self:
        self = str.__new__(cls, _number_text(value, "en", grouped))
        self.key, self.plural_key, self.n = "", None, None
        self.fields = {"value": value, "grouped": grouped}
        return self

    def say(self, lang: str) -> str:
        return _number_text(self.fields["value"], lang, bool(self.fields["grouped"]))  # type: ignore[arg-type]

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return (_number_again, (self.fields["value"], self.fields["grouped"]))


def _number_again(value: float, grouped: bool) -> Number:
    return Number(value, grouped=grouped)


def _number_text(value: float, lang: str, grouped: bool) -> str:
    if grouped and isinstance(value, int):
        return number(value, lang, 0)
    point = DECIMAL_MARKS.get(lang, DECIMAL_MARKS["en"])[0]
    return str(value).replace(".", point)


def Msgn(key: str, plural_key: str, n: int, /, **fields: object) -> Msg:
    """A ``Msg`` whose words follow the number ``n`` (``1 error``, ``2 errors``); ``{n}`` is a field."""
    return Msg._make(key, plural_key, n, fields)


def said(text: object, lang: str) -> str:
    """``text`` in ``lang`` when it is a :class:`Msg`, else as it is."""
    return text.say(lang) if isinstance(text, Msg) else str(text)


def _said(
    lang: str, key: str, plural_key: str | None, count: int | None, fields: dict[str, object]
) -> str:
    shown = {name: _field(value, lang) for name, value in fields.items()}
    if plural_key is not None and count is not None:
        return plural(lang, key, plural_key, count, **{"n": _field(count, lang), **shown})
    return say(lang, key, **shown) if shown else _for(lang).gettext(key)


def _field(value: object, lang: str) -> str:
    if isinstance(value, Msg):
        return value.say(lang)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int):
        return number(value, lang, 0) if abs(value) >= 10_000 else str(value)
    point = DECIMAL_MARKS.get(lang, DECIMAL_MARKS["en"])[0]
    return f"{value:g}".replace(".", point)


class _Blank(dict[str, object]):
    """Format fields where a missing name is empty text."""

    def __missing__(self, key: str) -> str:
        return ""


DECIMAL_MARKS: dict[str, tuple[str, str]] = {"en": (".", ","), "vi": (",", "."), "zh": (".", ",")}
"""(decimal mark, thousands separator) per language: Vietnamese writes 1.234,5."""


def number(x: float, lang: str, digits: int = 1) -> str:
    """``x`` with ``digits`` decimals in the language's form: ``1,234.5`` (en, zh), ``1.234,5`` (vi)."""
    point, group = DECIMAL_MARKS.get(lang, DECIMAL_MARKS["en"])
    formatted = f"{x:,.{digits}f}"
    return formatted.replace(",", "\0").replace(".", point).replace("\0", group)
