"""The after-action report: structure, languages, escaping, numbers from results, browser rendering."""

from __future__ import annotations

import json
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from drillsim.errors import InputError
from drillsim.loader import load_scenario
from drillsim.report import find_browser, render_html, write_report
from drillsim.report.data import build
from drillsim.results_io import prepare_dir, read_run
from drillsim.scenario import Scenario
from drillsim.study import run_study

FIXTURE = Path(__file__).parent / "fixtures" / "report" / "hub.yaml"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
SECTIONS = ("overview", "analysis", "strengths", "improvements", "response", "variants", "plan", "msel",
            "graph", "assumptions")


def make_run(scenario: Scenario, source: Path, root: Path, n: int = 60) -> Path:
    out = prepare_dir(root, force=False)
    run_study(scenario, source, out, n=n, seed=7, variants=["base", *[v.id for v in scenario.variants]])
    return out


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_run(load_scenario(FIXTURE), FIXTURE, tmp_path_factory.mktemp("report") / "run")


@pytest.fixture(scope="module")
def written(run_dir: Path) -> dict[str, Path]:
    paths = write_report(run_dir, formats=("html", "md", "docx"))
    return {p.suffix.lstrip("."): p for p in paths}


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.images: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"] or "")
        if tag == "img":
            self.images.append(a.get("src") or "")
        if tag == "script":
            self.scripts += 1


def parse(html: str) -> _Collector:
    c = _Collector()
    c.feed(html)
    return c


def test_html_has_every_section_and_embedded_charts(written: dict[str, Path], run_dir: Path) -> None:
    page = parse(written["html"].read_text(encoding="utf-8"))
    assert set(SECTIONS) <= page.ids
    assert page.scripts == 0
    charts = sorted((run_dir / "charts").glob("*.png"))
    assert len(page.images) == len(charts) >= 8
    assert all(src.startswith("data:image/png;base64,") for src in page.images)
    assert "http://" not in written["html"].read_text(encoding="utf-8").replace("http://www.w3.org", "")


def test_report_states_settings_and_ratings(written: dict[str, Path], run_dir: Path) -> None:
    html = written["html"].read_text(encoding="utf-8")
    manifest = read_run(run_dir).manifest
    assert manifest.scenario_hash in html and str(manifest.seed) in html
    assert manifest.drillsim_version in html
    assert "Diễn tập nhỏ: trực ban Công an huyện" in html  # Vietnamese, the scenario's language
    assert "Phân tích năng lực cốt lõi" in html
    for label in ("P", "S", "M", "U"):
        assert f">{label}</th>" in html


def test_numbers_come_from_results(run_dir: Path, tmp_path: Path) -> None:
    """Change the saved results and the report changes with them: nothing is typed in by hand."""
    before = build(run_dir)
    first = before.objectives[0]
    copy = tmp_path / "run"
    shutil.copytree(run_dir, copy)
    path = copy / "summaries" / "base.jsonl"
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for row in lines:
        row["objectives"][0]["met"] = False
        row["objectives"][0]["time"] = None
    path.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    after = build(copy)
    assert first.stats.met.share > 0 and after.objectives[0].stats.met.share == 0
    assert after.objectives[0].rating == "U"
    html_before, html_after = render_html(before), render_html(after)
    share = f"{first.stats.met.share:.0%}"
    assert share in html_before
    assert html_before != html_after and "0% [0%" in html_after


def test_markdown_and_docx(written: dict[str, Path]) -> None:
    md = written["md"].read_text(encoding="utf-8")
    assert md.startswith("# Báo cáo sau diễn tập")
    assert "](charts/" in md
    from docx import Document

    doc = Document(str(written["docx"]))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert any("Tổng quan" in h for h in headings) and any("Phụ lục A" in h for h in headings)
    assert len(doc.tables) >= 6
    assert len(doc.inline_shapes) >= 6


