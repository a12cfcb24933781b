"""Report headings and labels in English, Vietnamese and Chinese.

Every key exists in every language (a test checks it). Scenario text (names, descriptions)
is never translated: it is shown as the trainer wrote it.
"""

from __future__ import annotations

LANGS = ("en", "vi", "zh")

TEXT: dict[str, dict[str, str]] = {
    "title": {"en": "After-Action Report / Improvement Plan", "vi": "Báo cáo sau diễn tập / Kế hoạch khắc phục",
              "zh": "演练总结报告 / 改进计划"},
    "simulated": {"en": "Simulated exercise: results of {n} simulated replications, not of a live drill.",
                  "vi": "Diễn tập mô phỏng: kết quả của {n} lần mô phỏng, không phải diễn tập thực tế.",
                  "zh": "模拟演练：{n} 次模拟重复的结果，并非实地演练。"},
    "overview": {"en": "Exercise overview", "vi": "Tổng quan cuộc diễn tập", "zh": "演练概况"},
    "exercise_name": {"en": "Exercise name", "vi": "Tên cuộc diễn tập", "zh": "演练名称"},
    "exercise_type": {"en": "Exercise type", "vi": "Loại hình diễn tập", "zh": "演练类型"},
    "target": {"en": "Target", "vi": "Mục tiêu", "zh": "目标单位"},
    "scope": {"en": "Scope", "vi": "Phạm vi", "zh": "范围"},
    "mission_areas": {"en": "Mission areas", "vi": "Lĩnh vực nhiệm vụ", "zh": "任务领域"},
    "threat": {"en": "Threat or hazard", "vi": "Mối đe dọa", "zh": "威胁或危害"},
    "scenario": {"en": "Scenario", "vi": "Kịch bản", "zh": "情景"},
    "sponsor": {"en": "Sponsor", "vi": "Cơ quan chủ trì", "zh": "主办单位"},
    "participants": {"en": "Participating organizations", "vi": "Các lực lượng tham gia", "zh": "参演单位"},
    "core_capabilities": {"en": "Core capabilities", "vi": "Năng lực cốt lõi", "zh": "核心能力"},
    "objectives": {"en": "Objectives", "vi": "Mục tiêu diễn tập", "zh": "演练目标"},
    "settings": {"en": "Simulation settings", "vi": "Thiết lập mô phỏng", "zh": "模拟设置"},
    "replications": {"en": "Replications", "vi": "Số lần mô phỏng", "zh": "重复次数"},
    "seed": {"en": "Seed", "vi": "Hạt giống ngẫu nhiên", "zh": "随机种子"},
    "version": {"en": "drillsim version", "vi": "Phiên bản drillsim", "zh": "drillsim 版本"},
    "scenario_hash": {"en": "Scenario hash", "vi": "Mã băm kịch bản", "zh": "情景哈希"},
    "failed_replications": {"en": "Failed replications (not in the results; replay the first)",
                            "vi": "Lần mô phỏng bị lỗi (không tính vào kết quả; chạy lại lần đầu tiên)",
                            "zh": "失败的仿真（未计入结果；重放第一次）"},
    "partial_run": {
        "en": "Partial results: the run {how} after {done} of {planned} planned replications of the base "
              "scenario; every figure in this report covers only those.",
        "vi": "Kết quả chưa đầy đủ: lần chạy {how} sau {done}/{planned} lần mô phỏng dự kiến của kịch bản gốc; "
              "mọi số liệu trong báo cáo này chỉ tính trên các lần đó.",
        "zh": "结果不完整：本次运行{how}，基准情景计划 {planned} 次重复中仅完成 {done} 次；本报告的所有数据仅基于这些重复。"},
    "run_interrupted": {"en": "was interrupted", "vi": "bị dừng giữa chừng", "zh": "被中断"},
    "run_failed": {"en": "was stopped by an error", "vi": "bị dừng do lỗi", "zh": "因错误而停止"},
    "run_running": {"en": "is still running or was killed", "vi": "vẫn đang chạy hoặc đã bị buộc dừng",
                    "zh": "仍在运行或已被强制终止"},
    "run_incomplete": {"en": "did not complete", "vi": "chưa hoàn tất", "zh": "未完成"},
    "variants": {"en": "Variants", "vi": "Phương án giả định", "zh": "情景变体"},
    "analysis": {"en": "Analysis of core capabilities", "vi": "Phân tích năng lực cốt lõi", "zh": "核心能力分析"},
    "rating_rule": {
        "en": "Ratings come from the share of replications meeting each target: P at least {p}, S at least {s}, "
              "M at least {m}, U below {m} or never achieved. A capability takes the worst rating of its "
              "critical objectives.",
        "vi": "Xếp loại theo tỷ lệ lần mô phỏng đạt chỉ tiêu: P từ {p}, S từ {s}, M từ {m}, U dưới {m} hoặc "
              "không thực hiện được. Mỗi năng lực lấy xếp loại thấp nhất của các mục tiêu then chốt.",
        "zh": "评级依据达到目标的重复次数比例：P 不低于 {p}，S 不低于 {s}，M 不低于 {m}，低于 {m} 或从未完成为 U。"
              "核心能力取其关键目标中最差的评级。"},
    "rating_P": {"en": "Performed without challenges", "vi": "Thực hiện không có khó khăn",
                 "zh": "顺利完成"},
    "rating_S": {"en": "Performed with some challenges", "vi": "Thực hiện có một số khó khăn",
                 "zh": "完成但存在一些问题"},
    "rating_M": {"en": "Performed with major challenges", "vi": "Thực hiện có nhiều khó khăn",
                 "zh": "完成但存在重大问题"},
    "rating_U": {"en": "Unable to be performed", "vi": "Không thực hiện được", "zh": "未能完成"},
    "objective": {"en": "Objective", "vi": "Mục tiêu", "zh": "目标"},
    "capability": {"en": "Core capability", "vi": "Năng lực cốt lõi", "zh": "核心能力"},
    "measure": {"en": "Measure", "vi": "Chỉ số đo", "zh": "衡量指标"},
    "target_time": {"en": "Target", "vi": "Chỉ tiêu", "zh": "目标时间"},
    "met_share": {"en": "Met in", "vi": "Tỷ lệ đạt", "zh": "达成比例"},
    "median": {"en": "Median", "vi": "Trung vị", "zh": "中位数"},
    "p90": {"en": "90th percentile", "vi": "Phân vị 90", "zh": "第90百分位"},
    "rating": {"en": "Rating", "vi": "Xếp loại", "zh": "评级"},
    "never": {"en": "not reached", "vi": "không đạt được", "zh": "未达到"},
    "strengths": {"en": "Strengths", "vi": "Điểm mạnh", "zh": "优势"},
    "improvements": {"en": "Areas for improvement", "vi": "Tồn tại cần khắc phục", "zh": "待改进方面"},
    "evidence": {"en": "Evidence", "vi": "Căn cứ", "zh": "依据"},
    "where_time": {"en": "Where the time goes", "vi": "Thời gian bị tiêu tốn ở đâu", "zh": "时间耗在何处"},
    "response_times": {"en": "Response times by agency", "vi": "Thời gian phản ứng của các lực lượng",
                       "zh": "各单位响应时间"},
    "agency": {"en": "Agency", "vi": "Lực lượng", "zh": "单位"},
    "alerted": {"en": "Alerted", "vi": "Nhận tin", "zh": "接警"},
    "activated": {"en": "Activated", "vi": "Xuất phát", "zh": "出动"},
    "on_scene": {"en": "On scene", "vi": "Có mặt", "zh": "到场"},
    "task_started": {"en": "Task started", "vi": "Bắt đầu nhiệm vụ", "zh": "任务开始"},
    "task_done": {"en": "Task done", "vi": "Hoàn thành nhiệm vụ", "zh": "任务完成"},
    "queues": {"en": "Duty desks and units", "vi": "Trực ban và lực lượng", "zh": "值班台与处置力量"},
    "resource": {"en": "Resource", "vi": "Nguồn lực", "zh": "资源"},
    "desk": {"en": "duty desk", "vi": "bàn trực", "zh": "值班台"},
    "units": {"en": "units", "vi": "đơn vị", "zh": "力量"},
    "utilisation": {"en": "Utilisation", "vi": "Mức sử dụng", "zh": "利用率"},
    "mean_wait": {"en": "Mean wait", "vi": "Chờ trung bình", "zh": "平均等待"},
    "worst_wait": {"en": "Worst wait", "vi": "Chờ lâu nhất", "zh": "最长等待"},
    "longest_queue": {"en": "Longest queue", "vi": "Hàng đợi dài nhất", "zh": "最长队列"},
    "comparison": {"en": "What-if variants", "vi": "Các phương án giả định", "zh": "假设情景比较"},
    "difference": {"en": "Difference vs base", "vi": "Chênh lệch so với gốc", "zh": "与基准差异"},
    "significant": {"en": "significant", "vi": "có ý nghĩa", "zh": "显著"},
    "simulated_fix": {"en": "Simulated effect of '{change}': {effect}", "vi": "Hiệu quả mô phỏng của '{change}': {effect}",
                      "zh": "“{change}”的模拟效果：{effect}"},
    "no_change": {"en": "no change", "vi": "không thay đổi", "zh": "无变化"},
    "expectations": {"en": "Did each what-if do what was expected?", "vi": "Phương án giả định có cho kết quả như dự kiến?",
                     "zh": "假设情景是否达到预期？"},
    "expected_effect": {"en": "Expected", "vi": "Dự kiến", "zh": "预期"},
    "simulated_effect": {"en": "Simulated", "vi": "Mô phỏng", "zh": "模拟结果"},
    "better": {"en": "better", "vi": "tốt hơn", "zh": "改善"},
    "worse": {"en": "worse", "vi": "kém hơn", "zh": "变差"},
    "unclear": {"en": "no clear effect", "vi": "không rõ tác động", "zh": "无明显影响"},
    "as_expected": {"en": "as expected", "vi": "đúng dự kiến", "zh": "符合预期"},
    "not_as_expected": {"en": "NOT as expected", "vi": "KHÔNG đúng dự kiến", "zh": "不符合预期"},
    "not_significant": {"en": "not significant", "vi": "không có ý nghĩa", "zh": "不显著"},
    "plan": {"en": "Appendix A: Improvement plan", "vi": "Phụ lục A: Kế hoạch khắc phục", "zh": "附录A：改进计划"},
    "plan_intro": {
        "en": "Every item states the six clarities: owner, task, deadline, authority, responsibility and "
              "expected result. Deadlines and people are proposals for the after-action meeting to confirm.",
        "vi": "Mỗi nội dung bảo đảm \"sáu rõ\": rõ người, rõ việc, rõ thời gian, rõ thẩm quyền, rõ trách nhiệm, "
              "rõ kết quả. Thời hạn và người phụ trách là đề xuất để hội nghị rút kinh nghiệm xác nhận.",
        "zh": "每项均明确“六个明确”：责任单位、任务、时限、权限、责任人和预期结果。时限与人员为建议，"
              "由总结会议确认。"},
    "owner": {"en": "Owner", "vi": "Rõ người (đơn vị chủ trì)", "zh": "责任单位"},
    "task": {"en": "Task (corrective action)", "vi": "Rõ việc", "zh": "任务"},
    "deadline": {"en": "Deadline", "vi": "Rõ thời gian", "zh": "时限"},
    "authority": {"en": "Authority", "vi": "Rõ thẩm quyền", "zh": "权限"},
    "responsibility": {"en": "Responsibility", "vi": "Rõ trách nhiệm", "zh": "责任人"},
    "expected": {"en": "Expected result", "vi": "Rõ kết quả", "zh": "预期结果"},
    "deadline_default": {"en": "before the live exercise", "vi": "trước buổi diễn tập thực binh",
                         "zh": "实地演练前"},
    "responsibility_default": {"en": "Head of {agency}", "vi": "Thủ trưởng {agency}", "zh": "{agency}负责人"},
    "expected_default": {"en": "{objective} met in at least {p} of replications (now {now})",
                         "vi": "{objective} đạt chỉ tiêu trong ít nhất {p} số lần mô phỏng (hiện {now})",
                         "zh": "{objective} 在至少 {p} 的重复中达标（目前 {now}）"},
    "msel": {"en": "Appendix B: Master Scenario Events List", "vi": "Phụ lục B: Danh mục tình huống (MSEL)",
             "zh": "附录B：主情景事件清单（MSEL）"},
    "time": {"en": "Time", "vi": "Thời gian", "zh": "时间"},
    "event": {"en": "Event", "vi": "Tình huống", "zh": "事件"},
    "detected_by": {"en": "Detected by", "vi": "Đơn vị phát hiện", "zh": "发现单位"},
    "triggers": {"en": "Expected actions", "vi": "Hành động dự kiến", "zh": "预期行动"},
    "graph": {"en": "Appendix C: Coordination graph", "vi": "Phụ lục C: Sơ đồ hiệp đồng", "zh": "附录C：协同关系图"},
    "graph_note": {
        "en": "Node colour: mean wait at the duty desk. Line width: simulated time the link costs on the critical "
              "paths (for the objective it delays most); light lines: links on no critical path, drawn with "
              "their configured delay.",
        "vi": "Màu ô: thời gian chờ trung bình tại bộ phận trực ban. Độ dày nét: thời gian mô phỏng mà kênh liên "
              "lạc tiêu tốn trên đường găng (ở mục tiêu bị chậm nhiều nhất); nét nhạt: kênh không nằm trên đường "
              "găng nào, vẽ theo độ trễ khai báo trong kịch bản.",
        "zh": "节点颜色：值班台平均等待时间。线宽：该联络渠道在关键路径上的模拟耗时（取受其影响最大的目标）；"
              "浅色线：不在任何关键路径上的渠道，按情景设定的延迟绘制。"},
    "link": {"en": "Link", "vi": "Liên lạc", "zh": "联络"},
    "channel": {"en": "Channel", "vi": "Phương thức", "zh": "方式"},
    "delay": {"en": "Delay", "vi": "Độ trễ", "zh": "延迟"},
    "reliability": {"en": "Reliability", "vi": "Độ tin cậy", "zh": "可靠性"},
    "backup": {"en": "Backup", "vi": "Dự phòng", "zh": "备用"},
    "assumptions": {"en": "Appendix D: Assumptions and sources", "vi": "Phụ lục D: Giả định và nguồn số liệu",
                    "zh": "附录D：假设与数据来源"},
    "assumption_intro": {"en": "Values with no published source, to be reviewed by the trainer:",
                         "vi": "Các giá trị chưa có nguồn công bố, cần người huấn luyện xem xét:",
                         "zh": "无公开来源、需由培训人员复核的数值："},
    "sources": {"en": "Sources", "vi": "Nguồn", "zh": "来源"},
    "observed": {"en": "Live drill compared with the simulation", "vi": "So sánh diễn tập thực tế với mô phỏng",
                 "zh": "实地演练与模拟对比"},
    "observed_time": {"en": "Observed", "vi": "Thực tế", "zh": "实际"},
    "percentile": {"en": "Percentile", "vi": "Phân vị", "zh": "百分位"},
    "faster": {"en": "faster than planned", "vi": "nhanh hơn dự kiến", "zh": "快于预期"},
    "slower": {"en": "slower than planned", "vi": "chậm hơn dự kiến", "zh": "慢于预期"},
    "as_planned": {"en": "as planned", "vi": "đúng dự kiến", "zh": "符合预期"},
    "charts": {"en": "Charts", "vi": "Biểu đồ", "zh": "图表"},
    "timeline_median": {"en": "Timeline of the median replication", "vi": "Diễn biến của lần mô phỏng trung vị",
                        "zh": "中位重复的时间线"},
    "timeline_worst": {"en": "Timeline of the worst replication", "vi": "Diễn biến của lần mô phỏng xấu nhất",
                       "zh": "最差重复的时间线"},
    "distribution": {"en": "Distribution of the time to {objective}", "vi": "Phân bố thời gian: {objective}",
                     "zh": "{objective} 所需时间分布"},
    "split_chart": {"en": "Critical-path split by objective", "vi": "Cơ cấu đường găng theo mục tiêu",
                    "zh": "各目标关键路径时间构成"},
    "tornado": {"en": "Effect of suggested improvements", "vi": "Hiệu quả của các đề xuất cải tiến",
                "zh": "改进建议的效果"},
    "tornado_axis": {"en": "Change in success share, summed over the objectives (percentage points)",
                     "vi": "Thay đổi tỷ lệ đạt, cộng trên các mục tiêu (điểm phần trăm)",
                     "zh": "各目标达成率变化之和（百分点）"},
    "variant_chart": {"en": "Objective times by variant", "vi": "Thời gian đạt mục tiêu theo phương án",
                      "zh": "各情景变体的目标时间"},
    "generated": {"en": "Generated by drillsim {version} from run {run}.", "vi": "Tạo bởi drillsim {version} từ lần chạy {run}.",
                  "zh": "由 drillsim {version} 根据运行 {run} 生成。"},
    "warnings": {"en": "Warnings", "vi": "Cảnh báo", "zh": "警告"},
    "none": {"en": "None.", "vi": "Không có.", "zh": "无。"},
    "minutes": {"en": "min", "vi": "phút", "zh": "分钟"},
}


