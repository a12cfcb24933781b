"""The message ids of the bottleneck findings and suggested changes.

A finding stores a message key and its parameters (names and figures already formatted), so the
same finding is written in the language of each report; the English text is what the terminal
and the JSON show. The words themselves are in the drillsim.i18n catalogue under
``finding.<key>.<part>``; this table lists the parts each key has (analysis.json is checked
against it).
"""

from __future__ import annotations

from drillsim.i18n import N_
from drillsim.names import without_asides

MESSAGES: dict[str, dict[str, str]] = {
    "desk": {
        "title": N_("finding.desk.title"),
        "text": N_("finding.desk.text"),
        "suggestion": N_("finding.desk.suggestion"),
    },
    "desk_idle": {
        "title": N_("finding.desk_idle.title"),
        "text": N_("finding.desk_idle.text"),
        "suggestion": N_("finding.desk_idle.suggestion"),
    },
    "units_idle": {
        "title": N_("finding.units_idle.title"),
        "text": N_("finding.units_idle.text"),
        "suggestion": N_("finding.units_idle.suggestion"),
    },
    "units": {
        "title": N_("finding.units.title"),
        "text": N_("finding.units.text"),
        "suggestion": N_("finding.units.suggestion"),
    },
    "retries": {
        "title": N_("finding.retries.title"),
        "text": N_("finding.retries.text"),
        "suggestion": N_("finding.retries.suggestion"),
    },
    "transmission": {
        "title": N_("finding.transmission.title"),
        "text": N_("finding.transmission.text"),
        "suggestion": N_("finding.transmission.suggestion"),
    },
    "transmission_fast": {
        "title": N_("finding.transmission_fast.title"),
        "text": N_("finding.transmission_fast.text"),
        "suggestion": N_("finding.transmission_fast.suggestion"),
    },
    "link_detail": {"text": N_("finding.link_detail.text")},
    "mobilisation": {
        "title": N_("finding.mobilisation.title"),
        "text": N_("finding.mobilisation.text"),
        "suggestion": N_("finding.mobilisation.suggestion"),
    },
    "single_point": {
        "title": N_("finding.single_point.title"),
        "text": N_("finding.single_point.text"),
        "suggestion": N_("finding.single_point.suggestion"),
    },
    "bridge": {
        "title": N_("finding.bridge.title"),
        "text": N_("finding.bridge.text"),
        "suggestion": N_("finding.bridge.suggestion"),
    },
    "bridges": {
        "title": N_("finding.bridges.title"),
        "text": N_("finding.bridges.text"),
        "suggestion": N_("finding.bridges.suggestion"),
    },
    "unreachable": {
        "title": N_("finding.unreachable.title"),
        "text": N_("finding.unreachable.text"),
        "suggestion": N_("finding.unreachable.suggestion"),
    },
    # Suggested changes, as the tornado chart and the findings' "simulated effect" name them.
    "change_officers": {"label": N_("finding.change_officers.label")},
    "change_units": {"label": N_("finding.change_units.label")},
    "change_direct": {"label": N_("finding.change_direct.label")},
    "change_direct_many": {"label": N_("finding.change_direct_many.label")},
    "change_reliability": {"label": N_("finding.change_reliability.label")},
    "change_delay": {"label": N_("finding.change_delay.label")},
    "change_other": {"label": N_("finding.change_other.label")},
    "evidence": {
        "critical_path": N_("finding.evidence.critical_path"),
        "betweenness": N_("finding.evidence.betweenness"),
        "cut_off": N_("finding.evidence.cut_off"),
    },
}


def short_name(label: str) -> str:
    """An agency's display name without its parenthesised note, for short labels.

    "Công an tỉnh (cơ quan thường trực Ban Chỉ đạo)" -> "Công an tỉnh"; full-width brackets
    (Chinese) too. A name that is all brackets is kept whole.
    """
    return without_asides(label) or label
