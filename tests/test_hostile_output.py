"""Hostile text from a trainer's file reaches every output format escaped for that format.

The scenario is the test drill as a trainer's file could really hold it: a title pasted from a
terminal (``ESC ]0;pwned BEL``, clear screen), carriage returns from an old export, a Markdown
table and heading in the title, an agency name with ``\\x01``, NUL, ESC and U+FFFE beside Arabic
with a right-to-left mark, spreadsheet formulas hidden behind full-width signs and leading
whitespace, and a run folder named with HTML. Each test opens the output the way its reader
would (python-docx, openpyxl, lxml, a CSV reader) and checks the characters, then the exit code.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import docx
import openpyxl
import pytest
import yaml
from conftest import FIXTURES
from lxml import etree

from drillsim.report import render_html, render_markdown
from drillsim.report.data import build
from drillsim.report.docx import docx_bytes
from drillsim.runs.store import log_csv
from drillsim.sim.records import EventKind, EventRecord
from tests.helpers import run_cli

TITLE = "Diễn tập\\x1b]0;pwned\\x07 \\x1b[2J<img src=x onerror=alert(1)> 演练\\r\\n# heading\\r\\n| a | b |"
"""The title as written in the YAML file (double-quoted, so the escapes are the characters)."""
AGENCY = "Bảo vệ\\x01\\0\\e\\uFFFE nhà máy \\u200f\\u0645\\u0635\\u0646\\u0639"
RUN_NAME = "<img src=x onerror=alert(1)>"
FORMULAS = ("＝1+1", " =1+1", "\n=1+1")
RAW = ("\x1b", "\x07", "\x01", "\x00", "\ufffe", "\r")


def evil_text() -> str:
    src = (FIXTURES / "drill.yaml").read_text(encoding="utf-8")
    src = src.replace('title: "Diễn tập: con tin tại nhà máy thủy điện"', f'title: "{TITLE}"')
    src = src.replace('name: "Bảo vệ nhà máy"', f'name: "{AGENCY}"')
    src = src.replace(
        "    detected_by: plant_security\n",
        "    detected_by: plant_security\n"
        f"    description: {json.dumps(FORMULAS[0])}\n"
        f"    msel: {{synopsis: {json.dumps(FORMULAS[1])}, inject: {json.dumps(FORMULAS[2])},\n"
        f'           to: "{AGENCY}"}}\n',
    )
    return src


def invoke(*args: object, lang: str | None = "en") -> tuple[int, str]:
    r = run_cli(*args, lang=lang)
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
    return r.exit_code, r.output


@pytest.fixture(scope="module")
def evil(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "evil.yaml"
    path.write_text(evil_text(), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def run_dir(evil: Path) -> Path:
    out = evil.parent / RUN_NAME
    code, output = invoke(  # the report in the scenario's language (vi), as report() reads it
        "run",
        evil,
        "-n",
        20,
        "--out",
        out,
        "--format",
        "html,md,docx",
        "--suggest",
        0,
        "-q",
        lang=None,
    )
    assert code == 0, output  # the DOCX writer no longer exits 3 on a control character
    return out


def report(run_dir: Path, suffix: str) -> Path:
    return run_dir / f"after-action-report-vi.{suffix}"


def test_markdown_has_no_html_no_carriage_return_and_whole_tables(run_dir: Path) -> None:
    md = report(run_dir, "md").read_text(encoding="utf-8")
    assert "<img" not in md and "&lt;img src=x onerror=alert(1)&gt;" in md
    assert not any(ch in md for ch in RAW)
    assert "\\\\x1b\\]0;pwned\\\\x07" in md  # shown as the characters \x1b]0;pwned\x07
    assert "\\\\x01\\\\x00\\\\x1b\\\\ufffe" in md and "\u200f\u0645\u0635\u0646\u0639" in md
    lines = md.split("\n")
    assert [x for x in lines if re.fullmatch(r"\s*(-{3,}|\*{3,}|_{3,})\s*", x)] == [
        "---"
    ]  # the footer's rule only
    assert not [
        x for x in lines if x.startswith("#") and "heading" in x
    ]  # the title's '# heading' is no heading
    for k, line in enumerate(lines):  # every table row has the columns of its delimiter row
        if re.fullmatch(r"\|(-+:?\|)+|\|(---:?\|)+", line.replace("---:", "---")):
            cols = line.count("|")
            rows = [lines[k - 1]] + [x for x in _block(lines, k + 1)]
            assert all(_pipes(r) == cols for r in rows), (
                line,
                [r for r in rows if _pipes(r) != cols][:1],
            )
    assert lines[-2].endswith(
        "&lt;img src=x onerror=alert(1)&gt;."
    )  # the footer names the run folder safely


def _block(lines: list[str], start: int) -> list[str]:
    out = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        out.append(line)
    return out


def _pipes(row: str) -> int:
    return len(re.findall(r"(?<!\\)\|", re.sub(r"\\\\", "", row)))


class _Tags(HTMLParser):
    """The page as a browser parses it: script elements, event-handler attributes, image sources."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts, self.handlers, self.images = 0, [], []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.scripts += tag == "script"
        self.handlers += [name for name, _ in attrs if name.startswith("on")]
        if tag == "img":
            self.images.append(dict(attrs).get("src") or "")


