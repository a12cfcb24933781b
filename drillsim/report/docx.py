"""The report as a DOCX document for offices that edit it in a word processor.

Headings are real Word headings (``Heading 1/2``), tables are real tables, charts are pictures.
python-docx escapes text itself: scenario text is stored as text, never as markup. Every text passes
through :func:`drillsim.textsafe.office_text` (in ``_para``, ``_heading`` and ``_table``), so a control
character in a name is shown as ``\\x01`` instead of making the document impossible to write.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Sequence
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph

from drillsim.files import write_atomic
from drillsim.report import vocab
from drillsim.report.data import RATING_THRESHOLDS, ReportData, fmt_time
from drillsim.report.i18n import t
from drillsim.report.queues import queue_header, queue_rows
from drillsim.scenario.durations import clock, describe
from drillsim.textsafe import office_text

EAST_ASIAN_FONT = "Microsoft YaHei"
"""Font Word uses for Chinese characters: a sans-serif like the charts' Noto Sans CJK, on every
Windows since Vista; LibreOffice substitutes an installed CJK font (Noto Sans CJK) for it."""


def _east_asian_font(doc: DocxDocument) -> None:
    """Chinese names are set in a CJK font, in body text and headings alike.

    python-docx's template leaves East Asian text to the theme's font (``eastAsiaTheme``), which
    Word resolves to a Latin font in a non-Chinese install and then shows substitutes or boxes.
    The document defaults and every style that names a theme font get an explicit font instead,
    and the East Asian language is Chinese, so Word breaks lines and spaces punctuation as such.
    """
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for rfonts in [defaults.find(qn("w:rFonts")), *styles.iter(qn("w:rFonts"))]:
        if rfonts is not None:
            rfonts.attrib.pop(qn("w:eastAsiaTheme"), None)
            rfonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)
    lang = defaults.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")


def _para(doc: DocxDocument, text: str, style: str | None = None) -> None:
    """A paragraph of (escaped) text."""
    doc.add_paragraph(office_text(text), style=style)


def _heading(doc: DocxDocument, text: str, level: int) -> None:
    """A Word heading of (escaped) text."""
    doc.add_heading(office_text(text), level)


def _table(doc: DocxDocument, header: list[str], rows: list[list[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = office_text(text)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    if not rows:
        return
    # python-docx's add_row looks up the table grid by a scan that grows with the rows (100,000
    # sources or links took minutes); copies of one empty row appended to the table stay linear.
    first = table.add_row()._tr
    template = copy.deepcopy(first)
    for i, row in enumerate(rows):
        tr = first if i == 0 else copy.deepcopy(template)
        if i:
            table._tbl.append(tr)
        for tc, text in zip(tr.tc_lst, row):
            # what cell.text writes, without its per-cell searches
            tc.p_lst[0].add_r().text = office_text(text)


def _list(doc: DocxDocument, texts: Sequence[str], style: str) -> None:
    """Paragraphs of one list style, each added after the last: linear, where ``add_paragraph``
    searches the body for its end and resolves the style again for every paragraph."""
    if not texts:
        return
    first = doc.add_paragraph(office_text(""), style=style)  # empty: its copies are the template
    template, last = copy.deepcopy(first._p), first._p
    first.add_run(office_text(texts[0]))
    for text in texts[1:]:
        p = copy.deepcopy(template)
        last.addnext(p)
        last = p
        Paragraph(p, first._parent).add_run(office_text(text))


def _picture(doc: DocxDocument, d: ReportData, name: str, caption: str) -> None:
    path = d.charts.get(name)
    if path and path.exists():
        doc.add_picture(str(path), width=Cm(16))
        _para(doc, caption, style="Caption")


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.0%}"


def _observed(doc: DocxDocument, d: ReportData) -> None:
    """The live drill against the simulation: the HTML report's table and chart."""
    lang = d.lang
    _heading(doc, t("observed", lang), 1)
    _table(
        doc,
        [
            t("agency", lang),
            t("event", lang),
            t("observed_time", lang),
            t("median", lang),
            t("percentile", lang),
            "",
        ],
        [
            [
                o["name"],
                t(o["event"], lang),
                fmt_time(o["observed"], lang),
                fmt_time(o["median"], lang),
                o["percentile_text"],
                t(o["verdict"], lang),
            ]
            for o in d.observed
        ],
    )
    _picture(doc, d, "observed", t("observed", lang))