def t(key: str, lang: str, **fmt: object) -> str:
    """The text for ``key`` in ``lang`` (English when a language lacks it), formatted."""
    entry = TEXT[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**fmt) if fmt else text


# Critical-path categories (drillsim.analysis.paths.CATEGORIES) in the report's words.
CATEGORY_TEXT: dict[str, dict[str, str]] = {
    "detection": {"en": "detection", "vi": "phát hiện", "zh": "发现"},
    "handling": {"en": "message handling at a duty desk", "vi": "xử lý tin tại bộ phận trực ban", "zh": "值班台处理信息"},
    "link": {"en": "link delay", "vi": "truyền tin trên kênh liên lạc", "zh": "联络渠道传递"},
    "retries": {"en": "failed tries and retries", "vi": "gọi không được, gọi lại", "zh": "呼叫失败与重试"},
    "activation": {"en": "activation", "vi": "huy động", "zh": "集结"},
    "travel": {"en": "travel", "vi": "cơ động đến hiện trường", "zh": "行进到场"},
    "units": {"en": "waiting for units", "vi": "chờ lực lượng", "zh": "等待力量"},
    "prerequisite": {"en": "waiting for a prerequisite", "vi": "chờ nhiệm vụ trước", "zh": "等待前置任务"},
    "work": {"en": "doing the work", "vi": "thực hiện nhiệm vụ", "zh": "执行任务"},
    "before_inject": {"en": "before the inject", "vi": "trước tình huống", "zh": "情况发生前"},
}


def category(name: str, lang: str) -> str:
    """A critical-path category in ``lang`` (the name itself when unknown)."""
    entry = CATEGORY_TEXT.get(name)
    return (entry.get(lang) or entry["en"]) if entry else name
