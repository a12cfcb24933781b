"""The after-action report (HSEEP AAR/IP structure) from a run folder: HTML, Markdown, DOCX, PDF.

The report reads a run folder and never simulates. HTML is one self-contained file (charts
embedded as data URIs) that opens from a USB stick; scenario text is escaped everywhere.
"""

from __future__ import annotations

import base64
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from drillsim import i18n
from drillsim.analysis.findings import IDLE_UTILISATION
from drillsim.errors import InputError, OutputExistsError
from drillsim.files import check_target, write_atomic
from drillsim.i18n import Msg, Msgn
from drillsim.report import vocab
from drillsim.report.bridge import add_findings
from drillsim.report.data import RATING_THRESHOLDS, RATING_WORDS, ReportData, build, fmt_time
from drillsim.report.fonts import font_face_css
from drillsim.report.groups import group_header, group_rows
from drillsim.report.observed import observed_rows
from drillsim.report.queues import queue_header, queue_rows
from drillsim.scenario.durations import clock, describe
from drillsim.textsafe import html_finalize, md_code, md_finalize, md_join, md_text, md_url

__all__ = ["build", "render_html", "render_markdown", "write_report"]

FORMATS = ("html", "md", "docx", "pdf")


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.0%}"


def _signed(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:+.0f} pp"


def _signed_time(x: float | None) -> str:
    return "—" if x is None else ("-" if x < 0 else "+") + clock(abs(x))


def _context(d: ReportData, images: dict[str, str]) -> dict[str, Any]:
    lang = d.lang
    labels = {a.id: a.label for a in d.scenario.agencies}
    msel = sorted(d.scenario.incidents, key=lambda i: (i.at, i.id))
    return {
        "d": d,
        "sc": d.scenario,
        "lang": lang,
        "charts": images,
        "findings": d.findings,
        "msel": msel,
        "agencies": d.scenario.agencies,
        "thresholds": RATING_THRESHOLDS,
        "rating_words": RATING_WORDS,
        "idle_utilisation": IDLE_UTILISATION,
        "T": lambda key, **kw: i18n.say(lang, key, **kw),
        "pct": _pct,
        "signed": _signed,
        "clock": clock,
        "signed_time": _signed_time,
        "ftime": lambda s: fmt_time(s, lang),
        "dist": describe,
        "measure_text": lambda obj: vocab.measure_text(obj, d.scenario, lang),
        "exercise_type": vocab.word(vocab.EXERCISE_TYPES, d.scenario.scenario.exercise_type, lang),
        "target_kind": vocab.word(vocab.TARGET_KINDS, d.scenario.target.kind, lang),
        "mission_areas": vocab.mission_areas(d.scenario.scenario.mission_areas, lang),
        "capability": lambda name: vocab.capability(name, lang),
        "vlabel": lambda v: vocab.variant_label(d.scenario, v, lang),
        "label": lambda a: labels.get(a, a),
        "cat_label": lambda c: vocab.category(c, lang),
        "share": lambda split, secs: secs / sum(split.values()) if sum(split.values()) else 0.0,
        **_queue_context(d),
        "group_header": group_header(lang),
        "group_rows": group_rows(d.graph_groups, lang),
    }


def _queue_context(d: ReportData) -> dict[str, Any]:
    """The queue table (report.queues): headings, formatted rows sorted by p90 wait, and its note."""
    return {
        "queue_header": queue_header(d.lang),
        "queue_rows": queue_rows(d.queues, d.lang),
        "queue_note": i18n.say(d.lang, "queue_note", n=d.n),
    }


def _env(autoescape: bool) -> Environment:
    env = Environment(
        loader=PackageLoader("drillsim.report", "templates"),
        autoescape=select_autoescape(["html", "j2"]) if autoescape else False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env


def render_html(d: ReportData) -> str:
    """The report as one self-contained HTML page (charts as PNG data URIs)."""
    images = {
        name: "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")
        for name, path in d.charts.items()
    }
    env = _env(True)
    env.finalize = html_finalize
    ctx = _context(d, images)
    env.filters["label"] = ctx["label"]
    html = env.get_template("report.html.j2").render(**ctx)
    face = font_face_css(html)  # the CJK glyphs this very page uses (none for most vi/en reports)
    return html.replace("</style>", f"{face}\n</style>", 1) if face else html


