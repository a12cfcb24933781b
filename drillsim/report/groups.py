"""The report's table of a summarised coordination diagram: what each group node stands for.

A diagram of a large scenario draws the bottleneck and its neighbourhood one by one and every
other agency inside a group node (``drillsim.charts.graph_summary``). This table gives each
group's size, its links and its desk delays, formatted once for the HTML, Markdown and DOCX
reports.
"""

from __future__ import annotations

from collections.abc import Sequence

from drillsim import i18n
from drillsim.charts.graph_summary import GroupRow
from drillsim.i18n import N_
from drillsim.scenario.durations import clock

GROUP_COLUMNS = (
    N_("group"),
    N_("group_agencies"),
    N_("group_links_in"),
    N_("group_links_out"),
    N_("group_links_within"),
    N_("wait_mean"),
    N_("group_slowest"),
)
"""i18n keys of the table's columns; the first and the last are text, the others numbers."""


def group_header(lang: str) -> list[str]:
    """The column headings in ``lang``."""
    return [i18n.say(lang, k) for k in GROUP_COLUMNS]


def group_rows(groups: Sequence[GroupRow], lang: str) -> list[list[str]]:
    """One row per group node, in the diagram's order."""
    rows = []
    for g in groups:
        slowest = f"{g.slowest} ({clock(g.slowest_delay)})" if g.slowest_delay is not None else "—"
        rows.append(
            [
                g.group,
                i18n.number(g.agencies, lang, 0),
                i18n.number(g.links_in, lang, 0),
                i18n.number(g.links_out, lang, 0),
                i18n.number(g.links_within, lang, 0),
                "—" if g.mean_delay is None else clock(g.mean_delay),
                slowest,
            ]
        )
    return rows
