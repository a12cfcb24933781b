"""Ranked bottleneck findings: what delayed the objectives, where, and what change to try.

Each finding carries its evidence (critical-path shares, queue figures, the structural cut),
a severity used for ranking, the owner agency, and, where a variant can test it, the
suggested change as a :class:`~drillsim.scenario.model.Variant` that :mod:`drillsim.analysis.suggest`
simulates under common random numbers.

Severity of a delay finding = the share of the objective's critical path spent there x the
share of replications missing the objective (x 0.5 for non-critical objectives), summed over
objectives; a structural finding weighs the share of needed agencies it cuts off, so a single
point of failure ranks even when the baseline meets every target.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from drillsim import i18n
from drillsim.analysis.graph import GraphStructure
from drillsim.analysis.messages import MESSAGES
from drillsim.analysis.results import ObjectiveStats, QueueSummary
from drillsim.scenario.durations import clock
from drillsim.scenario.model import Scenario, Variant

IDLE_UTILISATION = 0.20
"""A duty desk or unit pool busy less than this share of the time it had work is idle, and so is
one where nothing ever waited: it gets no capacity suggestion (another duty officer or unit), so
none is simulated or recommended. "While it had work" (``QueueSummary.busy_while_needed``) and not
"of the whole run": a desk that takes five alerts at once and is quiet for the rest of a four-hour
run is busy 5% of the run, yet more officers shorten exactly the wait that is on the critical path."""


def idle(q: QueueSummary) -> bool:
    """True when more capacity cannot shorten a wait here (see ``IDLE_UTILISATION``)."""
    return q.busy_while_needed < IDLE_UTILISATION or q.waited_share == 0


@dataclass
class Finding:
    """One area for improvement.

    Attributes:
        kind: desk, units, link, mobilisation, single_point, bridge, unreachable.
        title: One line.
        text: What happens, in a trainer's words.
        evidence: The numbers behind it.
        agency: Owner agency (who must act).
        link: The link concerned, ``from->to``.
        objectives: Objectives affected.
        severity: Ranking score (see module docstring).
        suggestion: The improvement in words.
        variants: Changes a simulation can test (best first).
        message: Key of the finding's words in :mod:`drillsim.analysis.messages`.
        params: The names and figures the words are filled with (already formatted).
        evidence_parts: (label key, value) pairs the evidence line is made of.
    """

    kind: str
    title: str
    text: str
    evidence: str
    agency: str | None
    link: str | None
    objectives: list[str]
    severity: float
    suggestion: str
    variants: list[Variant] = field(default_factory=list)
    message: str = ""
    params: dict[str, str] = field(default_factory=dict)
    evidence_parts: list[tuple[str, str]] = field(default_factory=list)

    @property
    def element(self) -> str:
        """What the finding is about, as ``kind:where``: ``desk:police_hq``, ``units:hospital``,
        ``link:a->b``, ``mobilisation:x``, ``agency:x`` (structural) or ``links:x`` (a sender's only paths).

        Findings (and the changes answering them) with the same element are one plan row."""
        if self.kind in ("desk", "units", "mobilisation"):
            return f"{self.kind}:{self.agency}"
        if self.link:
            return f"link:{self.link}"
        return f"{'links' if self.kind == 'bridge' else 'agency'}:{self.agency}"


def _make(
    kind: str,
    message: str,
    params: dict[str, str],
    evidence: list[tuple[str, str]],
    agency: str | None,
    link: str | None,
    objectives: list[str],
    severity: float,
    variants: list[Variant] | None = None,
) -> Finding:
    """A finding whose English words come from the message catalogue (the report re-renders them)."""
    return Finding(
        kind,
        i18n.say("en", MESSAGES[message]["title"], **params),
        i18n.say("en", MESSAGES[message]["text"], **params),
        evidence_text(evidence, "en"),
        agency,
        link,
        objectives,
        severity,
        i18n.say("en", MESSAGES[message]["suggestion"], **params),
        variants or [],
        message,
        params,
        evidence,
    )


def evidence_text(parts: list[tuple[str, str]] | list[list[str]], lang: str) -> str:
    """The evidence line in ``lang``: ``label: value; label: value``."""
    return "; ".join(
        f"{i18n.say(lang, MESSAGES['evidence'][key])}: {value}" for key, value in parts
    )


def localized(finding: dict[str, Any], lang: str) -> tuple[str, str, str, str]:
    """(title, text, evidence, suggestion) of a finding read from JSON, in ``lang``.

    Findings written before messages existed (no ``message``) keep their English words.
    """
    key, params = finding.get("message"), finding.get("params") or {}
    if not key or key not in MESSAGES:
        return finding["title"], finding["text"], finding["evidence"], finding["suggestion"]
    params = dict(params)
    if "detail" in params and params.get("reliability"):
        params["detail"] = i18n.say(lang, "finding.link_detail.text", **params)
    return (
        i18n.say(lang, MESSAGES[key]["title"], **params),
        i18n.say(lang, MESSAGES[key]["text"], **params),
        evidence_text(finding.get("evidence_parts") or [], lang),
        i18n.say(lang, MESSAGES[key]["suggestion"], **params),
    )


def _label(scenario: Scenario, agency: str | None) -> str:
    for a in scenario.agencies:
        if a.id == agency:
            return a.label
    return agency or ""


def _weight(st: ObjectiveStats) -> float:
    return (1.0 - st.met.share) * (1.0 if st.objective.critical else 0.5)


def _part_findings(
    scenario: Scenario, stats: list[ObjectiveStats], queues: list[QueueSummary]
) -> list[Finding]:
    """Group critical-path time by (category, agency or link) over the objectives that fall short."""
    acc: dict[tuple[str, str], dict[str, Any]] = {}
    for st in stats:
        total = sum(st.split.values())
        w = _weight(st)
        if total <= 0 or w <= 0:
            continue
        for part, secs in st.parts.items():
            category, where = part.category, part.place
            if not where:
                continue
            # activation and travel are one mobilisation finding; transmission and retries one link finding
            merged = {"activation": "mobilisation", "travel": "mobilisation", "retries": "link"}
            key = (merged.get(category, category), where)
            entry = acc.setdefault(
                key, {"score": 0.0, "objectives": [], "seconds": {}, "retries": 0.0, "link": 0.0}
            )
            if category in ("retries", "link"):
                entry[category] += secs
            entry["score"] += w * secs / total
            entry["objectives"].append(st.objective.id)
            per = entry["seconds"]  # activation and travel add up under one mobilisation entry
            per[st.objective.id] = (per.get(st.objective.id, (0.0, total))[0] + secs, total)
    for e in acc.values():
        e["shares"] = [
            f"{obj} {secs / total:.0%} ({clock(secs)})"
            for obj, (secs, total) in e["seconds"].items()
        ]
    out = []
    queue = {(q.agency, q.resource): q for q in queues}
    for key, e in acc.items():
        if e["score"] < 0.02:
            continue
        category, where = key
        out.append(_describe(scenario, category, where, e, queue))
    return [f for f in out if f is not None]


def _describe(
    scenario: Scenario,
    category: str,
    where: str,
    e: dict[str, Any],
    queue: dict[tuple[str, str], QueueSummary],
) -> Finding | None:
    objs = sorted(set(e["objectives"]))
    evidence = [("critical_path", "; ".join(e["shares"]))]
    known = {a.id for a in scenario.agencies}
    if category == "handling":
        q = queue.get((where, "desk"))
        if q is None or where not in known:
            return None
        params = {
            "agency": _label(scenario, where),
            "officers": str(q.capacity),
            "busy": f"{q.busy_while_needed:.0%}",
            "mean_wait": clock(q.mean_wait),
            "worst_wait": clock(q.worst_wait),
            "queue": str(q.longest_queue),
        }
        quiet = idle(q)  # handling time, not a queue: no more officers
        return _make(
            "desk",
            "desk_idle" if quiet else "desk",
            params,
            evidence,
            where,
            None,
            objs,
            e["score"],
            _desk_variants(scenario, where, capacity=not quiet),
        )
    if category == "units":
        q = queue.get((where, "units"))
        if q is None or where not in known:
            return None
        units = scenario.agency(where).units
        params = {
            "agency": _label(scenario, where),
            "mean_wait": clock(q.mean_wait),
            "worst_wait": clock(q.worst_wait),
            "units": str(q.capacity),
            "busy": f"{q.busy_while_needed:.0%}",
        }
        if idle(q):
            return _make("units", "units_idle", params, evidence, where, None, objs, e["score"])
        return _make(
            "units",
            "units",
            params,
            evidence,
            where,
            None,
            objs,
            e["score"],
            [
                Variant(
                    id=f"more-units-{where}",
                    description=f"{params['agency']}: {units + 1} units",
                    change_agencies={where: {"units": units + 1}},
                )
            ],
        )
    if category == "link":
        return _link_finding(
            scenario,
            "retries" if e["retries"] > e["link"] else "link",
            where,
            evidence,
            objs,
            e["score"],
        )
    if category == "mobilisation":
        return _make(
            "mobilisation",
            "mobilisation",
            {"agency": _label(scenario, where)},
            evidence,
            where,
            None,
            objs,
            e["score"] * 0.5,
        )
    return None


def _link_finding(
    scenario: Scenario,
    category: str,
    where: str,
    evidence: list[tuple[str, str]],
    objs: list[str],
    score: float,
) -> Finding:
    src, dst = where.split("->", 1)
    link = next((lk for lk in scenario.links if lk.from_ == src and dst in lk.to), None)
    variants = []
    if link is not None and link.reliability < 0.99:
        variants.append(
            Variant(
                id=f"reliable-{src}-{dst}",
                description=f"{where}: reliability 0.99",
                change_links=[{"from": src, "to": dst, "reliability": 0.99}],
            )
        )
    params = {
        "sender": _label(scenario, src),
        "recipient": _label(scenario, dst),
        "detail": "",
        "channel": link.channel if link else "",
        "reliability": f"{link.reliability:.0%}" if link else "",
        "retry": clock(link.retry) if link else "",
    }
    if link is not None:
        params["detail"] = i18n.say("en", "finding.link_detail.text", **params)
    message = "retries" if category == "retries" else "transmission"
    if link is not None and message == "transmission" and not variants:
        # A reliable link that is slow: a faster channel, not more reliability, would help.
        mean = link.delay.mean()
        half = max(1.0, round(mean / 2))
        params["delay"] = clock(mean)
        message = "transmission_fast"
        variants.append(
            Variant(
                id=f"faster-{src}-{dst}",
                description=f"{where}: delay {clock(half)} (twice as fast)",
                change_links=[{"from": src, "to": dst, "delay": f"{half:g}s"}],
            )
        )
    return _make("link", message, params, evidence, src, where, objs, score, variants)


def _desk_variants(scenario: Scenario, hub: str, *, capacity: bool = True) -> list[Variant]:
    """Another duty officer (only with ``capacity``: not for an idle desk), and a direct alert past the desk."""
    agency = scenario.agency(hub)
    out = []
    if capacity:
        out.append(
            Variant(
                id=f"second-officer-{hub}",
                description=f"{agency.label}: {agency.duty_officers + 1} duty officers",
                change_agencies={hub: {"duty_officers": agency.duty_officers + 1}},
            )
        )
    senders = [lk for lk in scenario.links if hub in lk.to]
    behind = [t for lk in scenario.links if lk.from_ == hub for t in lk.to]
    if senders and behind:
        first = senders[0]
        out.append(
            Variant(
                id=f"bypass-{hub}",
                description=f"{first.from_} alerts {', '.join(behind)} directly",
                add_links=[
                    {
                        "from": first.from_,
                        "to": behind,
                        "channel": "direct_line",
                        "delay": first.delay.model_dump(mode="json"),
                    }
                ],
            )
        )
    return out


def _structural(scenario: Scenario, s: GraphStructure) -> list[Finding]:
    needed = set(s.needed)
    out = []
    for cut in s.articulation_points:
        lost = [a for a in cut.cut_off if a in needed]
        if (
            not lost or cut.element in s.sources
        ):  # a detecting agency is where alerts start, not a relay
            continue
        params = {
            "agency": _label(scenario, cut.element),
            "lost": ", ".join(_label(scenario, a) for a in lost),
        }
        evidence = [
            ("betweenness", f"{s.betweenness.get(cut.element, 0):.2f}"),
            ("cut_off", ", ".join(lost)),
        ]
        out.append(
            _make(
                "single_point",
                "single_point",
                params,
                evidence,
                cut.element,
                None,
                [],
                0.3 * len(lost) / max(1, len(needed)),
            )
        )
    by_sender: dict[str, list[tuple[str, list[str]]]] = {}
    for cut in s.bridges:
        lost = [a for a in cut.cut_off if a in needed]
        src, dst = cut.element.split("->", 1)
        link = next((lk for lk in scenario.links if lk.from_ == src and dst in lk.to), None)
        if lost and (link is None or link.backup is None):
            by_sender.setdefault(src, []).append((dst, lost))
    for src, links in by_sender.items():
        out.append(_bridges(scenario, src, links, len(needed)))
    for a in s.unreachable:
        if a in needed:
            out.append(
                _make(
                    "unreachable",
                    "unreachable",
                    {"agency": _label(scenario, a)},
                    [],
                    a,
                    None,
                    [],
                    1.0,
                )
            )
    return out


def _bridges(
    scenario: Scenario, src: str, links: list[tuple[str, list[str]]], needed: int
) -> Finding:
    """One finding per sender: its links that are each the only path to the agencies behind them.

    A provincial hub often has a single line to every force; one finding per link would bury
    the other findings under the same advice.
    """
    severity = sum(0.3 * len(lost) / max(1, needed) for _, lost in links)
    lost_all = [a for _, lost in links for a in lost]
    evidence = [("cut_off", ", ".join(lost_all))]
    if len(links) == 1:
        ((dst, lost),) = links
        link = next((lk for lk in scenario.links if lk.from_ == src and dst in lk.to), None)
        params = {
            "sender": _label(scenario, src),
            "recipient": _label(scenario, dst),
            "lost": ", ".join(_label(scenario, a) for a in lost),
            "channel": link.channel if link else "",
        }
        return _make("bridge", "bridge", params, evidence, src, f"{src}->{dst}", [], severity)

    def pair(dst: str, lost: list[str]) -> str:
        behind = [_label(scenario, a) for a in lost if a != dst]
        return _label(scenario, dst) + (f" ({', '.join(behind)})" if behind else "")

    params = {
        "sender": _label(scenario, src),
        "count": str(len(links)),
        "pairs": "; ".join(pair(dst, lost) for dst, lost in links),
    }
    return _make("bridge", "bridges", params, evidence, src, None, [], severity)


def find(
    scenario: Scenario,
    stats: list[ObjectiveStats],
    queues: list[QueueSummary],
    structure: GraphStructure,
) -> list[Finding]:
    """All findings, most severe first."""
    found = _part_findings(scenario, stats, queues) + _structural(scenario, structure)
    return sorted(found, key=lambda f: (-f.severity, f.title))


def strengths(stats: list[ObjectiveStats], threshold: float = 0.9) -> list[str]:
    """Objectives met in at least ``threshold`` of replications."""
    return [
        f"{st.objective.id}: met in {st.met.share:.0%} of replications"
        for st in stats
        if st.met.n and st.met.share >= threshold
    ]
