"""The fixed vocabularies of the scenario format in the report's language.

Exercise types, target kinds, HSEEP mission areas, triage categories and measures are values
of the format, not scenario text, so a vi or zh report shows them translated. The 32 HSEEP core
capabilities keep their English names (they are the standard's terms) with the translation in
brackets. Scenario text (names, descriptions) is never translated.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from drillsim import i18n
from drillsim.i18n import N_
from drillsim.names import without_asides
from drillsim.scenario.model import Objective, Scenario
from drillsim.scenario.variants import BASE

# Each table maps a value of the scenario format to its message id in drillsim.i18n.
EXERCISE_TYPES: dict[str, str] = {
    "tabletop": N_("exercise_type.tabletop"),
    "functional": N_("exercise_type.functional"),
    "full_scale": N_("exercise_type.full_scale"),
}

TARGET_KINDS: dict[str, str] = {
    "hydropower_plant": N_("target_kind.hydropower_plant"),
    "power_plant": N_("target_kind.power_plant"),
    "hospital": N_("target_kind.hospital"),
    "bank": N_("target_kind.bank"),
    "school": N_("target_kind.school"),
    "telecom_site": N_("target_kind.telecom_site"),
    "government_office": N_("target_kind.government_office"),
    "border_area": N_("target_kind.border_area"),
    "transport_hub": N_("target_kind.transport_hub"),
    "airport": N_("target_kind.airport"),
    "commercial_center": N_("target_kind.commercial_center"),
    "industrial_site": N_("target_kind.industrial_site"),
    "multi_site": N_("target_kind.multi_site"),
    "other": N_("target_kind.other"),
}

SECTORS: dict[str, str] = {
    "security": N_("sector.security"),
    "fire_rescue": N_("sector.fire_rescue"),
    "health": N_("sector.health"),
    "government": N_("sector.government"),
    "military": N_("sector.military"),
    "infrastructure": N_("sector.infrastructure"),
    "education": N_("sector.education"),
    "other": N_("sector.other"),
}
"""An agency's sector (the scenario's ``sector``) -> message id: the groups of a large diagram."""

MISSION_AREAS: dict[str, str] = {
    "Prevention": N_("mission_area.Prevention"),
    "Protection": N_("mission_area.Protection"),
    "Mitigation": N_("mission_area.Mitigation"),
    "Response": N_("mission_area.Response"),
    "Recovery": N_("mission_area.Recovery"),
}

TRIAGE: dict[str, str] = {
    "red": N_("triage.red"),
    "yellow": N_("triage.yellow"),
    "green": N_("triage.green"),
    "black": N_("triage.black"),
}

MEASURES: dict[str, str] = {
    "task_done": N_("measure.task_done"),
    "task_started": N_("measure.task_started"),
    "on_scene": N_("measure.on_scene"),
    "alerted": N_("measure.alerted"),
    "casualties_through": N_("measure.casualties_through"),
    "casualties_category": N_("measure.casualties_category"),
    "incident": N_("measure.incident"),
}

# NOTE: the HSEEP/NPG core capability names stay in English (the standard's terms); the vi and
# zh entries are working translations shown in brackets, to be reviewed by the trainers.
CAPABILITIES: dict[str, str] = {
    "Planning": N_("capability.Planning"),
    "Public Information and Warning": N_("capability.Public Information and Warning"),
    "Operational Coordination": N_("capability.Operational Coordination"),
    "Forensics and Attribution": N_("capability.Forensics and Attribution"),
    "Intelligence and Information Sharing": N_("capability.Intelligence and Information Sharing"),
    "Interdiction and Disruption": N_("capability.Interdiction and Disruption"),
    "Screening, Search, and Detection": N_("capability.Screening, Search, and Detection"),
    "Access Control and Identity Verification": N_(
        "capability.Access Control and Identity Verification"
    ),
    "Cybersecurity": N_("capability.Cybersecurity"),
    "Physical Protective Measures": N_("capability.Physical Protective Measures"),
    "Risk Management for Protection Programs and Activities": N_(
        "capability.Risk Management for Protection Programs and Activities"
    ),
    "Supply Chain Integrity and Security": N_("capability.Supply Chain Integrity and Security"),
    "Community Resilience": N_("capability.Community Resilience"),
    "Long-term Vulnerability Reduction": N_("capability.Long-term Vulnerability Reduction"),
    "Risk and Disaster Resilience Assessment": N_(
        "capability.Risk and Disaster Resilience Assessment"
    ),
    "Threats and Hazards Identification": N_("capability.Threats and Hazards Identification"),
    "Critical Transportation": N_("capability.Critical Transportation"),
    "Environmental Response/Health and Safety": N_(
        "capability.Environmental Response/Health and Safety"
    ),
    "Fatality Management Services": N_("capability.Fatality Management Services"),
    "Fire Management and Suppression": N_("capability.Fire Management and Suppression"),
    "Infrastructure Systems": N_("capability.Infrastructure Systems"),
    "Logistics and Supply Chain Management": N_("capability.Logistics and Supply Chain Management"),
    "Mass Care Services": N_("capability.Mass Care Services"),
    "Mass Search and Rescue Operations": N_("capability.Mass Search and Rescue Operations"),
    "On-scene Security, Protection, and Law Enforcement": N_(
        "capability.On-scene Security, Protection, and Law Enforcement"
    ),
    "Operational Communications": N_("capability.Operational Communications"),
    "Public Health, Healthcare, and Emergency Medical Services": N_(
        "capability.Public Health, Healthcare, and Emergency Medical Services"
    ),
    "Situational Assessment": N_("capability.Situational Assessment"),
    "Economic Recovery": N_("capability.Economic Recovery"),
    "Health and Social Services": N_("capability.Health and Social Services"),
    "Housing": N_("capability.Housing"),
    "Natural and Cultural Resources": N_("capability.Natural and Cultural Resources"),
}


CATEGORIES: dict[str, str] = {
    "detection": N_("category.detection"),
    "handling": N_("category.handling"),
    "link": N_("category.link"),
    "retries": N_("category.retries"),
    "activation": N_("category.activation"),
    "travel": N_("category.travel"),
    "units": N_("category.units"),
    "prerequisite": N_("category.prerequisite"),
    "work": N_("category.work"),
    "before_inject": N_("category.before_inject"),
}
"""Critical-path categories (drillsim.analysis.paths.CATEGORIES) -> message id."""


def word(table: Mapping[str, str], value: str, lang: str) -> str:
    """``value`` in ``lang``, through its message id in ``table`` (the value itself when unknown)."""
    msgid = table.get(value)
    return i18n.say(lang, msgid) if msgid else value


def category(name: str, lang: str) -> str:
    """A critical-path category in ``lang`` (the name itself when unknown)."""
    return word(CATEGORIES, name, lang)


def mission_areas(areas: Iterable[str], lang: str) -> str:
    """The mission areas, translated, comma-separated."""
    sep = "、" if lang == "zh" else ", "
    return sep.join(word(MISSION_AREAS, a, lang) for a in areas)


def capability(name: str, lang: str) -> str:
    """A core capability: the English name, with the translation in brackets in vi/zh."""
    msgid = CAPABILITIES.get(name)
    if lang not in ("vi", "zh") or not msgid:
        return name
    local = i18n.say(lang, msgid)
    return f"{name}（{local}）" if lang == "zh" else f"{name} ({local})"


def measure_text(obj: Objective, scenario: Scenario, lang: str) -> str:
    """What an objective measures, in words, with display names.

    For example "Công an tỉnh nhận tin (tình huống hostage)"; the first letter is capitalised.
    """
    m = obj.measure
    agencies = {a.id: a.label for a in scenario.agencies}
    tasks = {t.id: t.label for t in scenario.tasks}
    if m.kind in ("on_scene", "alerted"):
        text = i18n.say(lang, MEASURES[m.kind], agency=agencies.get(m.target, m.target))
    else:
        key = "casualties_category" if m.category else m.kind
        text = i18n.say(
            lang,
            MEASURES[key],
            task=tasks.get(m.target, m.target),
            category=word(TRIAGE, m.category or "", lang),
        )
    if m.incident:
        text = i18n.say(lang, MEASURES["incident"], measure=text, incident=m.incident)
    return text[:1].upper() + text[1:]


def variant_label(scenario: Scenario, variant: str, lang: str) -> str:
    """A short name for a variant: the first sentence of its description, without the bracketed
    gloss; the id when it has no description. The base scenario is named in ``lang``."""
    if variant == BASE:
        return i18n.say(lang, "variant.base")
    try:
        text = scenario.variant(variant).description
    except KeyError:
        text = ""
    return short_description(text) or variant


def short_description(text: str) -> str:
    """First sentence of ``text`` with bracketed asides removed ("Thêm 2 xe cứu thương")."""
    first = text.replace("。", ". ").split(". ", 1)[0].strip().rstrip(".")
    return without_asides(first).strip(" ,;:，；")


__all__ = [
    "capability",
    "category",
    "measure_text",
    "mission_areas",
    "short_description",
    "variant_label",
    "word",
]
