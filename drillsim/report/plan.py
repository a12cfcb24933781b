"""Strengths, areas for improvement and the improvement plan ("six clarities") of the report.

The plan follows its own evidence: every row is ONE simulated change (a suggestion of
:mod:`drillsim.analysis.suggest`, tested under common random numbers) that met at least one
objective significantly more often, and it quotes that change's own effect. Rows are ranked by
the sum of the significant gains; changes about the same element (a duty desk, a unit pool, a
link) are one row (the best; the others are named as alternatives). Changes with no significant
gain are listed apart as "tested, no measurable effect" and never recommended. A change that
touches an agency outside the sponsor's authority (``authority: external``) becomes a
"coordinate with ... through ..." row addressed to that agency's liaison.

The six clarities (HSEEP Improvement Plan; the Vietnamese "sáu rõ"): people = the responsible
agency and its superior, work = the change in words, deadline = exercise date + ``plan_due``,
authority = the sponsor, responsibility = the head of the agency, result = the simulated effect.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from drillsim.analysis.suggest import Suggestion, describe_change, split
from drillsim.dates import DEFAULT_PLAN_DUE_DAYS
from drillsim.report.data import ReportData
from drillsim.report.i18n import t
from drillsim.scenario.durations import clock
from drillsim.scenario.model import Scenario, Variant


@dataclass(frozen=True, slots=True)
class ReportFinding:
    """An area for improvement as the report shows it."""

    title: str
    text: str
    evidence: str
    agency: str | None
    link: str | None
    objectives: tuple[str, ...]
    suggestion: str


@dataclass(frozen=True, slots=True)
class PlanItem:
    """One improvement-plan row before it is worded: the change, who it is addressed to, and why.

    Attributes:
        change: The recommended change (its effects are the row's result).
        element: What it acts on (``desk:x``, ``units:x``, ``link:a->b``, ...).
        owner: The agency the row is addressed to (the liaison when an external agency is involved).
        external: External agencies the change involves (the row is then a coordination).
        alternatives: Other significantly helpful changes of the same element, smaller gain first excluded.
    """

    change: Suggestion
    element: str
    owner: str
    external: tuple[str, ...] = ()
    alternatives: tuple[Suggestion, ...] = ()


def strengths(d: ReportData) -> list[str]:
    """Objectives met in at least the P threshold of replications, with their figures."""
    out = []
    for r in d.objectives:
        if r.rating == "P":
            out.append(
                f"{r.objective.id}: {r.objective.description} — {r.stats.met.share:.0%} "
                f"({t('median', d.lang)} {_clock(r.stats.time.median, d.lang)})"
            )
    return out


def _clock(s: float | None, lang: str) -> str:
    from drillsim.report.data import fmt_time

    return fmt_time(s, lang)


def authority(d: ReportData) -> str:
    """Who approves corrective actions: the sponsor, else (stated as a default) the hub agency."""
    if d.scenario.scenario.sponsor:
        return d.scenario.scenario.sponsor
    hub = d.agency_label(d.hub) if d.hub else d.agency_label(d.scenario.agencies[0].id)
    return t("plan_authority_default", d.lang, agency=hub)


def touched(variant: Variant) -> list[str]:
    """Every agency a change names: changed agencies and both ends of changed or added links."""
    out = list(variant.change_agencies)
    for lk in variant.change_links:
        out += [lk.from_, lk.to]
    for added in variant.add_links:
        out += [added.from_, *added.to]
    return list(dict.fromkeys(out))


def _element(s: Suggestion) -> str:
    return s.element or f"variant:{s.variant.id}"


def plan_items(
    scenario: Scenario, suggestions: Sequence[Suggestion]
) -> tuple[list[PlanItem], list[Suggestion]]:
    """(plan rows, best first; changes tested without a significant gain) from the tested changes."""
    good, rest = split(suggestions)
    known = {a.id for a in scenario.agencies}
    rows: dict[str, PlanItem] = {}
    for s in good:
        key = _element(s)
        if key in rows:
            first = rows[key]
            rows[key] = PlanItem(
                first.change, first.element, first.owner, first.external, (*first.alternatives, s)
            )
            continue
        external = tuple(
            a for a in touched(s.variant) if a in known and scenario.agency(a).external
        )
        owner = s.owner
        if external:
            owner = scenario.liaison_of(external[0]) or owner
        rows[key] = PlanItem(s, key, owner, external)
    return list(rows.values()), rest


def change_words(scenario: Scenario, s: Suggestion, lang: str) -> str:
    """The change in words with full display names: the agency, or the channel and both link ends."""
    v = s.variant
    key, _ = describe_change(scenario, v)
    label = scenario.agency_label
    if key in ("change_officers", "change_units"):
        agency, change = next(iter(v.change_agencies.items()))
        a = scenario.agency(agency)
        if key == "change_officers":
            return t(
                "plan_officers", lang, agency=a.label, old=a.duty_officers, new=change.duty_officers
            )
        return t("plan_units", lang, agency=a.label, old=a.units, new=change.units)
    if key in ("change_reliability", "change_delay"):
        c = v.change_links[0]
        link = next((lk for lk in scenario.links if lk.from_ == c.from_ and c.to in lk.to), None)
        names = {
            "sender": label(c.from_),
            "recipient": label(c.to),
            "channel": link.channel if link else "",
        }
        if key == "change_reliability":
            return t(
                "plan_reliability",
                lang,
                **names,
                old=f"{link.reliability:.0%}" if link else "?",
                new=f"{c.reliability:.0%}",
            )
        assert c.delay is not None
        return t(
            "plan_delay",
            lang,
            **names,
            old=clock(link.delay.mean()) if link else "?",
            new=clock(c.delay.mean()),
        )
    if key in ("change_direct", "change_direct_many"):
        added = v.add_links[0]
        text = t(
            "plan_direct",
            lang,
            sender=label(added.from_),
            recipients=_join([label(r) for r in added.to], lang),
        )
        if s.element.startswith("desk:"):
            text += t("plan_past_desk", lang, agency=label(s.element.split(":", 1)[1]))
        return text
    return v.description or v.id


def _join(names: list[str], lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(names)


def _pp(x: float | None, lang: str = "en") -> str:
    """Percentage points, signed; one decimal (a comma in Vietnamese) below 1 pp, so that a significant
    bound never reads +0."""
    if x is None:
        return "?"
    if 0 < abs(x * 100) < 1:
        text = f"{x * 100:+.1f}"
        return text.replace(".", ",") if lang == "vi" else text
    return f"{x * 100:+.0f}"


def effect_words(s: Suggestion, lang: str) -> str:
    """The change's own simulated effect on each objective it moves significantly (with the 95%
    interval of the paired difference and the median time change), worse ones marked."""
    parts = []
    for e in s.effects:
        if not e.significant:
            continue
        if e.before is not None and e.after is not None:
            text = t(
                "plan_effect",
                lang,
                objective=e.objective,
                before=f"{e.before:.0%}",
                after=f"{e.after:.0%}",
                low=_pp(e.met_ci.low, lang),
                high=_pp(e.met_ci.high, lang),
            )
        else:
            text = t(
                "plan_effect_diff",
                lang,
                objective=e.objective,
                diff=_pp(e.met_diff, lang),
                low=_pp(e.met_ci.low, lang),
                high=_pp(e.met_ci.high, lang),
            )
        if e.median_diff is not None and abs(e.median_diff) >= 1:
            sign = "−" if e.median_diff < 0 else "+"
            text += t("plan_median", lang, change=f"{sign}{clock(abs(e.median_diff))}")
        if e.worse:
            text += t("plan_worse", lang)
        parts.append(text)
    return "; ".join(parts) or t("plan_no_effect_short", lang)


def deadline(scenario: Scenario, lang: str) -> str:
    """Exercise date + ``plan_due`` in the locale's date form, saying where either is a default."""
    info = scenario.scenario
    days = info.plan_due or DEFAULT_PLAN_DUE_DAYS
    note = t("plan_due_default", lang, days=days) if info.plan_due is None else ""
    if info.date is None:
        return t("plan_due_after", lang, days=days) + note + t("plan_date_unset", lang)
    return _date(info.date + datetime.timedelta(days=days), lang) + note


