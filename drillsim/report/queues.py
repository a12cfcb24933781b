"""The report's queue table: waits per alert and per request at each duty desk and unit pool.

One list of formatted rows, shared by the HTML, Markdown and DOCX reports so the three show the
same figures; built from :mod:`drillsim.analysis.queues`, never by simulating.
"""

from __future__ import annotations

from collections.abc import Sequence

from drillsim.analysis.queues import QueueSummary, by_p90
from drillsim.report.i18n import number, t
from drillsim.scenario.durations import clock

QUEUE_COLUMNS = (
    "agency",
    "resource",
    "queue_per_replication",
    "queue_waited",
    "wait_mean",
    "wait_median",
    "wait_p90",
    "longest_queue",
    "utilisation",
    "busy_while_needed",
)
"""i18n keys of the table's columns, in order; every column but the first two is a number."""


def queue_header(lang: str) -> list[str]:
    """The column headings in ``lang``."""
    return [t(k, lang) for k in QUEUE_COLUMNS]


def _wait(seconds: float | None, lang: str) -> str:
    return t("still_waiting", lang) if seconds is None else clock(seconds)


def queue_rows(queues: Sequence[QueueSummary], lang: str) -> list[list[str]]:
    """One row per desk or unit pool that had any traffic, longest 90th-percentile wait first."""
    rows = []
    for q in by_p90(queues):
        longest = str(q.longest_queue)
        if q.longest_queue_at is not None:
            longest += f" @ {clock(q.longest_queue_at)}"
        rows.append(
            [
                q.name or q.agency,
                f"{t('queue_kind_' + q.resource, lang)} × {q.capacity}",
                number(q.requests_per_replication, lang),
                f"{q.waited_share:.0%}",
                clock(q.mean_wait) if q.served_per_replication else "—",
                _wait(q.median_wait, lang),
                _wait(q.p90_wait, lang),
                longest,
                f"{q.utilisation:.0%}",
                f"{q.busy_while_needed:.0%}",
            ]
        )
    return rows
