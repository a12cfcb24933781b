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

from drillsim import i18n
from drillsim.analysis.findings import IDLE_UTILISATION
from drillsim.files import write_atomic
from drillsim.report import vocab
from drillsim.report.data import RATING_THRESHOLDS, RATING_WORDS, ReportData, fmt_time
from drillsim.report.groups import group_header, group_rows
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
    _heading(doc, i18n.say(lang, "observed"), 1)
    _table(
        doc,
        [
            i18n.say(lang, "agency"),
            i18n.say(lang, "event"),
            i18n.say(lang, "observed_time"),
            i18n.say(lang, "median"),
            i18n.say(lang, "percentile"),
            "",
        ],
        [
            [
                o["name"],
                i18n.say(lang, o["event"]),
                fmt_time(o["observed"], lang),
                fmt_time(o["median"], lang),
                o["percentile_text"],
                i18n.say(lang, o["verdict"]),
            ]
            for o in d.observed
        ],
    )
    _picture(doc, d, "observed", i18n.say(lang, "observed"))


def _queues(doc: DocxDocument, d: ReportData) -> None:
    """The queue table (report.queues), as in the HTML report."""
    _heading(doc, i18n.say(d.lang, "queues"), 2)
    _table(doc, queue_header(d.lang), queue_rows(d.queues, d.lang))
    _para(doc, i18n.say(d.lang, "queue_note", n=d.n))


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
    _heading(doc, i18n.say(lang, "title"), 0)
    _para(doc, f"{sc.scenario.title} — {sc.target.name}")
    _para(doc, i18n.say(lang, "simulated", n=d.n))
    if d.partial_notice:
        _para(doc, d.partial_notice, style="Intense Quote")

    _heading(doc, f"1. {i18n.say(lang, 'overview')}", 1)
    _table(
        doc,
        ["", ""],
        [
            [i18n.say(lang, "exercise_name"), sc.scenario.title],
            [
                i18n.say(lang, "exercise_type"),
                vocab.word(vocab.EXERCISE_TYPES, sc.scenario.exercise_type, lang),
            ],
            [
                i18n.say(lang, "target"),
                f"{sc.target.name} ({vocab.word(vocab.TARGET_KINDS, sc.target.kind, lang)})",
            ],
            [
                i18n.say(lang, "mission_areas"),
                vocab.mission_areas(sc.scenario.mission_areas, lang),
            ],
            [
                i18n.say(lang, "core_capabilities"),
                "; ".join(vocab.capability(c.capability, lang) for c in d.capabilities),
            ],
            [i18n.say(lang, "scenario"), sc.scenario.description],
            [i18n.say(lang, "participants"), "; ".join(a.label for a in sc.agencies)],
        ],
    )
    _heading(doc, i18n.say(lang, "settings"), 2)
    m = d.run.manifest
    _table(
        doc,
        ["", ""],
        [
            [i18n.say(lang, "replications"), str(d.n)],
            [i18n.say(lang, "seed"), str(m.seed)],
            [i18n.say(lang, "version"), m.drillsim_version],
            [i18n.say(lang, "scenario_hash"), m.scenario_hash],
            [i18n.say(lang, "variants"), ", ".join(m.variants)],
            *([[i18n.say(lang, "failed_replications"), d.failed]] if d.failed else []),
        ],
    )

    _heading(doc, f"2. {i18n.say(lang, 'analysis')}", 1)
    _para(
        doc,
        i18n.say(
            lang,
            "rating_rule",
            p=_pct(RATING_THRESHOLDS["P"]),
            s=_pct(RATING_THRESHOLDS["S"]),
            m=_pct(RATING_THRESHOLDS["M"]),
        ),
    )
    _table(
        doc,
        [
            i18n.say(lang, "objective"),
            i18n.say(lang, "capability"),
            i18n.say(lang, "target_time"),
            i18n.say(lang, "met_share"),
            i18n.say(lang, "median"),
            i18n.say(lang, "p90"),
            i18n.say(lang, "rating"),
        ],
        [
            [
                r.objective.id,
                vocab.capability(r.objective.core_capability, lang),
                clock(r.objective.within),
                _pct(r.stats.met.share),
                fmt_time(r.stats.time.median, lang),
                fmt_time(r.stats.time.p90, lang),
                f"{r.rating}: {i18n.say(lang, RATING_WORDS[r.rating])}",
            ]
            for r in d.objectives
        ],
    )
    _table(
        doc,
        [i18n.say(lang, "capability"), i18n.say(lang, "objectives"), i18n.say(lang, "rating")],
        [
            [
                vocab.capability(c.capability, lang),
                ", ".join(c.objectives),
                f"{c.rating}: {i18n.say(lang, RATING_WORDS[c.rating])}",
            ]
            for c in d.capabilities
        ],
    )
    for r in d.objectives:
        _heading(doc, f"{r.objective.id}: {r.objective.description}", 2)
        _para(doc, f"{i18n.say(lang, 'measure')}: {vocab.measure_text(r.objective, sc, lang)}")
        _picture(
            doc,
            d,
            f"ecdf-{r.objective.id}",
            i18n.say(lang, "distribution", objective=r.objective.id),
        )
    _picture(doc, d, "split", i18n.say(lang, "split_chart"))

    _heading(doc, f"3. {i18n.say(lang, 'strengths')}", 1)
    for s in d.strengths or [i18n.say(lang, "none")]:
        _para(doc, s, style="List Bullet")
    _heading(doc, f"4. {i18n.say(lang, 'improvements')}", 1)
    for f in d.findings:
        _para(doc, f"{f.title}. {f.text}", style="List Number")
        if f.evidence:
            _para(doc, f"{i18n.say(lang, 'evidence')}: {f.evidence}")
    _picture(doc, d, "tornado", i18n.say(lang, "tornado"))

    _heading(doc, f"5. {i18n.say(lang, 'response_times')}", 1)
    _table(
        doc,
        [
            i18n.say(lang, "agency"),
            i18n.say(lang, "alerted"),
            i18n.say(lang, "activated"),
            i18n.say(lang, "on_scene"),
        ],
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
    _picture(doc, d, "gantt-median", i18n.say(lang, "timeline_median"))
    _picture(doc, d, "gantt-worst", i18n.say(lang, "timeline_worst"))
    if d.variants:
        _heading(doc, f"6. {i18n.say(lang, 'comparison')}", 1)
        _table(
            doc,
            [
                i18n.say(lang, "variants"),
                i18n.say(lang, "objective"),
                i18n.say(lang, "met_share"),
                i18n.say(lang, "difference"),
            ],
            [
                [
                    vocab.variant_label(sc, v.variant, lang),
                    v.objective,
                    _pct(v.share),
                    f"{v.share_diff * 100:+.0f} pp "
                    + (
                        i18n.say(lang, "significant")
                        if v.significant
                        else i18n.say(lang, "not_significant")
                    ),
                ]
                for v in d.variants
            ],
        )
        _picture(doc, d, "variants", i18n.say(lang, "variant_chart"))
    if d.expectations:
        _heading(doc, i18n.say(lang, "expectations"), 2)
        _table(
            doc,
            [
                i18n.say(lang, "variants"),
                i18n.say(lang, "objective"),
                i18n.say(lang, "expected_effect"),
                i18n.say(lang, "simulated_effect"),
                "",
            ],
            [
                [
                    vocab.variant_label(sc, e.variant, lang),
                    e.objective,
                    i18n.say(lang, e.expected),
                    i18n.say(lang, e.observed),
                    i18n.say(lang, "as_expected")
                    if e.as_expected
                    else i18n.say(lang, "not_as_expected"),
                ]
                for e in d.expectations
            ],
        )
    if d.observed:
        _observed(doc, d)

    _heading(doc, i18n.say(lang, "plan"), 1)
    _para(doc, i18n.say(lang, "plan_intro", idle=f"{IDLE_UTILISATION:.0%}"))
    _table(
        doc,
        [
            i18n.say(lang, "owner"),
            i18n.say(lang, "task"),
            i18n.say(lang, "deadline"),
            i18n.say(lang, "authority"),
            i18n.say(lang, "responsibility"),
            i18n.say(lang, "expected"),
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
        _para(doc, i18n.say(lang, "plan_none"))
    if d.plan_no_effect:
        _heading(doc, i18n.say(lang, "plan_no_effect"), 2)
        _para(doc, i18n.say(lang, "plan_no_effect_intro"))
        _table(
            doc,
            [i18n.say(lang, "change"), i18n.say(lang, "simulated_effect")],
            [[p["change"], p["effect"]] for p in d.plan_no_effect],
        )
    _heading(doc, i18n.say(lang, "msel"), 1)
    _table(
        doc,
        [
            i18n.say(lang, "time"),
            i18n.say(lang, "event"),
            i18n.say(lang, "detected_by"),
            i18n.say(lang, "triggers"),
        ],
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
    _heading(doc, i18n.say(lang, "graph"), 1)
    _picture(doc, d, "graph", f"{i18n.say(lang, 'graph')}. {i18n.say(lang, 'graph_note')}")
    if d.graph_groups:
        _heading(doc, i18n.say(lang, "graph_groups"), 2)
        _para(doc, i18n.say(lang, "graph_groups_intro"))
        _table(doc, group_header(lang), group_rows(d.graph_groups, lang))
    _table(
        doc,
        [
            i18n.say(lang, "link"),
            i18n.say(lang, "channel"),
            i18n.say(lang, "delay"),
            i18n.say(lang, "reliability"),
        ],
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
    _heading(doc, i18n.say(lang, "assumptions"), 1)
    _list(
        doc,
        [f"{a.about}{' = ' + a.value if a.value else ''}: {a.note}" for a in sc.assumptions],
        "List Bullet",
    )
    _list(doc, sc.sources, "List Number")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
