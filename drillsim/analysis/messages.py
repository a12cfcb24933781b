"""The words of the bottleneck findings in English, Vietnamese and Chinese.

A finding stores a message key and its parameters (names and figures already formatted), so the
same finding is written in the language of each report; the English text is what the terminal
and the JSON show. A language that lacks a message falls back to English.
"""

from __future__ import annotations

from collections.abc import Mapping

from drillsim.names import without_asides

Text = dict[str, str]

MESSAGES: dict[str, dict[str, Text]] = {
    "desk": {
        "title": {
            "en": "Duty desk of {agency} delays the alerts",
            "vi": "Bộ phận trực ban của {agency} làm chậm việc truyền tin",
            "zh": "{agency}值班台延误了警情传递",
        },
        "text": {
            "en": "Alerts queue at the duty desk of {agency}: {officers} duty officer(s), busy {busy} of the "
            "time it had work; a message waits {mean_wait} on average, {worst_wait} at worst, with up to {queue} waiting.",
            "vi": "Tin báo xếp hàng chờ tại bộ phận trực ban của {agency}: {officers} cán bộ trực, bận {busy} "
            "thời gian có việc; mỗi tin chờ trung bình {mean_wait}, lâu nhất {worst_wait}, có lúc {queue} tin chờ.",
            "zh": "警情在{agency}值班台排队：值班人员{officers}名，有任务期间忙碌时间占{busy}；每条信息平均等待"
            "{mean_wait}，最长{worst_wait}，最多{queue}条同时等待。",
        },
        "suggestion": {
            "en": "Add a duty officer at {agency}, or link the detecting agency directly to the agencies "
            "behind it",
            "vi": "Bổ sung cán bộ trực ban tại {agency}, hoặc cho đơn vị phát hiện báo thẳng các đơn vị phía sau",
            "zh": "在{agency}增加值班人员，或让发现单位直接通知其后的各单位",
        },
    },
    "desk_idle": {
        "title": {
            "en": "Message handling at {agency} delays the alerts",
            "vi": "Khâu xử lý tin tại {agency} làm chậm việc truyền tin",
            "zh": "{agency}处理信息耗时，延误了警情传递",
        },
        "text": {
            "en": "Passing on alerts at the duty desk of {agency} takes time on the critical path, but the desk "
            "is busy only {busy} of the time it had work (a message waits {mean_wait} on average): the handling "
            "itself is slow, not the number of duty officers.",
            "vi": "Việc chuyển tin tại bộ phận trực ban của {agency} chiếm thời gian trên đường găng, nhưng bộ "
            "phận này chỉ bận {busy} thời gian có việc (mỗi tin chờ trung bình {mean_wait}): chậm do khâu xử lý, "
            "không phải do thiếu cán bộ trực.",
            "zh": "{agency}值班台转发警情的时间位于关键路径上，但该值班台在有任务期间仅有{busy}的时间处于忙碌状态"
            "（每条信息平均等待{mean_wait}）：慢在处理本身，而非值班人数不足。",
        },
        "suggestion": {
            "en": "Shorten the handling at {agency} (a ready alert template, a direct line), or let the "
            "detecting agency alert the agencies behind {agency} directly",
            "vi": "Rút ngắn khâu xử lý tại {agency} (mẫu tin báo soạn sẵn, đường dây trực tiếp), hoặc cho "
            "đơn vị phát hiện báo thẳng các đơn vị phía sau {agency}",
            "zh": "缩短{agency}的处理时间（预制警情模板、直通线路），或由发现单位直接通知{agency}之后的各单位",
        },
    },
    "units_idle": {
        "title": {
            "en": "Work waits for the units of {agency}",
            "vi": "Nhiệm vụ phải chờ lực lượng của {agency}",
            "zh": "任务等待{agency}的力量",
        },
        "text": {
            "en": "Work waits for units of {agency} ({mean_wait} on average, worst {worst_wait}), yet its "
            "{units} unit(s) are busy only {busy} of the time they had work: the wait comes from when they are called, "
            "not from too few units.",
            "vi": "Nhiệm vụ phải chờ lực lượng của {agency} (trung bình {mean_wait}, lâu nhất {worst_wait}), "
            "trong khi {units} tổ/xe chỉ bận {busy} thời gian có việc: chờ do thời điểm điều động, không phải do "
            "thiếu lực lượng.",
            "zh": "任务等待{agency}的力量（平均{mean_wait}，最长{worst_wait}），但其{units}个单元在有任务期间仅有{busy}"
            "的时间处于忙碌状态：等待源于调派时机，而非力量不足。",
        },
        "suggestion": {
            "en": "Call the units of {agency} earlier, or let another agency share its work",
            "vi": "Điều động lực lượng của {agency} sớm hơn, hoặc giao một phần việc cho đơn vị khác",
            "zh": "提前调派{agency}的力量，或由其他单位分担其任务",
        },
    },
    "units": {
        "title": {
            "en": "Not enough units at {agency}",
            "vi": "{agency} thiếu lực lượng, phương tiện",
            "zh": "{agency}力量不足",
        },
        "text": {
            "en": "Work waits for units of {agency}: {mean_wait} on average, worst {worst_wait}, {units} unit(s) "
            "busy {busy} of the time they had work.",
            "vi": "Nhiệm vụ phải chờ lực lượng của {agency}: trung bình {mean_wait}, lâu nhất {worst_wait}; "
            "{units} tổ/xe bận {busy} thời gian có việc.",
            "zh": "任务等待{agency}的力量：平均{mean_wait}，最长{worst_wait}；{units}个单元在有任务期间忙碌时间占{busy}。",
        },
        "suggestion": {
            "en": "Give {agency} one more unit (or let another agency take the work)",
            "vi": "Bổ sung cho {agency} thêm một tổ/xe (hoặc giao việc cho đơn vị khác)",
            "zh": "为{agency}增加一个单元（或由其他单位分担任务）",
        },
    },
    "retries": {
        "title": {
            "en": "Time lost to failed tries and retries on the link {sender} → {recipient}",
            "vi": "Mất thời gian do gọi không được, phải gọi lại trên kênh {sender} → {recipient}",
            "zh": "{sender} → {recipient}联络渠道因呼叫失败和重试而耽误时间",
        },
        "text": {
            "en": "The alert from {sender} to {recipient} is slow{detail}.",
            "vi": "Tin báo từ {sender} đến {recipient} chậm{detail}.",
            "zh": "从{sender}到{recipient}的警情传递缓慢{detail}。",
        },
        "suggestion": {
            "en": "Make the {channel} link {sender} → {recipient} more reliable (a dedicated line) or "
            "give it a backup channel",
            "vi": "Nâng độ tin cậy của kênh {channel} {sender} → {recipient} (đường dây riêng) hoặc bổ "
            "sung kênh dự phòng cho kênh đó",
            "zh": "提高{sender} → {recipient}（{channel}）联络渠道的可靠性（专线），或为其增加备用渠道",
        },
    },
    "transmission": {
        "title": {
            "en": "Time lost in transmission over the link {sender} → {recipient}",
            "vi": "Mất thời gian truyền tin trên kênh {sender} → {recipient}",
            "zh": "{sender} → {recipient}联络渠道传递耗时",
        },
        "text": {
            "en": "The alert from {sender} to {recipient} is slow{detail}.",
            "vi": "Tin báo từ {sender} đến {recipient} chậm{detail}.",
            "zh": "从{sender}到{recipient}的警情传递缓慢{detail}。",
        },
        "suggestion": {
            "en": "Make the {channel} link {sender} → {recipient} more reliable (a dedicated line) or "
            "give it a backup channel",
            "vi": "Nâng độ tin cậy của kênh {channel} {sender} → {recipient} (đường dây riêng) hoặc bổ "
            "sung kênh dự phòng cho kênh đó",
            "zh": "提高{sender} → {recipient}（{channel}）联络渠道的可靠性（专线），或为其增加备用渠道",
        },
    },
    "transmission_fast": {
        "title": {
            "en": "Time lost in transmission over the link {sender} → {recipient}",
            "vi": "Mất thời gian truyền tin trên kênh {sender} → {recipient}",
            "zh": "{sender} → {recipient}联络渠道传递耗时",
        },
        "text": {
            "en": "The alert from {sender} to {recipient} takes {delay} on average over a reliable channel.",
            "vi": "Tin báo từ {sender} đến {recipient} mất trung bình {delay} dù kênh liên lạc ổn định.",
            "zh": "从{sender}到{recipient}的警情传递虽渠道可靠，平均仍需{delay}。",
        },
        "suggestion": {
            "en": "Use a faster channel than {channel} for the alert {sender} → {recipient} (a direct "
            "hotline, or a liaison officer at {sender})",
            "vi": "Dùng kênh nhanh hơn {channel} cho tin báo {sender} → {recipient} (đường dây nóng trực "
            "tiếp, hoặc cán bộ liên lạc tại {sender})",
            "zh": "{sender} → {recipient}的警情改用比{channel}更快的渠道（直通热线，或在{sender}派驻联络员）",
        },
    },
    "link_detail": {
        "text": {
            "en": " (reliability {reliability}, retry {retry})",
            "vi": " (độ tin cậy {reliability}, gọi lại sau {retry})",
            "zh": "（可靠性{reliability}，重试间隔{retry}）",
        },
    },
    "mobilisation": {
        "title": {
            "en": "{agency} takes long to mobilise and arrive",
            "vi": "{agency} huy động và cơ động chậm",
            "zh": "{agency}集结和到场耗时长",
        },
        "text": {
            "en": "Activation and travel of {agency} dominate the objectives it serves.",
            "vi": "Thời gian huy động và di chuyển của {agency} chiếm phần lớn thời gian của các mục tiêu liên quan.",
            "zh": "{agency}的集结和行进时间在相关目标用时中占主要部分。",
        },
        "suggestion": {
            "en": "Pre-position or put a standby team of {agency} on alert before the exercise window",
            "vi": "Bố trí trước hoặc cho một tổ của {agency} trực sẵn sàng trong thời gian có nguy cơ",
            "zh": "预先部署{agency}，或在风险时段安排一个小组待命",
        },
    },
    "single_point": {
        "title": {
            "en": "{agency} is a single point of failure",
            "vi": "{agency} là điểm nghẽn duy nhất",
            "zh": "{agency}是单点故障",
        },
        "text": {
            "en": "If {agency} is lost, no alert can reach {lost}.",
            "vi": "Nếu {agency} không hoạt động, không tin báo nào đến được {lost}.",
            "zh": "如果{agency}失效，警情将无法到达{lost}。",
        },
        "suggestion": {
            "en": "Add a second alerting path to {lost} that does not pass through {agency}",
            "vi": "Bổ sung đường báo tin thứ hai đến {lost} không đi qua {agency}",
            "zh": "增加一条不经过{agency}、通向{lost}的报警路径",
        },
    },
    "bridge": {
        "title": {
            "en": "The link {sender} → {recipient} is the only path",
            "vi": "Kênh {sender} → {recipient} là đường báo tin duy nhất",
            "zh": "{sender} → {recipient}是唯一的联络路径",
        },
        "text": {
            "en": "If the {channel} link {sender} → {recipient} fails, {lost} cannot be alerted (every alert "
            "path to them crosses it, and it has no backup channel).",
            "vi": "Nếu kênh {channel} {sender} → {recipient} hỏng, {lost} không thể nhận tin (mọi đường báo "
            "tin đến đó đều đi qua kênh đó, và kênh không có dự phòng).",
            "zh": "{sender} → {recipient}（{channel}）一旦中断，{lost}将无法接到警情（所有报警路径都经过"
            "这条渠道，且无备用渠道）。",
        },
        "suggestion": {
            "en": "Give the {channel} link {sender} → {recipient} a backup channel",
            "vi": "Bổ sung kênh dự phòng cho kênh {channel} {sender} → {recipient}",
            "zh": "为{sender} → {recipient}（{channel}）增加备用渠道",
        },
    },
    "bridges": {
        "title": {
            "en": "Each of {count} links from {sender} is the only path to its recipient",
            "vi": "{count} kênh báo tin từ {sender} đều là đường báo tin duy nhất",
            "zh": "{sender}发出的{count}条联络渠道均为唯一路径",
        },
        "text": {
            "en": "If one of the links from {sender} fails, the agencies behind it cannot be alerted: {pairs} "
            "(every alert path to them crosses that link, and it has no backup channel).",
            "vi": "Nếu một kênh báo tin từ {sender} hỏng, các đơn vị phía sau không thể nhận tin: {pairs} (mọi "
            "đường báo tin đến đó đều đi qua kênh đó, và kênh không có dự phòng).",
            "zh": "{sender}发出的任一渠道中断，其后的单位将无法接到警情：{pairs}（所有报警路径都经过"
            "那条渠道，且无备用渠道）。",
        },
        "suggestion": {
            "en": "Give the links from {sender} a backup channel (a second line or radio), or alert "
            "{pairs} from a second agency too",
            "vi": "Bổ sung kênh dự phòng (đường dây thứ hai hoặc vô tuyến) cho các kênh báo tin từ "
            "{sender}, hoặc để thêm một đơn vị thứ hai cùng báo tin cho {pairs}",
            "zh": "为{sender}发出的渠道增加备用渠道（第二条线路或无线电），或由第二个单位同时通知{pairs}",
        },
    },
    "unreachable": {
        "title": {
            "en": "{agency} can never be alerted",
            "vi": "{agency} không bao giờ nhận được tin",
            "zh": "{agency}永远无法接到警情",
        },
        "text": {
            "en": "No chain of links leads to {agency} from a detecting agency.",
            "vi": "Không có chuỗi kênh liên lạc nào từ đơn vị phát hiện đến {agency}.",
            "zh": "没有任何联络链路从发现单位通向{agency}。",
        },
        "suggestion": {
            "en": "Add a link that alerts {agency}",
            "vi": "Bổ sung kênh báo tin cho {agency}",
            "zh": "增加通知{agency}的联络渠道",
        },
    },
    # Suggested changes, as the tornado chart and the findings' "simulated effect" name them.
    "change_officers": {
        "label": {
            "en": "{agency}: {officers} duty officers",
            "vi": "{agency}: {officers} cán bộ trực ban",
            "zh": "{agency}：值班人员增至{officers}名",
        },
    },
    "change_units": {
        "label": {
            "en": "{agency}: {units} units",
            "vi": "{agency}: {units} tổ/xe",
            "zh": "{agency}：力量增至{units}个",
        },
    },
    "change_direct": {
        "label": {
            "en": "{sender} alerts {recipients} directly",
            "vi": "{sender} báo thẳng {recipients}",
            "zh": "{sender}直接通知{recipients}",
        },
    },
    "change_direct_many": {
        "label": {
            "en": "{sender} alerts {count} agencies directly",
            "vi": "{sender} báo thẳng {count} lực lượng",
            "zh": "{sender}直接通知{count}个单位",
        },
    },
    "change_reliability": {
        "label": {
            "en": "{sender} → {recipient}: reliability {reliability}",
            "vi": "{sender} → {recipient}: độ tin cậy {reliability}",
            "zh": "{sender} → {recipient}：可靠性提高到{reliability}",
        },
    },
    "change_delay": {
        "label": {
            "en": "{sender} → {recipient}: alert in {delay}",
            "vi": "{sender} → {recipient}: truyền tin {delay}",
            "zh": "{sender} → {recipient}：传递缩短到{delay}",
        },
    },
    "change_other": {
        "label": {"en": "{description}", "vi": "{description}", "zh": "{description}"},
    },
    "evidence": {
        "critical_path": {
            "en": "critical-path share",
            "vi": "tỷ lệ trên đường găng",
            "zh": "关键路径占比",
        },
        "betweenness": {"en": "betweenness", "vi": "độ trung gian", "zh": "中介中心性"},
        "cut_off": {"en": "cut off", "vi": "bị cô lập", "zh": "被切断"},
    },
}


def short_name(label: str) -> str:
    """An agency's display name without its parenthesised note, for short labels.

    "Công an tỉnh (cơ quan thường trực Ban Chỉ đạo)" -> "Công an tỉnh"; full-width brackets
    (Chinese) too. A name that is all brackets is kept whole.
    """
    return without_asides(label) or label


def say(key: str, part: str, lang: str = "en", params: Mapping[str, object] | None = None) -> str:
    """Message ``key``/``part`` in ``lang`` (English when missing), filled with ``params``."""
    texts = MESSAGES[key][part]
    # NOTE: a name missing from params (an analysis.json written before it existed) reads as empty.
    return texts.get(lang, texts["en"]).format_map(_Blank(params or {}))


class _Blank(dict[str, object]):
    """Format parameters where a missing name is empty text."""

    def __missing__(self, key: str) -> str:
        return ""
