"""The after-action report: structure, languages, escaping, numbers from results, browser rendering."""

from __future__ import annotations

import json
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from drillsim.errors import InputError, OutputExistsError
from drillsim.report import find_browser, render_html, write_report
from drillsim.report.data import build
from drillsim.runs.store import prepare_dir, read_run
from drillsim.runs.study import run_study
from drillsim.scenario.loader import load_scenario
from drillsim.scenario.model import Scenario

FIXTURE = Path(__file__).parent / "fixtures" / "report" / "hub.yaml"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
SECTIONS = (
    "overview",
    "analysis",
    "strengths",
    "improvements",
    "response",
    "variants",
    "plan",
    "msel",
    "graph",
    "assumptions",
)


def make_run(scenario: Scenario, source: Path, root: Path, n: int = 60) -> Path:
    out = prepare_dir(root, force=False)
    run_study(
        scenario, source, out, n=n, seed=7, variants=["base", *[v.id for v in scenario.variants]]
    )
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


def test_html_has_every_section_and_embedded_charts(
    written: dict[str, Path], run_dir: Path
) -> None:
    page = parse(written["html"].read_text(encoding="utf-8"))
    assert set(SECTIONS) <= page.ids
    assert page.scripts == 0
    charts = sorted((run_dir / "charts").glob("*.png"))
    assert len(page.images) == len(charts) >= 8
    assert all(src.startswith("data:image/png;base64,") for src in page.images)
    assert "http://" not in written["html"].read_text(encoding="utf-8").replace(
        "http://www.w3.org", ""
    )


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


