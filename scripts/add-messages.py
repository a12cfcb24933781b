"""Write translations from YAML files into the en, vi and zh catalogues, then compile them.

    python scripts/add-messages.py messages.yaml [more.yaml ...]

Each file maps a message id to its text in each language; a plural message gives a list of
forms (English two: one, other; Vietnamese and Chinese one)::

    problem.count:
      en: "{errors} error(s), {warnings} warning(s)"
      vi: "{errors} lỗi, {warnings} cảnh báo"
      zh: "{errors} 个错误，{warnings} 个警告"

Run ``scripts/i18n.sh`` first so that every id the code uses has an entry; an id the code no
longer uses is refused (it would be dropped at the next refresh). docs/translating.md has the
whole workflow; tests/test_i18n.py checks the result.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "drillsim" / "i18n" / "locale"
LANGS = ("en", "vi", "zh")


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "drillsim.po"


def apply(entries: dict[str, dict[str, Any]]) -> list[str]:
    """Set every entry's texts in the .po files; the ids the catalogue lacks are returned."""
    unknown: list[str] = []
    for lang in LANGS:
        with open(po_path(lang), "rb") as fp:
            cat = read_po(fp, locale=lang)
        for msgid, texts in entries.items():
            if lang not in texts:
                continue
            message = next((m for m in cat if m.id and _singular(m.id) == msgid), None)
            if message is None:
                if lang == "en":
                    unknown.append(msgid)
                continue
            text = texts[lang]
            message.string = tuple(text) if isinstance(message.id, tuple) else str(text)
        with open(po_path(lang), "wb") as fp:
            write_po(fp, cat, width=100, ignore_obsolete=True)
    return unknown


def _singular(msgid: Any) -> str:
    return str(msgid[0] if isinstance(msgid, tuple) else msgid)


def main(files: list[str]) -> int:
    entries: dict[str, dict[str, Any]] = {}
    for name in files:
        entries.update(yaml.safe_load(Path(name).read_text(encoding="utf-8")) or {})
    unknown = apply(entries)
    for msgid in unknown:
        print(f"not in the catalogue (run scripts/i18n.sh, or the code no longer uses it): {msgid}")
    babel = os.environ.get("PYBABEL") or str(Path(sys.executable).with_name("pybabel"))
    subprocess.run(
        [babel, "compile", "-d", str(LOCALE), "-D", "drillsim"], check=True, capture_output=True
    )
    return 1 if unknown else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