def test_chinese_headings(run_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "zh"
    shutil.copytree(run_dir, copy)
    (html,) = write_report(copy, formats=("html",), lang="zh")
    text = html.read_text(encoding="utf-8")
    assert "演练总结报告" in text and "附录A：改进计划" in text and html.name.endswith("-zh.html")


def test_observed_times(run_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "obs"
    shutil.copytree(run_dir, copy)
    csv_path = tmp_path / "live.csv"
    csv_path.write_text("agency,event,time\nems,on_scene,0:50:00\ndistrict_police,alerted,0:01:00\n",
                        encoding="utf-8")
    (html,) = write_report(copy, formats=("html",), observed=csv_path)
    text = html.read_text(encoding="utf-8")
    assert 'id="observed-table"' in text and "chậm hơn dự kiến" in text and "nhanh hơn dự kiến" in text
    bad = tmp_path / "bad.csv"
    bad.write_text("agency,event,time\nems,arrived,0:10:00\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.csv:2: unknown event 'arrived'"):
        write_report(copy, formats=("html",), observed=bad)


def test_unknown_format_is_refused(run_dir: Path) -> None:
    with pytest.raises(InputError, match="unknown report format"):
        write_report(run_dir, formats=("odt",))


# -- in a real browser ----------------------------------------------------------------------
def browser_or_skip() -> str:
    path = find_browser()
    if path is None:
        if os.environ.get("DRILLSIM_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required (DRILLSIM_REQUIRE_BROWSER=1) but not installed")
        pytest.skip("no Chromium on this machine (scripts/test.sh installs it as root)")
    return path


def open_page(html: Path, shot: str):  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    from drillsim.report import CHROMIUM_FLAGS

    exe = browser_or_skip()
    pw = sync_playwright().start()
    browser = pw.chromium.launch(executable_path=exe, args=list(CHROMIUM_FLAGS))
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(html.as_uri())
    page.wait_for_load_state("load")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / shot), full_page=True)
    return pw, browser, page, dialogs


@pytest.mark.browser
def test_report_in_headless_chromium(written: dict[str, Path]) -> None:
    pw, browser, page, _ = open_page(written["html"], "report-vi.png")
    try:
        images = page.evaluate("Array.from(document.images).map(i => [i.complete, i.naturalWidth])")
        assert images and all(done and width > 0 for done, width in images)
        for section in SECTIONS:
            assert page.locator(f"section#{section}").count() == 1, section
        assert "Tồn tại cần khắc phục" in page.inner_text("body")
    finally:
        browser.close()
        pw.stop()


INJECTION = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">"\'&'


@pytest.mark.browser
def test_injection_in_every_string_is_shown_not_run(tmp_path: Path) -> None:
    base = load_scenario(FIXTURE)
    data = base.model_dump(mode="json", by_alias=True)

    def poison(node: object, key: str = "") -> object:
        if isinstance(node, dict):
            return {k: poison(v, k) for k, v in node.items()}
        if isinstance(node, list):
            return [poison(v, key) for v in node]
        if isinstance(node, str) and key in ("title", "name", "description", "note", "about", "inject",
                                             "expected_action", "synopsis", "threat", "sponsor", "location"):
            return node + INJECTION
        return node

    data = poison(data)
    data["sources"] = [INJECTION]
    scenario = Scenario.model_validate(data)
    src = tmp_path / "evil.yaml"
    src.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    run = make_run(scenario, src, tmp_path / "run", n=20)
    html, md = write_report(run, formats=("html", "md"))
    assert "<script>" not in html.read_text(encoding="utf-8")
    assert not re.search(r"(?<!\\)<(script|img)\b", md.read_text(encoding="utf-8"))
    pw, browser, page, dialogs = open_page(html, "report-injection.png")
    try:
        assert page.evaluate("window.__pwned === undefined")
        assert not dialogs
        assert "<script>window.__pwned=1</script>" in page.inner_text("body")
    finally:
        browser.close()
        pw.stop()


@pytest.mark.browser
def test_pdf_output(run_dir: Path, tmp_path: Path) -> None:
    browser_or_skip()
    copy = tmp_path / "pdf"
    shutil.copytree(run_dir, copy)
    (pdf,) = write_report(copy, formats=("pdf",))
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 50_000


def test_every_critical_path_category_and_finding_message_is_translated() -> None:
    from drillsim.analysis.messages import MESSAGES
    from drillsim.analysis.paths import CATEGORIES
    from drillsim.report.i18n import CATEGORY_TEXT

    assert set(CATEGORIES) <= set(CATEGORY_TEXT)
    for lang in ("en", "vi", "zh"):
        assert all(lang in CATEGORY_TEXT[c] for c in CATEGORIES)
        for key, parts in MESSAGES.items():
            for part, texts in parts.items():
                assert texts.get(lang), f"{key}.{part} lacks {lang}"
                # the same placeholders in every language, so no translation can fail to render
                import string

                names = {f for _, f, _, _ in string.Formatter().parse(texts[lang]) if f}
                assert names == {f for _, f, _, _ in string.Formatter().parse(texts["en"]) if f}, (key, part, lang)
