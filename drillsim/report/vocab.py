"""The fixed vocabularies of the scenario format in the report's language.

Exercise types, target kinds, HSEEP mission areas, triage categories and measures are values
of the format, not scenario text, so a vi or zh report shows them translated. The 32 HSEEP core
capabilities keep their English names (they are the standard's terms) with the translation in
brackets. Scenario text (names, descriptions) is never translated.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from drillsim.names import without_asides
from drillsim.scenario.model import (
    Alerted,
    CasualtiesThrough,
    Objective,
    OnScene,
    Scenario,
    TaskDone,
    TaskStarted,
)
from drillsim.scenario.variants import BASE

Words = dict[str, dict[str, str]]

EXERCISE_TYPES: Words = {
    "tabletop": {
        "en": "Tabletop exercise (TTX)",
        "vi": "Diễn tập trên sa bàn (TTX)",
        "zh": "桌面推演",
    },
    "functional": {
        "en": "Functional exercise (FE)",
        "vi": "Diễn tập chức năng (FE)",
        "zh": "功能演练",
    },
    "full_scale": {
        "en": "Full-scale exercise (FSE)",
        "vi": "Diễn tập tổng hợp, thực binh (FSE)",
        "zh": "全面演练",
    },
}

TARGET_KINDS: Words = {
    "hydropower_plant": {"en": "hydropower plant", "vi": "nhà máy thủy điện", "zh": "水电站"},
    "power_plant": {"en": "power plant", "vi": "nhà máy điện", "zh": "发电厂"},
    "hospital": {"en": "hospital", "vi": "bệnh viện", "zh": "医院"},
    "bank": {"en": "bank", "vi": "ngân hàng", "zh": "银行"},
    "school": {"en": "school", "vi": "trường học", "zh": "学校"},
    "telecom_site": {"en": "telecommunications site", "vi": "cơ sở viễn thông", "zh": "通信设施"},
    "government_office": {
        "en": "government office",
        "vi": "trụ sở cơ quan nhà nước",
        "zh": "政府机关",
    },
    "border_area": {"en": "border area", "vi": "khu vực biên giới", "zh": "边境地区"},
    "transport_hub": {"en": "transport hub", "vi": "đầu mối giao thông", "zh": "交通枢纽"},
    "airport": {"en": "airport", "vi": "cảng hàng không", "zh": "机场"},
    "commercial_center": {
        "en": "commercial centre",
        "vi": "trung tâm thương mại",
        "zh": "商业中心",
    },
    "industrial_site": {"en": "industrial site", "vi": "cơ sở công nghiệp", "zh": "工业场所"},
    "multi_site": {"en": "several sites", "vi": "nhiều địa điểm", "zh": "多个地点"},
    "other": {"en": "other", "vi": "khác", "zh": "其他"},
}

MISSION_AREAS: Words = {
    "Prevention": {"en": "Prevention", "vi": "Phòng ngừa", "zh": "预防"},
    "Protection": {"en": "Protection", "vi": "Bảo vệ", "zh": "保护"},
    "Mitigation": {"en": "Mitigation", "vi": "Giảm nhẹ", "zh": "减灾"},
    "Response": {"en": "Response", "vi": "Ứng phó", "zh": "响应"},
    "Recovery": {"en": "Recovery", "vi": "Khắc phục, phục hồi", "zh": "恢复"},
}

TRIAGE: Words = {
    "red": {"en": "red (immediate)", "vi": "đỏ (cấp cứu ngay)", "zh": "红色（立即处置）"},
    "yellow": {"en": "yellow (delayed)", "vi": "vàng (trì hoãn được)", "zh": "黄色（延迟处置）"},
    "green": {"en": "green (minor)", "vi": "xanh (nhẹ)", "zh": "绿色（轻伤）"},
    "black": {
        "en": "black (expectant)",
        "vi": "đen (tử vong/không cứu được)",
        "zh": "黑色（死亡或无救治希望）",
    },
}

MEASURES: Words = {
    "task_done": {
        "en": "task “{task}” done",
        "vi": "hoàn thành nhiệm vụ “{task}”",
        "zh": "完成“{task}”",
    },
    "task_started": {
        "en": "task “{task}” started",
        "vi": "bắt đầu nhiệm vụ “{task}”",
        "zh": "开始“{task}”",
    },
    "on_scene": {
        "en": "{agency} on scene",
        "vi": "{agency} có mặt tại hiện trường",
        "zh": "{agency}到场",
    },
    "alerted": {"en": "{agency} alerted", "vi": "{agency} nhận tin", "zh": "{agency}接警"},
    "casualties_through": {
        "en": "all casualties through “{task}”",
        "vi": "mọi nạn nhân qua “{task}”",
        "zh": "所有伤员完成“{task}”",
    },
    "casualties_category": {
        "en": "all {category} casualties through “{task}”",
        "vi": "mọi nạn nhân loại {category} qua “{task}”",
        "zh": "所有{category}伤员完成“{task}”",
    },
    "incident": {
        "en": "{measure} (incident {incident})",
        "vi": "{measure} (tình huống {incident})",
        "zh": "{measure}（事件：{incident}）",
    },
}

BASE_VARIANT: dict[str, str] = {"en": "Base scenario", "vi": "Kịch bản gốc", "zh": "基准情景"}

# NOTE: the HSEEP/NPG core capability names stay in English (the standard's terms); these are
# working translations shown in brackets, to be reviewed by the trainers.
CAPABILITIES: Words = {
    "Planning": {"vi": "Lập kế hoạch", "zh": "规划"},
    "Public Information and Warning": {
        "vi": "Thông tin công cộng và cảnh báo",
        "zh": "公共信息与预警",
    },
    "Operational Coordination": {"vi": "Điều phối hoạt động", "zh": "行动协调"},
    "Forensics and Attribution": {"vi": "Giám định và truy nguyên thủ phạm", "zh": "取证与溯源"},
    "Intelligence and Information Sharing": {
        "vi": "Tình báo và chia sẻ thông tin",
        "zh": "情报与信息共享",
    },
    "Interdiction and Disruption": {"vi": "Ngăn chặn và vô hiệu hóa", "zh": "拦截与阻断"},
    "Screening, Search, and Detection": {
        "vi": "Sàng lọc, tìm kiếm và phát hiện",
        "zh": "筛查、搜索与探测",
    },
    "Access Control and Identity Verification": {
        "vi": "Kiểm soát ra vào và xác minh danh tính",
        "zh": "出入控制与身份核验",
    },
    "Cybersecurity": {"vi": "An ninh mạng", "zh": "网络安全"},
    "Physical Protective Measures": {"vi": "Biện pháp bảo vệ vật lý", "zh": "实体防护措施"},
    "Risk Management for Protection Programs and Activities": {
        "vi": "Quản lý rủi ro cho các chương trình và hoạt động bảo vệ",
        "zh": "保护计划与活动的风险管理",
    },
    "Supply Chain Integrity and Security": {
        "vi": "Toàn vẹn và an ninh chuỗi cung ứng",
        "zh": "供应链完整性与安全",
    },
    "Community Resilience": {"vi": "Khả năng chống chịu của cộng đồng", "zh": "社区韧性"},
    "Long-term Vulnerability Reduction": {
        "vi": "Giảm tính dễ bị tổn thương lâu dài",
        "zh": "长期脆弱性降低",
    },
    "Risk and Disaster Resilience Assessment": {
        "vi": "Đánh giá rủi ro và khả năng chống chịu thảm họa",
        "zh": "风险与灾害韧性评估",
    },
    "Threats and Hazards Identification": {
        "vi": "Nhận diện mối đe dọa và nguy cơ",
        "zh": "威胁与危害识别",
    },
    "Critical Transportation": {"vi": "Vận tải thiết yếu", "zh": "关键运输"},
    "Environmental Response/Health and Safety": {
        "vi": "Ứng phó môi trường/Sức khỏe và an toàn",
        "zh": "环境应对/健康与安全",
    },
    "Fatality Management Services": {"vi": "Xử lý người tử vong", "zh": "遇难者处置服务"},
    "Fire Management and Suppression": {"vi": "Quản lý và chữa cháy", "zh": "火灾管理与扑救"},
    "Infrastructure Systems": {"vi": "Hệ thống hạ tầng", "zh": "基础设施系统"},
    "Logistics and Supply Chain Management": {
        "vi": "Hậu cần và quản lý chuỗi cung ứng",
        "zh": "后勤与供应链管理",
    },
    "Mass Care Services": {
        "vi": "Cứu trợ, chăm lo đời sống người dân bị ảnh hưởng",
        "zh": "群众安置与救助服务",
    },
    "Mass Search and Rescue Operations": {
        "vi": "Tìm kiếm cứu nạn quy mô lớn",
        "zh": "大规模搜救行动",
    },
    "On-scene Security, Protection, and Law Enforcement": {
        "vi": "An ninh, bảo vệ và thực thi pháp luật tại hiện trường",
        "zh": "现场安全、保护与执法",
    },
    "Operational Communications": {"vi": "Thông tin liên lạc tác nghiệp", "zh": "行动通信"},
    "Public Health, Healthcare, and Emergency Medical Services": {
        "vi": "Y tế công cộng, chăm sóc sức khỏe và cấp cứu",
        "zh": "公共卫生、医疗与紧急医疗服务",
    },
    "Situational Assessment": {"vi": "Đánh giá tình hình", "zh": "态势评估"},
    "Economic Recovery": {"vi": "Phục hồi kinh tế", "zh": "经济恢复"},
    "Health and Social Services": {"vi": "Dịch vụ y tế và xã hội", "zh": "卫生与社会服务"},
    "Housing": {"vi": "Nhà ở", "zh": "住房"},
    "Natural and Cultural Resources": {
        "vi": "Tài nguyên thiên nhiên và văn hóa",
        "zh": "自然与文化资源",
    },
}


def word(table: Mapping[str, Mapping[str, str]], value: str, lang: str) -> str:
    """``value`` in ``lang`` from ``table`` (English, then the value itself, when missing)."""
    entry = table.get(value)
    if not entry:
        return value
    return entry.get(lang) or entry.get("en") or value


def mission_areas(areas: Iterable[str], lang: str) -> str:
    """The mission areas, translated, comma-separated."""
    sep = "、" if lang == "zh" else ", "
    return sep.join(word(MISSION_AREAS, a, lang) for a in areas)


def capability(name: str, lang: str) -> str:
    """A core capability: the English name, with the translation in brackets in vi/zh."""
    local = CAPABILITIES.get(name, {}).get(lang)
    if lang == "en" or not local:
        return name
    return f"{name}（{local}）" if lang == "zh" else f"{name} ({local})"


def measure_text(obj: Objective, scenario: Scenario, lang: str) -> str:
    """What an objective measures, in words, with display names.

    For example "Công an tỉnh nhận tin (tình huống hostage)"; the first letter is capitalised.
    """
    m = obj.measure
    agencies = {a.id: a.label for a in scenario.agencies}
    tasks = {t.id: t.label for t in scenario.tasks}
    if isinstance(m, TaskDone | TaskStarted):
        key, task = (
            ("task_done", m.task_done)
            if isinstance(m, TaskDone)
            else ("task_started", m.task_started)
        )
        text = word(MEASURES, key, lang).format(task=tasks.get(task, task))
    elif isinstance(m, OnScene | Alerted):
        key, who = ("on_scene", m.on_scene) if isinstance(m, OnScene) else ("alerted", m.alerted)
        text = word(MEASURES, key, lang).format(agency=agencies.get(who, who))
    else:
        assert isinstance(m, CasualtiesThrough)
        task = tasks.get(m.casualties_through, m.casualties_through)
        key = "casualties_category" if m.category else "casualties_through"
        text = word(MEASURES, key, lang).format(
            task=task, category=word(TRIAGE, m.category or "", lang)
        )
    if m.incident:
        text = word(MEASURES, "incident", lang).format(measure=text, incident=m.incident)
    return text[:1].upper() + text[1:]


def variant_label(scenario: Scenario, variant: str, lang: str) -> str:
    """A short name for a variant: the first sentence of its description, without the bracketed
    gloss; the id when it has no description. The base scenario is named in ``lang``."""
    if variant == BASE:
        return BASE_VARIANT.get(lang, BASE_VARIANT["en"])
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
    "measure_text",
    "mission_areas",
    "short_description",
    "variant_label",
    "word",
]
