"""The one message catalogue (drillsim.i18n): complete, consistent, compiled, and all in use.

The checker functions below are what the tests run on the real catalogue; the last tests feed
them a small broken catalogue to show each problem is reported.
"""

from __future__ import annotations

import io
import re
import shutil
import string
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

from drillsim import i18n

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "drillsim" / "i18n" / "locale"
KEYWORDS = {"say": (2,), "plural": (2, 3), "N_": None, "T": None, "Msg": None, "Msgn": (1, 2)}
"""Babel keywords: the same as the -k flags of scripts/i18n.sh (checked below)."""


def read_catalogue(locale: Path, lang: str) -> Catalog:
    with open(locale / lang / "LC_MESSAGES" / "drillsim.po", "rb") as fp:
        return read_po(fp, locale=lang)


def fields(text: str) -> set[str]:
    """The ``{name}`` fields and ``%(name)s`` / ``%s`` conversions a text fills."""
    names = {f"{{{name}}}" for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    return names | set(re.findall(r"%\(\w+\)[sdfr]|%[sdfr]", text))


def catalogue_problems(locale: Path, langs: tuple[str, ...] = i18n.LANGUAGES) -> list[str]:
    """Every way the .po files of ``langs`` disagree: missing or empty entries, different fields
    than English, fuzzy entries, and plural entries with another number of forms than the
    language's Plural-Forms header."""
    cats = {lang: read_catalogue(locale, lang) for lang in langs}
    ids: set[Any] = set().union(*({m.id for m in c if m.id} for c in cats.values()))
    problems = []
    for lang, cat in cats.items():
        for msgid in sorted(ids, key=str):
            m = cat.get(msgid)
            if m is None:
                problems.append(f"{lang}: {msgid!r} missing")
                continue
            forms = list(m.string) if isinstance(m.string, tuple | list) else [m.string]
            singular = str(msgid[0] if isinstance(msgid, tuple) else msgid)
            written = plural_forms_written(locale, lang).get(singular, len(forms))
            if m.pluralizable and written != cat.num_plurals:
                problems.append(
                    f"{lang}: {msgid!r} has {written} forms, header says {cat.num_plurals}"
                )
            if not all(forms):
                problems.append(f"{lang}: {msgid!r} empty")
            if m.fuzzy:
                problems.append(f"{lang}: {msgid!r} fuzzy")
            english = cats["en"].get(msgid) if "en" in cats else None
            if english is not None and english.string:
                en_forms = (
                    english.string if isinstance(english.string, tuple | list) else [english.string]
                )
                want = fields(str(en_forms[-1]))
                for form in map(str, forms):
                    if form and fields(form) != want:
                        problems.append(
                            f"{lang}: {msgid!r} fields {sorted(fields(form))} != {sorted(want)}"
                        )
    return problems


def plural_forms_written(locale: Path, lang: str) -> dict[str, int]:
    """msgid -> number of ``msgstr[i]`` lines of each plural entry, as the file has them (Babel's
    reader pads or cuts the forms to the header's number, so the file itself is counted)."""
    text = (locale / lang / "LC_MESSAGES" / "drillsim.po").read_text(encoding="utf-8")
    counts = {}
    for block in text.split("\n\n"):
        if "\nmsgid_plural " in block:
            msgid = re.search(r'^msgid "(.*)"$', block, re.MULTILINE)
            if msgid:
                counts[msgid.group(1)] = len(re.findall(r"^msgstr\[\d+\]", block, re.MULTILINE))
    return counts


def compiled_problems(locale: Path, langs: tuple[str, ...] = i18n.LANGUAGES) -> list[str]:
    """Languages whose committed .mo is not byte for byte what compiling their .po gives."""
    problems = []
    for lang in langs:
        out = io.BytesIO()
        write_mo(out, read_catalogue(locale, lang))
        mo = locale / lang / "LC_MESSAGES" / "drillsim.mo"
        if not mo.exists() or mo.read_bytes() != out.getvalue():
            problems.append(
                f"{lang}: drillsim.mo is not the compiled drillsim.po (scripts/i18n.sh)"
            )
    return problems


def extracted_ids(root: Path) -> set[str]:
    """Every message id the code and templates name, as ``pybabel extract -F babel.cfg`` finds."""
    with open(root / "babel.cfg") as fp:
        method_map, options_map = parse_mapping_cfg(fp)
    found = extract_from_dir(str(root), method_map, options_map, keywords=KEYWORDS)
    ids: set[str] = set()
    for _, _, message, _, _ in found:
        ids.update([message] if isinstance(message, str) else message)
    return ids


@pytest.fixture(scope="module")
def english() -> Catalog:
    return read_catalogue(LOCALE, "en")


def test_every_message_in_every_language_with_the_same_fields() -> None:
    assert catalogue_problems(LOCALE) == []


def test_headers_give_each_language_its_plural_rule(english: Catalog) -> None:
    assert english.num_plurals == 2 and english.plural_expr == "(n != 1)"
    for lang in ("vi", "zh"):
        cat = read_catalogue(LOCALE, lang)
        assert (cat.num_plurals, cat.plural_expr) == (1, "0"), lang


def test_committed_mo_files_are_the_compiled_po_files() -> None:
    assert compiled_problems(LOCALE) == []


def test_template_lists_exactly_the_catalogue(english: Catalog) -> None:
    with open(LOCALE / "drillsim.pot", "rb") as fp:
        template = read_po(fp)
    assert {m.id for m in template if m.id} == {m.id for m in english if m.id}


def test_code_and_catalogue_name_the_same_messages(english: Catalog) -> None:
    used = extracted_ids(ROOT)
    known = {i for m in english if m.id for i in ([m.id] if isinstance(m.id, str) else m.id)}
    assert sorted(used - known) == [], "used in the code but not in the catalogue"
    assert sorted(known - used) == [], (
        "in the catalogue but used nowhere (or only under a computed name: mark it N_)"
    )


def test_script_extracts_with_the_keywords_the_test_uses() -> None:
    script = (ROOT / "scripts" / "i18n.sh").read_text()
    flags = set(re.findall(r"-k (\S+)", script))
    assert flags == {
        k if spec is None else f"{k}:{','.join(map(str, spec))}" for k, spec in KEYWORDS.items()
    }


def test_lookup_reads_the_catalogue_and_falls_back_to_english() -> None:
    assert i18n.say("vi", "overview") == "Tổng quan cuộc diễn tập"
    assert i18n.say("zh", "simulated", n=40) == "模拟演练：40 次模拟重复的结果，并非实地演练。"
    assert i18n.say("fr", "overview") == i18n.say("en", "overview") == "Exercise overview"
    # no fields: the text as written; a field the caller lacks reads as empty
    assert i18n.say("en", "distribution") == "Distribution of the time to {objective}"
    assert i18n.say("en", "distribution", other=1) == "Distribution of the time to "
    assert i18n.has("chart.time_min") and not i18n.has("chart.no_such_text")


def test_lookup_takes_fields_named_like_its_own_arguments() -> None:
    assert i18n.say("en", "finding.desk.title", agency="X", lang="vi", msgid="m") == (
        "Duty desk of X delays the alerts"
    )


def test_number_uses_the_languages_marks() -> None:
    assert i18n.number(1234.56, "en") == "1,234.6" == i18n.number(1234.56, "zh")
    assert i18n.number(1234.56, "vi", 2) == "1.234,56"
    assert i18n.number(0.5, "fr") == "0.5"


# -- the checkers report a broken catalogue ---------------------------------------------------


def _catalogue(lang: str, entries: dict[Any, Any]) -> Catalog:
    cat = Catalog(locale=lang, domain="drillsim")
    for msgid, text in entries.items():
        cat.add(msgid, text)
    return cat


def _write(locale: Path, cats: dict[str, Catalog]) -> None:
    for lang, cat in cats.items():
        folder = locale / lang / "LC_MESSAGES"
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / "drillsim.po", "wb") as fp:
            write_po(fp, cat)
        with open(folder / "drillsim.mo", "wb") as fp:
            write_mo(fp, cat)