def _date(day: datetime.date, lang: str) -> str:
    if lang == "vi":
        return f"{day.day:02d}/{day.month:02d}/{day.year}"
    if lang == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    return day.isoformat()


def _people(scenario: Scenario, agency: str, lang: str) -> str:
    name = scenario.agency_label(agency)
    try:
        superior = scenario.superior_label(agency)
    except KeyError:
        superior = ""
    return t("plan_people", lang, agency=name, superior=superior) if superior else name


def plan_rows(d: ReportData, items: Sequence[PlanItem]) -> list[dict[str, str]]:
    """The six clarities of every plan item, in the report's language."""
    sc, lang = d.scenario, d.lang
    rows = []
    for item in items:
        work = change_words(sc, item.change, lang)
        if item.external:
            work = t(
                "plan_coordinate",
                lang,
                external=_join([sc.agency_label(a) for a in item.external], lang),
                liaison=sc.agency_label(item.owner),
                change=work,
            )
        for alt in item.alternatives:
            work += t(
                "plan_alternative",
                lang,
                change=change_words(sc, alt, lang),
                gain=_pp(alt.benefit, lang),
            )
        owner = sc.agency_label(item.owner) if item.owner else authority(d)
        rows.append(
            {
                "id": item.change.variant.id,
                "element": item.element,
                "alternatives": " ".join(alt.variant.id for alt in item.alternatives),
                "owner": _people(sc, item.owner, lang) if item.owner else owner,
                "task": work,
                "deadline": deadline(sc, lang),
                "authority": authority(d),
                "responsibility": t("responsibility_default", lang, agency=owner),
                "expected": effect_words(item.change, lang),
            }
        )
    return rows


def no_effect_rows(d: ReportData, tested: Sequence[Suggestion]) -> list[dict[str, str]]:
    """Changes tested without a significant gain: what they were and what they did (not recommended)."""
    return [
        {
            "id": s.variant.id,
            "element": _element(s),
            "change": change_words(d.scenario, s, d.lang),
            "effect": effect_words(s, d.lang),
        }
        for s in tested
    ]


def add_findings(d: ReportData) -> None:
    """Fill the report's findings, strengths, plan and sensitivity from the analysis."""
    from drillsim.report.bridge import report_findings, tested_changes

    findings, sensitivity, hub = report_findings(d)
    d.findings = findings
    d.sensitivity = sensitivity
    d.hub = hub
    d.strengths = strengths(d)
    items, rest = plan_items(d.scenario, tested_changes(d))
    d.plan = plan_rows(d, items)
    d.plan_no_effect = no_effect_rows(d, rest)


__all__ = [
    "PlanItem",
    "ReportFinding",
    "add_findings",
    "change_words",
    "deadline",
    "effect_words",
    "no_effect_rows",
    "plan_items",
    "plan_rows",
    "strengths",
]