def render_markdown(d: ReportData) -> str:
    """The report as Markdown for version control (charts as relative links to charts/).

    Every ``{{ ... }}`` is escaped as Markdown text unless a filter marked it already escaped for
    its place (``md_url`` for link targets, ``md_code`` for code spans): see drillsim.textsafe.
    """
    images = {name: f"{path.parent.name}/{path.name}" for name, path in d.charts.items()}
    env = _env(False)
    env.finalize = md_finalize
    ctx = _context(d, images)
    env.filters.update(label=ctx["label"], md=md_text, md_code=md_code, md_url=md_url, join=md_join)
    return env.get_template("report.md.j2").render(**ctx)


def charts_folder(lang: str, scenario_lang: str) -> str:
    """Where a report's charts go: ``charts`` in the scenario's language, ``charts-<lang>`` otherwise."""
    return "charts" if lang == scenario_lang else f"charts-{lang}"


def write_report(
    root: Path,
    *,
    formats: Sequence[str] = ("html", "md"),
    lang: str | None = None,
    observed: Path | None = None,
    observed_start: float | None = None,
    force: bool = False,
) -> list[Path]:
    """Write the report files into the run folder ``root``; returns their paths.

    A report file already there (perhaps edited in a word processor since) is replaced only with
    ``force``, checked before anything is drawn. Charts go to ``charts/`` in the scenario's
    language and to ``charts-<lang>/`` in another, so each report's Markdown links its own.
    """
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise InputError(
            Msg("report.unknown_format", formats=", ".join(bad), known=", ".join(FORMATS))
        )
    d = build(root, lang)
    stem = f"after-action-report-{d.lang}"
    targets = [root / f"{stem}.{f}" for f in formats]
    for target in targets:
        check_target(target)  # a link or a device is refused now, not after the charts are drawn
    existing = [t for t in targets if t.exists()]
    if existing and not force:
        raise OutputExistsError(
            Msgn(
                "report.exists",
                "report.exist",
                len(existing),
                files=", ".join(map(str, existing)),
            )
        )
    _add_analysis(d)
    if observed is not None:
        d.observed = observed_rows(d, observed, observed_start)
    # NOTE: imported here: the charts bring matplotlib (about 0.3 s), which rendering a report's
    # text (render_html, render_markdown) does not need.
    from drillsim.report.figures import graph_groups, make_charts

    d.charts = make_charts(d, root / charts_folder(d.lang, d.scenario.scenario.language))
    d.graph_groups = graph_groups(d)
    rendered = _render(
        d, formats
    )  # every format in memory first: a failure leaves no report half-written
    for fmt in formats:
        write_atomic(root / f"{stem}.{fmt}", rendered[fmt])
    return [root / f"{stem}.{fmt}" for fmt in formats]


def _render(d: ReportData, formats: Sequence[str]) -> dict[str, str | bytes]:
    """Each requested format's content, built before any report file is written."""
    out: dict[str, str | bytes] = {}
    html = render_html(d) if {"html", "pdf"} & set(formats) else ""
    if "html" in formats:
        out["html"] = html
    if "md" in formats:
        out["md"] = render_markdown(d)
    if "docx" in formats:
        # NOTE: imported here: python-docx takes about 0.1 s to import, for one format of four.
        from drillsim.report.docx import docx_bytes

        out["docx"] = docx_bytes(d)
    if "pdf" in formats:
        out["pdf"] = pdf_bytes(html)
    return out


def _add_analysis(d: ReportData) -> None:
    """Findings, strengths and the improvement plan from the bottleneck analysis."""
    add_findings(d)


def find_browser() -> str | None:
    """A headless Chromium/Chrome on PATH, for PDF output and the report tests."""
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


CHROMIUM_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
"""Chromium flags for a closed machine: no background connections, no GPU, root-safe."""


def chromium_args(user_dir: str) -> list[str]:
    """Command-line flags for a headless Chromium with a throw-away profile."""
    return ["--headless", *CHROMIUM_FLAGS, f"--user-data-dir={user_dir}"]


def pdf_bytes(html: str) -> bytes:
    """The HTML report printed to PDF by headless Chromium (the only PDF route: no heavy install)."""
    browser = find_browser()
    if browser is None:
        raise InputError(Msg("report.pdf_needs_chromium"))
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "report.html"
        src.write_text(html, encoding="utf-8")
        out = Path(tmp) / "report.pdf"
        cmd = [
            browser,
            *chromium_args(str(Path(tmp) / "profile")),
            "--no-pdf-header-footer",
            f"--print-to-pdf={out}",
            src.as_uri(),
        ]
        try:
            subprocess.run(cmd, check=True, capture_output=True, timeout=120)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            raise InputError(Msg("report.pdf_failed", error=str(exc))) from None
        if not out.exists() or out.stat().st_size == 0:
            raise InputError(Msg("report.pdf_missing"))
        return out.read_bytes()
