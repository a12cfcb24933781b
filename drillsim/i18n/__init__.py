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

__all__ = ["LANGUAGES", "N_", "has", "number", "plural", "say"]

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
