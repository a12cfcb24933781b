"""Built-in chart texts (legends, axis labels, notes): their message ids in drillsim.i18n.

Titles and agency/objective names come from the caller; only the fixed vocabulary is ours.
Format placeholders: ``{share}`` is a preformatted percentage, ``{value}`` a preformatted number.
"""

from __future__ import annotations

from collections.abc import Mapping

from drillsim import i18n
from drillsim.i18n import LANGUAGES, N_

CHART_TEXTS: dict[str, str] = {
    "detection": N_("chart.detection"),
    "desk_wait": N_("chart.desk_wait"),
    "desk_handling": N_("chart.desk_handling"),
    "link": N_("chart.link"),
    "retry": N_("chart.retry"),
    "activation": N_("chart.activation"),
    "travel": N_("chart.travel"),
    "unit_wait": N_("chart.unit_wait"),
    "prerequisite_wait": N_("chart.prerequisite_wait"),
    "work": N_("chart.work"),
    "time_min": N_("chart.time_min"),
    "minutes": N_("chart.minutes"),
    "inject": N_("chart.inject"),
    "target": N_("chart.target"),
    "share_replications": N_("chart.share_replications"),
    "met_target": N_("chart.met_target"),
    "never_reached": N_("chart.never_reached"),
    "never_short": N_("chart.never_short"),
    "queue_delay": N_("chart.queue_delay"),
    "bottleneck": N_("chart.bottleneck"),
    "backup_link": N_("chart.backup_link"),
    "edge_width": N_("chart.edge_width"),
    "edge_configured": N_("chart.edge_configured"),
    "n_minutes": N_("chart.n_minutes"),
    "n_links": N_("chart.n_links"),
    "group_node": N_("chart.group_node"),
    "graph_shown": N_("chart.graph_shown"),
    "rows_left_out": N_("chart.rows_left_out"),
    "share_of_path": N_("chart.share_of_path"),
    "path_minutes": N_("chart.path_minutes"),
    "delta_success": N_("chart.delta_success"),
    "delta_median": N_("chart.delta_median"),
    "pp": N_("chart.pp"),
    "median": N_("chart.median"),
    "p10_p90": N_("chart.p10_p90"),
    "ci": N_("chart.ci"),
    "observed": N_("chart.observed"),
    "simulated": N_("chart.simulated"),
    "not_observed": N_("chart.not_observed"),
    "percentile": N_("chart.percentile"),
    "no_data": N_("chart.no_data"),
}
"""Short name a chart builder uses -> message id."""


def texts_for(lang: str = "en", labels: Mapping[str, str] | None = None) -> dict[str, str]:
    """The built-in texts for ``lang`` with the caller's ``labels`` overriding single entries.

    Raises:
        ValueError: For an unknown language or an override key that is not a known text.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unknown chart language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    merged = {name: i18n.say(lang, msgid) for name, msgid in CHART_TEXTS.items()}
    unknown = sorted(set(labels or {}) - set(merged))
    if unknown:
        raise ValueError(f"unknown chart text key(s): {', '.join(unknown)}")
    merged.update(labels or {})
    return merged
