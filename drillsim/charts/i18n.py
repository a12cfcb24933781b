"""Built-in chart texts (legends, axis labels, notes) in English, Vietnamese and Chinese.

Titles and agency/objective names come from the caller; only the fixed vocabulary lives here.
Format placeholders: ``{share}`` is a preformatted percentage, ``{value}`` a preformatted number.
"""

from __future__ import annotations

from collections.abc import Mapping

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "detection": "Detection",
        "desk_wait": "Waiting at duty desk",
        "desk_handling": "Message handling at duty desk",
        "link": "Link delay",
        "retry": "Failed tries and retries",
        "activation": "Activation",
        "travel": "Travel",
        "unit_wait": "Waiting for units",
        "prerequisite_wait": "Waiting for a prerequisite",
        "work": "Doing the work",
        "time_min": "Time since first inject (min)",
        "minutes": "Time (min)",
        "inject": "Inject",
        "target": "Target",
        "share_replications": "Share of replications",
        "met_target": "{share} meet the target",
        "never_reached": "{share} never reached within the horizon",
        "never_short": "{share} never reached",
        "queue_delay": "Mean queueing delay at duty desk (min)",
        "bottleneck": "Bottleneck",
        "backup_link": "Backup link",
        "edge_width": "Line width: simulated time on critical paths",
        "edge_configured": "Light line: configured delay (on no critical path)",
        "n_minutes": "{value} min",
        "share_of_path": "Share of critical-path time",
        "path_minutes": "Critical-path time (min)",
        "delta_success": "Change in success share (percentage points)",
        "delta_median": "Change in median time (min)",
        "pp": "{value} pp",
        "median": "Median",
        "p10_p90": "p10–p90",
        "ci": "95% CI of median",
        "observed": "Observed in live drill",
        "simulated": "Simulated p10–p90",
        "not_observed": "not observed",
        "percentile": "p{value}",
        "no_data": "no data",
    },
    "vi": {
        "detection": "Phát hiện",
        "desk_wait": "Chờ tại trực ban",
        "desk_handling": "Xử lý tin tại trực ban",
        "link": "Truyền tin",
        "retry": "Liên lạc thất bại, thử lại",
        "activation": "Kích hoạt lực lượng",
        "travel": "Di chuyển",
        "unit_wait": "Chờ lực lượng",
        "prerequisite_wait": "Chờ nhiệm vụ tiên quyết",
        "work": "Thực hiện nhiệm vụ",
        "time_min": "Thời gian từ tình huống đầu tiên (phút)",
        "minutes": "Thời gian (phút)",
        "inject": "Tình huống",
        "target": "Mục tiêu",
        "share_replications": "Tỷ lệ số lần mô phỏng",
        "met_target": "{share} đạt mục tiêu",
        "never_reached": "{share} không đạt được trong thời gian mô phỏng",
        "never_short": "{share} không đạt",
        "queue_delay": "Thời gian chờ trung bình tại trực ban (phút)",
        "bottleneck": "Điểm nghẽn",
        "backup_link": "Kênh dự phòng",
        "edge_width": "Độ dày nét: thời gian mô phỏng trên đường găng",
        "edge_configured": "Nét nhạt: độ trễ theo kịch bản (không trên đường găng)",
        "n_minutes": "{value} phút",
        "share_of_path": "Tỷ lệ thời gian trên đường găng",
        "path_minutes": "Thời gian trên đường găng (phút)",
        "delta_success": "Thay đổi tỷ lệ đạt (điểm phần trăm)",
        "delta_median": "Thay đổi thời gian trung vị (phút)",
        "pp": "{value} điểm %",
        "median": "Trung vị",
        "p10_p90": "p10–p90",
        "ci": "Khoảng tin cậy 95% của trung vị",
        "observed": "Thực tế diễn tập",
        "simulated": "Mô phỏng p10–p90",
        "not_observed": "không quan sát",
        "percentile": "p{value}",
        "no_data": "không có dữ liệu",
    },
    "zh": {
        "detection": "发现",
        "desk_wait": "值班台排队等待",
        "desk_handling": "值班台信息处理",
        "link": "信息传递",
        "retry": "联络失败与重试",
        "activation": "力量启动",
        "travel": "赶赴现场",
        "unit_wait": "等待力量",
        "prerequisite_wait": "等待前置任务",
        "work": "执行任务",
        "time_min": "自首个情况注入起的时间（分钟）",
        "minutes": "时间（分钟）",
        "inject": "情况注入",
        "target": "目标",
        "share_replications": "仿真次数占比",
        "met_target": "{share} 达到目标",
        "never_reached": "{share} 在仿真时限内未达成",
        "never_short": "{share} 未达成",
        "queue_delay": "值班台平均排队时间（分钟）",
        "bottleneck": "瓶颈",
        "backup_link": "备用通道",
        "edge_width": "线宽：关键路径上的模拟耗时",
        "edge_configured": "浅色线：设定延迟（不在关键路径上）",
        "n_minutes": "{value} 分钟",
        "share_of_path": "关键路径时间占比",
        "path_minutes": "关键路径时间（分钟）",
        "delta_success": "达成率变化（百分点）",
        "delta_median": "中位时间变化（分钟）",
        "pp": "{value} 个百分点",
        "median": "中位数",
        "p10_p90": "P10–P90",
        "ci": "中位数 95% 置信区间",
        "observed": "实际演练",
        "simulated": "仿真 P10–P90",
        "not_observed": "未观测",
        "percentile": "P{value}",
        "no_data": "无数据",
    },
}

LANGUAGES: tuple[str, ...] = tuple(TEXTS)


def texts_for(lang: str = "en", labels: Mapping[str, str] | None = None) -> dict[str, str]:
    """The built-in texts for ``lang`` with the caller's ``labels`` overriding single entries.

    Raises:
        ValueError: For an unknown language or an override key that is not a known text.
    """
    if lang not in TEXTS:
        raise ValueError(f"unknown chart language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    merged = dict(TEXTS[lang])
    unknown = sorted(set(labels or {}) - set(merged))
    if unknown:
        raise ValueError(f"unknown chart text key(s): {', '.join(unknown)}")
    merged.update(labels or {})
    return merged