def test_docx_opens_and_shows_the_replacement(run_dir: Path) -> None:
    doc = docx.Document(str(report(run_dir, "docx")))
    text = "\n".join(
        [p.text for p in doc.paragraphs]
        + [c.text for table in doc.tables for row in table.rows for c in row.cells]
    )
    assert "Bảo vệ\\x01\\x00\\x1b\\ufffe nhà máy \u200fمصنع" in text
    assert "\\x1b]0;pwned\\x07" in text and not any(ch in text for ch in RAW)


def test_html_escapes_every_field_and_charts_are_well_formed_svg(run_dir: Path) -> None:
    page = report(run_dir, "html").read_text(encoding="utf-8")
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert not any(ch in page for ch in RAW if ch != "\r") and "\\x1b]0;pwned\\x07" in page
    tags = _Tags()
    tags.feed(page)
    assert tags.scripts == 0 and tags.handlers == []
    assert tags.images and all(src.startswith("data:image/png;base64,") for src in tags.images)
    svgs = sorted((run_dir / "charts").glob("*.svg"))
    assert svgs
    for svg in svgs:
        data = svg.read_bytes()
        tree = etree.fromstring(
            data, etree.XMLParser(resolve_entities=False)
        )  # strict XML: raises if ill-formed
        assert not tree.xpath("//*[local-name()='script' or local-name()='foreignObject']")
        assert not [a for el in tree.iter() for a in el.attrib if a.lower().startswith("on")]
        assert not any(ch.encode() in data for ch in RAW if ch != "\r")


def test_msel_xlsx_opens_with_replacements_and_formulas_as_text(evil: Path, tmp_path: Path) -> None:
    out = tmp_path / "msel.xlsx"
    code, output = invoke("msel", "export", evil, "--no-simulate", "-o", out)
    assert code == 0, output  # was exit 1/3: "cell F2 holds a control character"
    book = openpyxl.load_workbook(out)
    cells = [c for row in book["MSEL"].iter_rows() for c in row if isinstance(c.value, str)]
    assert any("\\x01\\x00\\x1b\\ufffe" in c.value for c in cells)
    notes = " ".join(str(c.value) for row in book["Notes"].iter_rows() for c in row)
    assert "\\x1b]0;pwned\\x07" in notes and "\x1b" not in notes  # the Notes sheet holds the title
    formulas = [c for c in cells if c.value in FORMULAS]
    assert {c.value for c in formulas} == set(FORMULAS)
    assert all(c.data_type == "s" and c.quotePrefix for c in formulas)


def test_msel_csv_guards_every_formula_form(evil: Path) -> None:
    code, output = invoke("msel", "export", evil, "--no-simulate", "--format", "csv", "-o", "-")
    assert code == 0
    body = output[output.index("\ufeff") + 1 :] if "\ufeff" in output else output
    rows = list(csv.reader(io.StringIO(body)))
    cells = {v for row in rows for v in row}
    assert {"'" + f for f in FORMULAS} <= cells
    assert not cells & set(FORMULAS)


def test_msel_csv_round_trips_the_guarded_text(evil: Path, tmp_path: Path) -> None:
    out = tmp_path / "msel.csv"
    assert invoke("msel", "export", evil, "--no-simulate", "-o", out)[0] == 0
    code, output = invoke("msel", "import", out)
    assert code == 0, output
    incidents = yaml.safe_load(output[: output.rindex("read 1 injects")])["incidents"]
    assert incidents[0]["description"] == FORMULAS[0]  # read back without the apostrophe
    assert (
        incidents[0]["msel"]["synopsis"] == FORMULAS[1]
        and incidents[0]["msel"]["inject"] == FORMULAS[2]
    )


def test_event_log_csv_guards_free_text() -> None:
    records = [EventRecord(0, 0.0, EventKind.INJECT, detail=text) for text in FORMULAS]
    rows = list(csv.DictReader(io.StringIO(log_csv(records))))
    assert [r["detail"] for r in rows] == ["'" + f for f in FORMULAS]


def test_no_escape_sequence_reaches_the_terminal(evil: Path) -> None:
    code, output = invoke("timeline", evil, "--seed", 1)  # a timeline prints the title
    assert code == 0
    assert "\x1b" not in output and "\x07" not in output and "\r" not in output
    assert "\\x1b]0;pwned\\x07" in output