def test_checker_reports_missing_empty_fields_and_plural_forms(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "en": _catalogue(
                "en",
                {
                    "greet": "Hello {name}",
                    "bye": "Bye",
                    ("count", "count_plural"): ("{n} unit", "{n} units"),
                },
            ),
            "vi": _catalogue(
                "vi",
                {"greet": "Xin chào {ten}", ("count", "count_plural"): ("{n} tổ", "{n} tổ")},
            ),
            "zh": _catalogue(
                "zh", {"greet": "", "bye": "再见", ("count", "count_plural"): ("{n}个",)}
            ),
        },
    )
    vi = tmp_path / "vi" / "LC_MESSAGES" / "drillsim.po"  # Babel writes one form: add a second
    vi.write_text(
        vi.read_text().replace('msgstr[0] "{n} tổ"', 'msgstr[0] "{n} tổ"\nmsgstr[1] "{n} tổ"')
    )
    problems = catalogue_problems(tmp_path)
    assert "vi: 'bye' missing" in problems
    assert "vi: 'greet' fields ['{ten}'] != ['{name}']" in problems
    assert "vi: ('count', 'count_plural') has 2 forms, header says 1" in problems
    assert "zh: 'greet' empty" in problems
    assert len(problems) == 4, problems


def test_checker_reports_a_stale_mo(tmp_path: Path) -> None:
    shutil.copytree(LOCALE, tmp_path / "locale")
    po = tmp_path / "locale" / "vi" / "LC_MESSAGES" / "drillsim.po"
    po.write_text(po.read_text().replace("Tổng quan cuộc diễn tập", "Tổng quan"))
    assert compiled_problems(tmp_path / "locale") == [
        "vi: drillsim.mo is not the compiled drillsim.po (scripts/i18n.sh)"
    ]