def _queues(doc: DocxDocument, d: ReportData) -> None:
    """The queue table (report.queues), as in the HTML report."""
    _heading(doc, t("queues", d.lang), 2)
    _table(doc, queue_header(d.lang), queue_rows(d.queues, d.lang))
    _para(doc, t("queue_note", d.lang, n=d.n))


def write_docx(d: ReportData, target: Path) -> Path:
    """Build the DOCX and write it atomically."""
    write_atomic(target, docx_bytes(d))
    return target


def docx_bytes(d: ReportData) -> bytes:
    """The DOCX report's bytes (built whole in memory, so nothing is written if it fails)."""
    lang = d.lang
    sc = d.scenario
    label = {a.id: a.label for a in sc.agencies}
    doc = Document()
    _east_asian_font(doc)
    doc.styles["Normal"].font.size = Pt(10)
    _heading(doc, t("title", lang), 0)
    _para(doc, f"{sc.scenario.title} — {sc.target.name}")
    _para(doc, t("simulated", lang, n=d.n))
    if d.partial_notice:
        _para(doc, d.partial_notice, style="Intense Quote")

    _heading(doc, f"1. {t('overview', lang)}", 1)
    _table(
        doc,
        ["", ""],
        [
            [t("exercise_name", lang), sc.scenario.title],
            [
                t("exercise_type", lang),
                vocab.word(vocab.EXERCISE_TYPES, sc.scenario.exercise_type, lang),
            ],
            [
                t("target", lang),
                f"{sc.target.name} ({vocab.word(vocab.TARGET_KINDS, sc.target.kind, lang)})",
            ],
            [t("mission_areas", lang), vocab.mission_areas(sc.scenario.mission_areas, lang)],
            [
                t("core_capabilities", lang),
                "; ".join(vocab.capability(c.capability, lang) for c in d.capabilities),
            ],
            [t("scenario", lang), sc.scenario.description],
            [t("participants", lang), "; ".join(a.label for a in sc.agencies)],
        ],
    )
    _heading(doc, t("settings", lang), 2)
    m = d.run.manifest
    _table(
        doc,
        ["", ""],
        [
            [t("replications", lang), str(d.n)],
            [t("seed", lang), str(m.seed)],
            [t("version", lang), m.drillsim_version],
            [t("scenario_hash", lang), m.scenario_hash],
            [t("variants", lang), ", ".join(m.variants)],
            *([[t("failed_replications", lang), d.failed]] if d.failed else []),
        ],
    )

    _heading(doc, f"2. {t('analysis', lang)}", 1)
    _para(
        doc,
        t(
            "rating_rule",
            lang,
            p=_pct(RATING_THRESHOLDS["P"]),
            s=_pct(RATING_THRESHOLDS["S"]),
            m=_pct(RATING_THRESHOLDS["M"]),
        ),
    )
    _table(
        doc,
        [
            t("objective", lang),
            t("capability", lang),
            t("target_time", lang),
            t("met_share", lang),
            t("median", lang),
            t("p90", lang),
            t("rating", lang),
        ],
        [
            [
                r.objective.id,
                vocab.capability(r.objective.core_capability, lang),
                clock(r.objective.within),
                _pct(r.stats.met.share),
                fmt_time(r.stats.time.median, lang),
                fmt_time(r.stats.time.p90, lang),
                f"{r.rating}: {t('rating_' + r.rating, lang)}",
            ]
            for r in d.objectives
        ],
    )
    _table(
        doc,
        [t("capability", lang), t("objectives", lang), t("rating", lang)],
        [
            [
                vocab.capability(c.capability, lang),
                ", ".join(c.objectives),
                f"{c.rating}: {t('rating_' + c.rating, lang)}",
            ]
            for c in d.capabilities
        ],
    )
    for r in d.objectives:
        _heading(doc, f"{r.objective.id}: {r.objective.description}", 2)
        _para(doc, f"{t('measure', lang)}: {vocab.measure_text(r.objective, sc, lang)}")
        _picture(
            doc, d, f"ecdf-{r.objective.id}", t("distribution", lang, objective=r.objective.id)
        )
    _picture(doc, d, "split", t("split_chart", lang))

    _heading(doc, f"3. {t('strengths', lang)}", 1)
    for s in d.strengths or [t("none", lang)]:
        _para(doc, s, style="List Bullet")
    _heading(doc, f"4. {t('improvements', lang)}", 1)
    for f in d.findings:
        _para(doc, f"{f.title}. {f.text}", style="List Number")
        if f.evidence:
            _para(doc, f"{t('evidence', lang)}: {f.evidence}")
    _picture(doc, d, "tornado", t("tornado", lang))

    _heading(doc, f"5. {t('response_times', lang)}", 1)
    _table(
        doc,
        [t("agency", lang), t("alerted", lang), t("activated", lang), t("on_scene", lang)],
        [
            [
                label.get(a.agency, a.agency),
                fmt_time(a.alerted.median, lang),
                fmt_time(a.activated.median, lang),
                fmt_time(a.on_scene.median, lang),
            ]
            for a in d.agencies
        ],
    )
    _queues(doc, d)
    _picture(doc, d, "gantt-median", t("timeline_median", lang))
    _picture(doc, d, "gantt-worst", t("timeline_worst", lang))
    if d.variants:
        _heading(doc, f"6. {t('comparison', lang)}", 1)
        _table(
            doc,
            [
                t("variants", lang),
                t("objective", lang),
                t("met_share", lang),
                t("difference", lang),
            ],
            [
                [
                    vocab.variant_label(sc, v.variant, lang),
                    v.objective,
                    _pct(v.share),
                    f"{v.share_diff * 100:+.0f} pp "
                    + (t("significant", lang) if v.significant else t("not_significant", lang)),
                ]
                for v in d.variants
            ],
        )
        _picture(doc, d, "variants", t("variant_chart", lang))
    if d.expectations:
        _heading(doc, t("expectations", lang), 2)
        _table(
            doc,
            [
                t("variants", lang),
                t("objective", lang),
                t("expected_effect", lang),
                t("simulated_effect", lang),
                "",
            ],
            [
                [
                    vocab.variant_label(sc, e.variant, lang),
                    e.objective,
                    t(e.expected, lang),
                    t(e.observed, lang),
                    t("as_expected" if e.as_expected else "not_as_expected", lang),
                ]
                for e in d.expectations
            ],
        )
    if d.observed:
        _observed(doc, d)

    _heading(doc, t("plan", lang), 1)
    _para(doc, t("plan_intro", lang))
    _table(
        doc,
        [
            t("owner", lang),
            t("task", lang),
            t("deadline", lang),
            t("authority", lang),
            t("responsibility", lang),
            t("expected", lang),
        ],
        [
            [
                p["owner"],
                p["task"],
                p["deadline"],
                p["authority"],
                p["responsibility"],
                p["expected"],
            ]
            for p in d.plan
        ],
    )
    if not d.plan:
        _para(doc, t("plan_none", lang))
    if d.plan_no_effect:
        _heading(doc, t("plan_no_effect", lang), 2)
        _para(doc, t("plan_no_effect_intro", lang))
        _table(
            doc,
            [t("change", lang), t("simulated_effect", lang)],
            [[p["change"], p["effect"]] for p in d.plan_no_effect],
        )
    _heading(doc, t("msel", lang), 1)
    _table(
        doc,
        [t("time", lang), t("event", lang), t("detected_by", lang), t("triggers", lang)],
        [
            [
                clock(i.at),
                f"{i.id} {i.description}",
                label.get(i.detected_by, i.detected_by),
                ", ".join(i.triggers),
            ]
            for i in sorted(sc.incidents, key=lambda i: (i.at, i.id))
        ],
    )
    _heading(doc, t("graph", lang), 1)
    _picture(doc, d, "graph", f"{t('graph', lang)}. {t('graph_note', lang)}")
    _table(
        doc,
        [t("link", lang), t("channel", lang), t("delay", lang), t("reliability", lang)],
        [
            [
                f"{label.get(link.from_, link.from_)} → {', '.join(label.get(x, x) for x in link.to)}",
                link.channel,
                describe(link.delay),
                _pct(link.reliability),
            ]
            for link in sc.links
        ],
    )
    _heading(doc, t("assumptions", lang), 1)
    _list(
        doc,
        [f"{a.about}{' = ' + a.value if a.value else ''}: {a.note}" for a in sc.assumptions],
        "List Bullet",
    )
    _list(doc, sc.sources, "List Number")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