def test_an_error_quoting_hostile_input_is_terminal_safe(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        evil_text().replace("  - id: plant_security\n", '  - id: "pwn\\x1b]0;pwned\\x07"\n', 1),
        encoding="utf-8",
    )
    code, output = invoke("validate", path)
    assert code == 1
    assert "\x1b" not in output and "\x07" not in output and "agencies[0]" in output


def test_a_five_megabyte_key_is_not_echoed(tmp_path: Path) -> None:
    path = tmp_path / "bigkey.yaml"
    src = (FIXTURES / "drill.yaml").read_text(encoding="utf-8")
    path.write_text(
        src.replace("target:\n", "target:\n  ? " + "k" * 5_000_000 + "\n  : 1\n", 1),
        encoding="utf-8",
    )
    code, output = invoke("validate", path)
    assert code == 1
    # The key-length limit refuses it while the YAML is read, naming the limit, never echoing it.
    assert len(output) < 3_000 and "over the limit of 200" in output and "k" * 300 not in output


@pytest.mark.parametrize("variant_id", ["base", "Base"])
def test_a_variant_named_base_is_refused_where_it_is_written(
    tmp_path: Path, variant_id: str
) -> None:
    path = tmp_path / "drill.yaml"
    src = (FIXTURES / "drill.yaml").read_text(encoding="utf-8")
    path.write_text(
        src.replace("  - id: two-duty-officers", f"  - id: {variant_id}"), encoding="utf-8"
    )
    line = 1 + src.split("\n").index("  - id: two-duty-officers")
    code, output = invoke("validate", path)
    assert code == 1
    assert f"{path}:{line}:" in output and "variants[0]" in output and "reserved" in output
    assert "hint:" in output
    code, output = invoke("run", path, "-n", 5, "--all-variants", "--out", tmp_path / "run")
    assert code == 1 and not (tmp_path / "run" / "manifest.json").exists()


@pytest.fixture(scope="module")
def partial_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run folder as an interrupted study leaves it: 20 of 100 planned replications, status interrupted."""
    out = tmp_path_factory.mktemp("partial") / "run"
    code, output = invoke(
        "run", FIXTURES / "drill.yaml", "-n", 20, "--out", out, "--no-report", "--suggest", 0, "-q"
    )
    assert code == 0, output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    manifest.update(status="interrupted", replications=100)
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return out


# slow: builds HTML, Markdown and DOCX with charts; the fast run keeps the notice per language
@pytest.mark.slow
def test_every_report_format_says_a_partial_run_is_partial(partial_dir: Path) -> None:
    code, output = invoke(
        "report", partial_dir, "--format", "html,md,docx", "--lang", "en", "--force"
    )
    assert code == 0, output
    notice = "Partial results: the run was interrupted after 20 of 100 planned replications"
    stem = partial_dir / "after-action-report-en"
    assert notice in html.unescape(stem.with_suffix(".html").read_text(encoding="utf-8"))
    assert notice in stem.with_suffix(".md").read_text(encoding="utf-8")
    assert any(
        p.text.startswith(notice) for p in docx.Document(str(stem.with_suffix(".docx"))).paragraphs
    )


@pytest.mark.parametrize(
    ("lang", "status", "words"),
    [
        ("vi", "interrupted", "Kết quả chưa đầy đủ: lần chạy bị dừng giữa chừng sau 20/100"),
        (
            "zh",
            "running",
            "结果不完整：本次运行仍在运行或已被强制终止，基准情景计划 100 次重复中仅完成 20 次",
        ),
        ("vi", "failed", "lần chạy bị dừng do lỗi"),
    ],
)
def test_the_partial_notice_is_in_the_report_language(
    partial_dir: Path, tmp_path: Path, lang: str, status: str, words: str
) -> None:
    folder = tmp_path / "run"
    shutil.copytree(partial_dir, folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    (folder / "manifest.json").write_text(
        json.dumps({**manifest, "status": status}), encoding="utf-8"
    )
    d = build(
        folder, lang
    )  # charts left out: the notice is text, and drawing them costs seconds a language
    notice = d.partial_notice
    assert words in notice
    assert notice in html.unescape(render_html(d)) and notice in render_markdown(d)
    page = docx.Document(io.BytesIO(docx_bytes(d)))
    assert notice in [p.text for p in page.paragraphs]


def test_a_complete_run_carries_no_partial_notice(run_dir: Path) -> None:
    assert "Kết quả chưa đầy đủ" not in report(run_dir, "md").read_text(encoding="utf-8")
    assert "Kết quả chưa đầy đủ" not in report(run_dir, "html").read_text(encoding="utf-8")