def test_plural_form_follows_each_languages_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entries = {("count", "count_plural"): ("{n} unit", "{n} units")}
    _write(
        tmp_path,
        {
            "en": _catalogue("en", entries),
            "vi": _catalogue("vi", {("count", "count_plural"): ("{n} tổ/xe",)}),
            "zh": _catalogue("zh", {}),
        },
    )
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n._catalogue.cache_clear()
    try:
        assert [i18n.plural("en", "count", "count_plural", n) for n in (1, 2)] == [
            "1 unit",
            "2 units",
        ]
        assert [i18n.plural("vi", "count", "count_plural", n) for n in (1, 2)] == [
            "1 tổ/xe",
            "2 tổ/xe",
        ]
        assert i18n.plural("zh", "count", "count_plural", 3) == "3 units"  # English fallback
        with open(tmp_path / "en" / "LC_MESSAGES" / "drillsim.mo", "rb") as fp:
            assert read_mo(fp).num_plurals == 2
    finally:
        i18n._catalogue.cache_clear()


def test_extraction_finds_computed_ids_only_when_marked(tmp_path: Path) -> None:
    (tmp_path / "drillsim").mkdir()
    shutil.copy(ROOT / "babel.cfg", tmp_path / "babel.cfg")
    (tmp_path / "drillsim" / "m.py").write_text(
        "from drillsim import i18n\nfrom drillsim.i18n import N_\n"
        "KINDS = {'a': N_('kind.a')}\n"
        "def f(lang, k):\n"
        "    text = i18n.say(lang, 'heading')\n"
        "    return text[:3] + i18n.say(lang, 'kind.' + k) + i18n.say(lang, KINDS[k])\n"
    )
    # a computed id shows up as its literal part, which the catalogue lacks: the check flags it
    assert extracted_ids(tmp_path) == {"kind.a", "heading", "kind."}


def test_catalogue_package_imports_no_other_stage() -> None:
    import ast

    for path in (ROOT / "drillsim" / "i18n").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert not {m for m in names if m.split(".")[0] == "drillsim"}, path
