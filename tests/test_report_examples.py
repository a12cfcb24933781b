"""The after-action report of real example scenarios, not only of the test fixture: the
Vietnamese hydropower drill and the Chinese school drill render every chart without a missing
glyph (in their own language and in the other two), and the HTML opens in headless Chromium with
every section and every chart loaded."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from drillsim.report import charts_folder, write_report
from drillsim.report.data import load_scenario_json
from drillsim.runs.store import prepare_dir
from drillsim.runs.study import run_study
from drillsim.scenario.loader import load_scenario
from tests.test_report import SECTIONS, open_page

# slow: two example studies with suggestions, each report built in three languages
pytestmark = pytest.mark.slow

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
EXAMPLES = {"lai-chau-hydropower": "vi", "jiangcheng-school-campus": "zh"}
GLYPH_TROUBLE = ("missing from", "Glyph", "findfont", "not found")


@pytest.fixture(scope="module", params=sorted(EXAMPLES))
def example_run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = SCENARIOS / f"{request.param}.yaml"
    scenario = load_scenario(path)
    out = prepare_dir(tmp_path_factory.mktemp(request.param) / "run", force=False)
    return run_study(
        scenario,
        path,
        out,
        n=40,
        seed=3,
        variants=["base", *[v.id for v in scenario.variants]],
        suggest=20,
    )


@pytest.mark.parametrize("lang", ["en", "vi", "zh"])
def test_example_report_has_no_missing_glyphs(
    example_run: Path, lang: str, caplog: pytest.LogCaptureFixture, recwarn: pytest.WarningsRecorder
) -> None:
    """Every chart is drawn (PNG and SVG) while warnings and matplotlib's log are recorded."""
    import warnings

    warnings.simplefilter("always")
    with caplog.at_level(logging.WARNING, logger="matplotlib"):
        paths = write_report(example_run, formats=("html", "md", "docx"), lang=lang, force=True)
    assert {p.suffix for p in paths} == {".html", ".md", ".docx"}
    problems = [str(w.message) for w in recwarn] + [r.getMessage() for r in caplog.records]
    assert not [p for p in problems if any(t in p for t in GLYPH_TROUBLE)], problems
    own = load_scenario_json(example_run).scenario.language
    charts = list((example_run / charts_folder(lang, own)).glob("*.png"))
    assert len(charts) >= 8  # distributions, split, two timelines, graph, variants, tornado


@pytest.mark.browser
def test_example_report_opens_in_chromium_with_every_section_and_chart(example_run: Path) -> None:
    (html,) = write_report(example_run, formats=("html",), force=True)
    pw, browser, page, dialogs = open_page(html, f"report-{example_run.parent.name}.png")
    try:
        images = page.evaluate("Array.from(document.images).map(i => [i.complete, i.naturalWidth])")
        assert len(images) >= 8 and all(done and width > 0 for done, width in images)
        for section in SECTIONS:
            assert page.locator(f"section#{section}").count() == 1, section
        assert not dialogs
    finally:
        browser.close()
        pw.stop()
