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
        "title": {"en": "Duty desk of {agency} delays the alerts",
                  "vi": "Bộ phận trực ban của {agency} làm chậm việc truyền tin",
                  "zh": "{agency}值班台延误了警情传递"},
        "text": {"en": "Alerts queue at the duty desk of {agency}: {officers} duty officer(s), busy {busy} of the "
                       "time; a message waits {mean_wait} on average, {worst_wait} at worst, with up to {queue} waiting.",
                 "vi": "Tin báo xếp hàng chờ tại bộ phận trực ban của {agency}: {officers} cán bộ trực, bận {busy} "
                       "thời gian; mỗi tin chờ trung bình {mean_wait}, lâu nhất {worst_wait}, có lúc {queue} tin chờ.",
                 "zh": "警情在{agency}值班台排队：值班人员{officers}名，忙碌时间占{busy}；每条信息平均等待"
                       "{mean_wait}，最长{worst_wait}，最多{queue}条同时等待。"},
        "suggestion": {"en": "Add a duty officer at {agency}, or link the detecting agency directly to the agencies "
                             "behind it",
                       "vi": "Bổ sung cán bộ trực ban tại {agency}, hoặc cho đơn vị phát hiện báo thẳng các đơn vị phía sau",
                       "zh": "在{agency}增加值班人员，或让发现单位直接通知其后的各单位"},
    },
    "units": {
        "title": {"en": "Not enough units at {agency}", "vi": "{agency} thiếu lực lượng, phương tiện",
                  "zh": "{agency}力量不足"},
        "text": {"en": "Work waits for units of {agency}: {mean_wait} on average, worst {worst_wait}, {units} unit(s) "
                       "busy {busy}.",
                 "vi": "Nhiệm vụ phải chờ lực lượng của {agency}: trung bình {mean_wait}, lâu nhất {worst_wait}; "
                       "{units} tổ/xe bận {busy} thời gian.",
                 "zh": "任务等待{agency}的力量：平均{mean_wait}，最长{worst_wait}；{units}个单元忙碌时间占{busy}。"},
        "suggestion": {"en": "Give {agency} one more unit (or let another agency take the work)",
                       "vi": "Bổ sung cho {agency} thêm một tổ/xe (hoặc giao việc cho đơn vị khác)",
                       "zh": "为{agency}增加一个单元（或由其他单位分担任务）"},
    },
    "retries": {
        "title": {"en": "Time lost to failed tries and retries on the link {sender} → {recipient}",
                  "vi": "Mất thời gian do gọi không được, phải gọi lại trên kênh {sender} → {recipient}",
                  "zh": "{sender} → {recipient}联络渠道因呼叫失败和重试而耽误时间"},
        "text": {"en": "The alert from {sender} to {recipient} is slow{detail}.",
                 "vi": "Tin báo từ {sender} đến {recipient} chậm{detail}.",
                 "zh": "从{sender}到{recipient}的警情传递缓慢{detail}。"},
        "suggestion": {"en": "Make the link more reliable (a dedicated line) or add a backup channel",
                       "vi": "Nâng độ tin cậy của kênh (đường dây riêng) hoặc bổ sung kênh dự phòng",
                       "zh": "提高该渠道可靠性（专线），或增加备用渠道"},
    },
    "transmission": {
        "title": {"en": "Time lost in transmission over the link {sender} → {recipient}",
                  "vi": "Mất thời gian truyền tin trên kênh {sender} → {recipient}",
                  "zh": "{sender} → {recipient}联络渠道传递耗时"},
        "text": {"en": "The alert from {sender} to {recipient} is slow{detail}.",
                 "vi": "Tin báo từ {sender} đến {recipient} chậm{detail}.",
                 "zh": "从{sender}到{recipient}的警情传递缓慢{detail}。"},
        "suggestion": {"en": "Make the link more reliable (a dedicated line) or add a backup channel",
                       "vi": "Nâng độ tin cậy của kênh (đường dây riêng) hoặc bổ sung kênh dự phòng",
                       "zh": "提高该渠道可靠性（专线），或增加备用渠道"},
    },
    "transmission_fast": {
        "title": {"en": "Time lost in transmission over the link {sender} → {recipient}",
                  "vi": "Mất thời gian truyền tin trên kênh {sender} → {recipient}",
                  "zh": "{sender} → {recipient}联络渠道传递耗时"},
        "text": {"en": "The alert from {sender} to {recipient} takes {delay} on average over a reliable channel.",
                 "vi": "Tin báo từ {sender} đến {recipient} mất trung bình {delay} dù kênh liên lạc ổn định.",
                 "zh": "从{sender}到{recipient}的警情传递虽渠道可靠，平均仍需{delay}。"},
        "suggestion": {"en": "Use a faster channel for this alert (a direct hotline, or a liaison officer at the sender)",
                       "vi": "Dùng kênh nhanh hơn cho tin báo này (đường dây nóng trực tiếp, hoặc cán bộ liên lạc "
                             "tại đơn vị gửi)",
                       "zh": "为该警情改用更快的渠道（直通热线，或在发送单位派驻联络员）"},
    },
    "link_detail": {
        "text": {"en": " (reliability {reliability}, retry {retry})",
                 "vi": " (độ tin cậy {reliability}, gọi lại sau {retry})",
                 "zh": "（可靠性{reliability}，重试间隔{retry}）"},
    },
    "mobilisation": {
        "title": {"en": "{agency} takes long to mobilise and arrive", "vi": "{agency} huy động và cơ động chậm",
                  "zh": "{agency}集结和到场耗时长"},
        "text": {"en": "Activation and travel of {agency} dominate the objectives it serves.",
                 "vi": "Thời gian huy động và di chuyển của {agency} chiếm phần lớn thời gian của các mục tiêu liên quan.",
                 "zh": "{agency}的集结和行进时间在相关目标用时中占主要部分。"},
        "suggestion": {"en": "Pre-position or put a standby team of {agency} on alert before the exercise window",
                       "vi": "Bố trí trước hoặc cho một tổ của {agency} trực sẵn sàng trong thời gian có nguy cơ",
                       "zh": "预先部署{agency}，或在风险时段安排一个小组待命"},
    },
    "single_point": {
        "title": {"en": "{agency} is a single point of failure", "vi": "{agency} là điểm nghẽn duy nhất",
                  "zh": "{agency}是单点故障"},
        "text": {"en": "If {agency} is lost, no alert can reach {lost}.",
                 "vi": "Nếu {agency} không hoạt động, không tin báo nào đến được {lost}.",
                 "zh": "如果{agency}失效，警情将无法到达{lost}。"},
        "suggestion": {"en": "Add a second alerting path that does not pass through it",
                       "vi": "Bổ sung một đường báo tin thứ hai không đi qua đơn vị này",
                       "zh": "增加一条不经过该单位的报警路径"},
    },
    "bridge": {
        "title": {"en": "The link {sender} → {recipient} is the only path",
                  "vi": "Kênh {sender} → {recipient} là đường báo tin duy nhất",
                  "zh": "{sender} → {recipient}是唯一的联络路径"},
        "text": {"en": "If this link fails, {lost} cannot be alerted (every alert path to them crosses it, and it "
                       "has no backup channel).",
                 "vi": "Nếu kênh này hỏng, {lost} không thể nhận tin (mọi đường báo tin đến đó đều đi qua kênh "
                       "này, và kênh không có dự phòng).",
                 "zh": "该渠道一旦中断，{lost}将无法接到警情（所有报警路径都经过该渠道，且无备用渠道）。"},
        "suggestion": {"en": "Add a backup channel to this link", "vi": "Bổ sung kênh dự phòng cho kênh này",
                       "zh": "为该渠道增加备用渠道"},
    },
    "bridges": {
        "title": {"en": "Each of {count} links from {sender} is the only path to its recipient",
                  "vi": "{count} kênh báo tin từ {sender} đều là đường báo tin duy nhất",
                  "zh": "{sender}发出的{count}条联络渠道均为唯一路径"},
        "text": {"en": "If one of these links fails, the agencies behind it cannot be alerted: {pairs} (every alert "
                       "path to them crosses it, and it has no backup channel).",
                 "vi": "Nếu một trong các kênh này hỏng, các đơn vị phía sau không thể nhận tin: {pairs} (mọi "
                       "đường báo tin đến đó đều đi qua kênh này, và kênh không có dự phòng).",
                 "zh": "其中任一渠道中断，其后的单位将无法接到警情：{pairs}（所有报警路径都经过该渠道，且无备用渠道）。"},
        "suggestion": {"en": "Give these links a backup channel (a second line or radio), or alert their recipients "
                             "from a second agency too",
                       "vi": "Bổ sung kênh dự phòng (đường dây thứ hai hoặc vô tuyến) cho các kênh này, hoặc để thêm "
                             "một đơn vị thứ hai cùng báo tin",
                       "zh": "为这些渠道增加备用渠道（第二条线路或无线电），或由第二个单位同时通知"},
    },
    "unreachable": {
        "title": {"en": "{agency} can never be alerted", "vi": "{agency} không bao giờ nhận được tin",
                  "zh": "{agency}永远无法接到警情"},
        "text": {"en": "No chain of links leads to it from a detecting agency.",
                 "vi": "Không có chuỗi kênh liên lạc nào từ đơn vị phát hiện đến đơn vị này.",
                 "zh": "没有任何联络链路从发现单位通向该单位。"},
        "suggestion": {"en": "Add a link that alerts {agency}", "vi": "Bổ sung kênh báo tin cho {agency}",
                       "zh": "增加通知{agency}的联络渠道"},
    },
    # Suggested changes, as the tornado chart and the findings' "simulated effect" name them.
    "change_officers": {
        "label": {"en": "{agency}: {officers} duty officers", "vi": "{agency}: {officers} cán bộ trực ban",
                  "zh": "{agency}：值班人员增至{officers}名"},
    },
    "change_units": {
        "label": {"en": "{agency}: {units} units", "vi": "{agency}: {units} tổ/xe",
                  "zh": "{agency}：力量增至{units}个"},
    },
    "change_direct": {
        "label": {"en": "{sender} alerts {recipients} directly", "vi": "{sender} báo thẳng {recipients}",
                  "zh": "{sender}直接通知{recipients}"},
    },
    "change_direct_many": {
        "label": {"en": "{sender} alerts {count} agencies directly", "vi": "{sender} báo thẳng {count} lực lượng",
                  "zh": "{sender}直接通知{count}个单位"},
    },
    "change_reliability": {
        "label": {"en": "{sender} → {recipient}: reliability {reliability}",
                  "vi": "{sender} → {recipient}: độ tin cậy {reliability}",
                  "zh": "{sender} → {recipient}：可靠性提高到{reliability}"},
    },
    "change_delay": {
        "label": {"en": "{sender} → {recipient}: alert in {delay}",
                  "vi": "{sender} → {recipient}: truyền tin {delay}",
                  "zh": "{sender} → {recipient}：传递缩短到{delay}"},
    },
    "change_other": {
        "label": {"en": "{description}", "vi": "{description}", "zh": "{description}"},
    },
    "evidence": {
        "critical_path": {"en": "critical-path share", "vi": "tỷ lệ trên đường găng", "zh": "关键路径占比"},
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
    return texts.get(lang, texts["en"]).format(**(params or {}))