def test_docx_sets_chinese_text_in_a_cjk_font(written: dict[str, Path]) -> None:
    """No style leaves East Asian text to the theme font (a Latin font in a non-Chinese Word)."""
    from docx import Document
    from docx.oxml.ns import qn

    from drillsim.report.docx import EAST_ASIAN_FONT

    doc = Document(str(written["docx"]))
    styles = doc.styles.element
    fonts = list(styles.iter(qn("w:rFonts")))
    assert len(fonts) > 10  # the defaults, Normal's base, every heading style
    assert all(f.get(qn("w:eastAsiaTheme")) is None for f in fonts)
    assert {f.get(qn("w:eastAsia")) for f in fonts} == {EAST_ASIAN_FONT}
    for name in ("Heading 1", "Heading 2", "Title"):
        assert doc.styles[name].element.rPr.rFonts.get(qn("w:eastAsia")) == EAST_ASIAN_FONT
    assert (
        styles.find(qn("w:docDefaults")).find(".//" + qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    )


def test_chinese_headings(written: dict[str, Path], run_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "zh"
    shutil.copytree(run_dir, copy)
    vi_charts = {p.name: p.read_bytes() for p in (copy / "charts").glob("*.png")}
    html, md = write_report(copy, formats=("html", "md"), lang="zh")
    text = html.read_text(encoding="utf-8")
    assert "演练总结报告" in text and "附录A：改进计划" in text and html.name.endswith("-zh.html")
    # Each language draws its own charts and links them: the vi report's charts are untouched.
    assert {p.name: p.read_bytes() for p in (copy / "charts").glob("*.png")} == vi_charts
    assert "](charts-zh/" in md.read_text(encoding="utf-8") and "](charts/" not in md.read_text(
        encoding="utf-8"
    )
    assert sorted(p.name for p in (copy / "charts-zh").glob("*.png")) == sorted(vi_charts)


def _embedded_cjk_glyphs(html: str) -> set[str]:
    """The characters of the CJK font subset embedded in a report page."""
    import base64
    import io

    from fontTools.ttLib import TTFont

    found = re.search(r'font-family: "drillsim CJK".*?base64,([A-Za-z0-9+/=]+)', html)
    assert found, "no embedded CJK font"
    font = TTFont(io.BytesIO(base64.b64decode(found.group(1))))
    return {chr(c) for c in font.getBestCmap()}


def test_chinese_report_carries_the_glyphs_it_uses(
    written: dict[str, Path], run_dir: Path, tmp_path: Path
) -> None:
    """A zh report reads right on a machine with no Chinese font: every CJK character of the page
    is in the font subset the page embeds; a vi report with no CJK text embeds nothing."""
    from drillsim.report.fonts import needs_cjk_font

    copy = tmp_path / "zh"
    shutil.copytree(run_dir, copy)
    (html,) = write_report(copy, formats=("html",), lang="zh")
    text = html.read_text(encoding="utf-8")
    page = re.sub(r"<style>.*?</style>|<img [^>]*>", "", text, flags=re.DOTALL)
    used = {ch for ch in page if needs_cjk_font(ch)}
    assert len(used) > 100 and used <= _embedded_cjk_glyphs(text)
    vi = written["html"].read_text(encoding="utf-8")
    assert not any(needs_cjk_font(ch) for ch in vi) and 'drillsim CJK"; src' not in vi


def test_observed_times(run_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "obs"
    shutil.copytree(run_dir, copy)
    csv_path = tmp_path / "live.csv"
    csv_path.write_text(
        "agency,event,time\nems,on_scene,H+0:50:00\ndistrict_police,alerted,H+0:01:00\n",
        encoding="utf-8",
    )
    before = (copy / "after-action-report-vi.html").read_bytes()
    with pytest.raises(
        OutputExistsError, match="--force"
    ):  # the pre-drill report may have been edited
        write_report(copy, formats=("html",), observed=csv_path)
    assert (copy / "after-action-report-vi.html").read_bytes() == before
    (html,) = write_report(copy, formats=("html",), observed=csv_path, force=True)
    text = html.read_text(encoding="utf-8")
    assert (
        'id="observed-table"' in text and "chậm hơn dự kiến" in text and "nhanh hơn dự kiến" in text
    )
    bad = tmp_path / "bad.csv"
    bad.write_text("agency,event,time\nems,arrived,0:10:00\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.csv:2: unknown event 'arrived'"):
        write_report(copy, formats=("html",), observed=bad, force=True)


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
def test_chinese_report_renders_with_its_embedded_font(run_dir: Path, tmp_path: Path) -> None:
    """On this machine (no CJK system font) the page's own font list must draw Chinese exactly as
    the embedded font does: pixel for pixel, never as missing-glyph boxes."""
    copy = tmp_path / "zh-browser"
    shutil.copytree(run_dir, copy)
    (html,) = write_report(copy, formats=("html",), lang="zh")
    pw, browser, page, _ = open_page(html, "report-zh.png")
    try:
        page.evaluate("document.fonts.ready.then(() => true)")
        text = "".join(
            ch for ch in page.inner_text("h1") + page.inner_text("h2") if ord(ch) > 0x2E80
        )
        assert len(text) >= 6, text
        page.evaluate(
            """text => {
            for (const [id, family] of [["as-page", ""], ["as-embedded", '"drillsim CJK"']]) {
                for (const weight of ["normal", "bold"]) {
                    const s = document.createElement("div");
                    s.id = `${id}-${weight}`; s.textContent = text;
                    s.style.cssText = `font-size:32px; font-weight:${weight}; display:inline-block; padding:4px`;
                    if (family) s.style.fontFamily = family;
                    document.body.prepend(s);
                }
            }
        }""",
            text,
        )
        page.evaluate("document.fonts.ready.then(() => true)")
        for weight in ("normal", "bold"):
            shown = page.locator(f"#as-page-{weight}").screenshot()
            assert shown == page.locator(f"#as-embedded-{weight}").screenshot(), (
                f"{weight} CJK text is not drawn with the embedded font"
            )
    finally:
        browser.close()
        pw.stop()


@pytest.mark.browser
def test_injection_in_every_string_is_shown_not_run(tmp_path: Path) -> None:
    base = load_scenario(FIXTURE)
    data = base.model_dump(mode="json", by_alias=True)

    def poison(node: object, key: str = "") -> object:
        if isinstance(node, dict):
            return {k: poison(v, k) for k, v in node.items()}
        if isinstance(node, list):
            return [poison(v, key) for v in node]
        if isinstance(node, str) and key in (
            "title",
            "name",
            "description",
            "note",
            "about",
            "inject",
            "expected_action",
            "synopsis",
            "threat",
            "sponsor",
            "location",
        ):
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
    import string

    from drillsim import i18n
    from drillsim.analysis.messages import MESSAGES
    from drillsim.analysis.paths import CATEGORIES
    from drillsim.report import vocab

    assert set(CATEGORIES) <= set(vocab.CATEGORIES)
    for c in CATEGORIES:
        assert i18n.has(vocab.CATEGORIES[c])
        assert vocab.category(c, "vi") != vocab.category(c, "en") != vocab.category(c, "zh")
    for lang in ("en", "vi", "zh"):
        for key, parts in MESSAGES.items():
            for part, msgid in parts.items():
                assert i18n.has(msgid), msgid
                text, english = i18n.say(lang, msgid), i18n.say("en", msgid)
                assert text, f"{key}.{part} lacks {lang}"
                # the same placeholders in every language, so no translation can fail to render
                names = {f for _, f, _, _ in string.Formatter().parse(text) if f}
                assert names == {f for _, f, _, _ in string.Formatter().parse(english) if f}, (
                    key,
                    part,
                    lang,
                )


# -- the report's own words in vi/zh: vocabularies, measures, suggested changes ------------------
@pytest.fixture(scope="module")
def suggest_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run of the fixture whose suggested changes were tested (analysis.json has them)."""
    out = prepare_dir(tmp_path_factory.mktemp("suggest") / "run", force=False)
    run_study(load_scenario(FIXTURE), FIXTURE, out, n=40, seed=7, variants=["base"], suggest=40)
    return out


def test_fixed_vocabularies_are_translated_in_vi_and_zh(
    written: dict[str, Path], run_dir: Path, tmp_path: Path
) -> None:
    html = written["html"].read_text(encoding="utf-8")
    for raw in (
        ">tabletop<",
        "(industrial_site)",
        ">Response<",
        "task done: cordon",
        "on scene: ems",
    ):
        assert raw not in html, raw
    assert (
        "Diễn tập trên sa bàn (TTX)" in html
        and "(cơ sở công nghiệp)" in html
        and ">Ứng phó<" in html
    )
    assert (
        "On-scene Security, Protection, and Law Enforcement (An ninh, bảo vệ và thực thi pháp luật"
        in html
    )
    assert "Trung tâm cấp cứu 115 có mặt tại hiện trường (tình huống fire_out)" in html
    assert "Hoàn thành nhiệm vụ “cordon”" in html  # the fixture's task has no name: its id is kept
    md = written["md"].read_text(encoding="utf-8")
    assert "Diễn tập trên sa bàn (TTX)" in md and "Ứng phó" in md
    copy = tmp_path / "zh"
    shutil.copytree(run_dir, copy)
    (zh,) = write_report(copy, formats=("html",), lang="zh")
    text = zh.read_text(encoding="utf-8")
    assert "桌面推演" in text and "(工业场所)" in text and ">响应<" in text
    assert "Trung tâm cấp cứu 115到场（事件：fire_out）" in text


def test_variants_are_named_by_their_description(written: dict[str, Path]) -> None:
    html = written["html"].read_text(encoding="utf-8")
    table = html[
        html.index('id="variant-table"') : html.index("</table>", html.index('id="variant-table"'))
    ]
    assert "<td>Thêm một trực ban<br>" in table and "<td>Đường dây nóng hỏng<br>" in table


def test_every_vocabulary_value_has_vi_and_zh() -> None:
    from typing import get_args

    from drillsim import i18n
    from drillsim.report import vocab
    from drillsim.scenario.model import CORE_CAPABILITIES, TRIAGE, ScenarioInfo, TargetKind

    kinds = get_args(TargetKind)
    assert len(kinds) == 14 and set(kinds) == set(vocab.TARGET_KINDS)
    types = get_args(ScenarioInfo.model_fields["exercise_type"].annotation)
    areas = get_args(get_args(ScenarioInfo.model_fields["mission_areas"].annotation)[0])
    assert set(types) == set(vocab.EXERCISE_TYPES) and set(areas) == set(vocab.MISSION_AREAS)
    assert set(TRIAGE) == set(vocab.TRIAGE)
    for table in (
        vocab.TARGET_KINDS,
        vocab.EXERCISE_TYPES,
        vocab.MISSION_AREAS,
        vocab.TRIAGE,
        vocab.MEASURES,
    ):
        for value, msgid in table.items():
            words = {lang: i18n.say(lang, msgid) for lang in ("en", "vi", "zh")}
            assert i18n.has(msgid) and all(words.values()), value
            assert (
                words["zh"] != words["en"] and words["vi"] != words["en"] or value == "Protection"
            ), value
    assert set(CORE_CAPABILITIES) == set(vocab.CAPABILITIES)
    assert all(
        i18n.say(lang, vocab.CAPABILITIES[c]) != c
        for c in CORE_CAPABILITIES
        for lang in ("vi", "zh")
    )
    assert vocab.capability("Housing", "en") == "Housing"
    assert vocab.capability("Housing", "zh") == "Housing（住房）"


def test_suggested_changes_are_named_with_display_names_in_the_report_language(
    suggest_dir: Path,
) -> None:
    from drillsim import charts
    from drillsim.report.bridge import report_findings

    data = json.loads((suggest_dir / "analysis.json").read_text(encoding="utf-8"))
    assert data["suggestions"] and all(s["message"] and s["params"] for s in data["suggestions"])
    d = build(suggest_dir)
    ids = [a.id for a in d.scenario.agencies]
    names = [
        "Bảo vệ trạm",
        "Công an huyện",
        "Trung tâm cấp cứu 115",
        "Cảnh sát cơ động",
        "Cảnh sát PCCC",
    ]
    labels: dict[str, list[str]] = {}
    for lang in ("vi", "zh", "en"):
        d.lang = lang
        _, sensitivity, _ = report_findings(d)
        labels[lang] = [s.label for s in sensitivity]
        fig = charts.tornado(sensitivity, lang=lang)
        ticks = [t.get_text().replace("\n", " ") for t in fig.axes[0].get_yticklabels()]
        for tick in ticks:
            assert "->" not in tick and not any(i in tick for i in ids), tick
            assert any(n in tick for n in names), tick
            assert tick.count(" ") < 12 or lang != "vi"  # short: no list of every recipient
    assert "Bảo vệ trạm báo thẳng 3 lực lượng" in labels["vi"]
    assert "Công an huyện: 2 cán bộ trực ban" in labels["vi"]
    assert (
        "Bảo vệ trạm直接通知3个单位" in labels["zh"]
        and "Công an huyện：值班人员增至2名" in labels["zh"]
    )
    assert "Bảo vệ trạm alerts 3 agencies directly" in labels["en"]
    d.lang = "vi"
    findings, _, _ = report_findings(d)
    assert any(
        "Hiệu quả mô phỏng của 'Bảo vệ trạm báo thẳng 3 lực lượng'" in f.evidence for f in findings
    )


def test_old_analysis_without_labels_keeps_the_description() -> None:
    from drillsim.analysis.suggest import suggestion_label

    entry = {"variant": {"id": "x", "description": "guard alerts swat directly"}}
    assert suggestion_label(entry, "vi") == "guard alerts swat directly"
    assert suggestion_label({"variant": {"id": "x"}}, "vi") == "x"


def test_graph_edges_carry_the_simulated_link_time(run_dir: Path) -> None:
    """In hub.yaml every alert to EMS crosses the fixed, reliable 1-minute link district_police->ems,
    so it costs exactly 60 s; the hotline guard->district_police (exponential 1m, 90% reliable,
    retried after 3m) costs more than its mean delay; links to swat and fire lie on no objective's
    critical path, so their edges fall back to the configured 1 minute and are marked as such."""
    import drillsim.charts as ch
    from drillsim.report.figures import graph_inputs, link_seconds

    d = build(run_dir)
    simulated = link_seconds(d)
    assert set(simulated) == {"guard->district_police", "district_police->ems"}
    assert simulated["district_police->ems"] == 60.0
    assert 60.0 < simulated["guard->district_police"] < 150.0
    by_objective = {r.objective.id: r.stats.links["guard->district_police"] for r in d.objectives}
    assert simulated["guard->district_police"] == max(
        by_objective.values()
    )  # the objective it delays most
    assert len(set(by_objective.values())) > 1  # the objectives differ, so "most" is a real choice
    _, edges = graph_inputs(d, ch)
    got = {f"{e.source}->{e.target}": (e.time, e.simulated) for e in edges}
    assert got == {
        "guard->district_police": (simulated["guard->district_police"], True),
        "district_police->ems": (60.0, True),
        "district_police->swat": (60.0, False),
        "district_police->fire": (60.0, False),
    }


def test_gantt_uses_task_names_and_ties_desk_rows_to_their_agency(
    run_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from drillsim.charts import timeline
    from drillsim.report.figures import make_charts

    d = build(run_dir)
    named = {
        "isolate": "Cô lập khu vực",
        "cordon": "Lập vòng vây",
        "firefight": "Chữa cháy",
        "triage": "Phân loại nạn nhân",
    }
    tasks = tuple(task.model_copy(update={"name": named[task.id]}) for task in d.scenario.tasks)
    d.scenario = d.scenario.model_copy(update={"tasks": tasks})
    calls: list[tuple[list, dict]] = []
    real = timeline.gantt

    def spy(bars, markers=(), **kw):  # type: ignore[no-untyped-def]
        calls.append((list(bars), kw))
        injects.append({m.label for m in markers if m.kind == "inject"})
        return real(bars, markers, **kw)

    injects: list[set[str]] = []

    monkeypatch.setattr(timeline, "gantt", spy)
    make_charts(d, tmp_path / "charts")
    assert calls
    for bars, kw in calls:
        work = {b.label for b in bars if b.kind == "work"}
        assert work and work <= set(named.values()), work
        subs = kw["sub_rows"]
        assert subs and set(subs.values()) == {"↳ bàn trực"}
        rows = kw["rows"]
        for desk in subs:
            assert rows[rows.index(desk) - 1] == desk.removesuffix(" · bàn trực")
    # Injects are named as the MSEL names them: event number (else time order) and synopsis.
    assert injects[0] == {
        "1. Hai đối tượng có vũ khí đột nhập…",
        "2. Cháy máy biến áp, 3 người bị thương",
    }


def test_cut_off_evidence_names_agencies_not_ids(written: dict[str, Path]) -> None:
    html = written["html"].read_text(encoding="utf-8")
    cut = re.findall(r"bị cô lập: ([^<;]*)", html)
    assert cut, "the fixture has a single point of failure"
    for names in cut:
        assert not any(i in names for i in ("district_police", "swat", "fire", "ems")), names
        assert (
            "Cảnh sát cơ động" in names
            or "Trung tâm cấp cứu 115" in names
            or "Cảnh sát PCCC" in names
        )


# -- Queue table (issue 14) ------------------------------------------------------------------------
QUEUE_HEADINGS = {
    "en": ("Median wait", "90th percentile wait", "Had to wait"),
    "vi": ("Thời gian chờ trung vị", "Thời gian chờ phân vị 90", "Tỷ lệ phải chờ"),
    "zh": ("等待时间中位数", "等待时间第90百分位", "需等待的比例"),
}
DESK_WORD = {"en": "Duty desk × 1", "vi": "Bàn trực ban × 1", "zh": "值班台 × 1"}


@pytest.mark.parametrize("lang", ["en", "vi", "zh"])
def test_queue_table_in_html_markdown_and_docx(run_dir: Path, tmp_path: Path, lang: str) -> None:
    """Each format has the table, its headings and the hub's desk row in the report's language,
    sorted by p90 wait, the alerts per replication in the language's decimal form (no charts
    drawn: cheap)."""
    from docx import Document

    from drillsim.report import render_markdown
    from drillsim.report.docx import write_docx

    d = build(run_dir, lang)
    busy = [q for q in d.queues if q.had_traffic]
    hub = next(q for q in busy if q.agency == "district_police" and q.resource == "desk")
    assert hub.requests_per_replication == 6.0  # two incidents, three recipients each
    per_rep = "6,0" if lang == "vi" else "6.0"
    html, md = render_html(d), render_markdown(d)
    table = html[html.index('<table id="queues">') :]
    table = table[: table.index("</table>")]
    assert all(h in table for h in QUEUE_HEADINGS[lang]) and table.count("<tr>") == len(busy) + 1
    assert f'<td>{DESK_WORD[lang]}</td><td class="num">{per_rep}</td>' in table
    md_rows = [line for line in md.splitlines() if DESK_WORD[lang] in line]
    assert md_rows and f"| {per_rep} |" in md_rows[0]
    assert all(f"| {h} |" in md for h in QUEUE_HEADINGS[lang])
    write_docx(d, tmp_path / "r.docx")
    [docx_table] = [
        tb
        for tb in Document(str(tmp_path / "r.docx")).tables
        if QUEUE_HEADINGS[lang][0] in [c.text for c in tb.rows[0].cells]
    ]
    rows = [[c.text for c in r.cells] for r in docx_table.rows[1:]]
    assert len(rows) == len(busy)
    # Sorted by the 90th percentile wait, longest first, in every format alike.
    p90s = [q.p90_wait for q in sorted(busy, key=lambda q: -(q.p90_wait or 0.0))]
    from drillsim.scenario.durations import clock

    assert [r[6] for r in rows] == [clock(x) for x in p90s]  # type: ignore[arg-type]
    assert rows[0][:2] == [
        hub.name,
        DESK_WORD[lang],
    ]  # the hub's desk: the longest p90 of this drill


def test_the_command_line_reads_the_run_language_before_checking_the_folder(
    run_dir: Path, tmp_path: Path
) -> None:
    """report.data.run_language: the scenario's language from scenario.json alone (so even a
    damaged folder's errors are said in it), None when that file cannot say it."""
    from drillsim.report.data import run_language

    assert run_language(run_dir) == "vi"
    assert run_language(tmp_path) is None  # no scenario.json
    copy = Path(shutil.copytree(run_dir, tmp_path / "copy"))
    (copy / "manifest.json").write_text("{", encoding="utf-8")  # the rest is not read
    assert run_language(copy) == "vi"
    for damaged in ("{", '{"scenario": []}', '{"scenario": {"language": 3}}', "\xff"):
        (copy / "scenario.json").write_text(damaged, encoding="latin-1")
        assert run_language(copy) is None
