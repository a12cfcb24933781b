"""The report's queue table: waits per alert and per request at each duty desk and unit pool.

One list of formatted rows, shared by the HTML, Markdown and DOCX reports so the three show the
same figures; built from :mod:`drillsim.analysis.queues`, never by simulating.
"""

from __future__ import annotations

from collections.abc import Sequence

from drillsim import i18n
from drillsim.analysis.queues import QueueSummary, by_p90
from drillsim.i18n import N_
from drillsim.scenario.durations import clock

QUEUE_COLUMNS = (
    N_("agency"),
    N_("resource"),
    N_("queue_per_replication"),
    N_("queue_waited"),
    N_("wait_mean"),
    N_("wait_median"),
    N_("wait_p90"),
    N_("longest_queue"),
    N_("utilisation"),
    N_("busy_while_needed"),
)
"""i18n keys of the table's columns, in order; every column but the first two is a number."""

QUEUE_KINDS = {"desk": N_("queue_kind_desk"), "units": N_("queue_kind_units")}
"""Resource kind -> message id of its name."""


def queue_header(lang: str) -> list[str]:
    """The column headings in ``lang``."""
    return [i18n.say(lang, k) for k in QUEUE_COLUMNS]


def _wait(seconds: float | None, lang: str) -> str:
    return i18n.say(lang, "still_waiting") if seconds is None else clock(seconds)


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
                f"{i18n.say(lang, QUEUE_KINDS[q.resource])} × {q.capacity}",
                i18n.number(q.requests_per_replication, lang),
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
